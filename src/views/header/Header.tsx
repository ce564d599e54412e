// The page header: the lab's name, the dataset switch and the badge naming the compute backend.
import { BackendBadge } from './BackendBadge';
import { DatasetSwitch } from './DatasetSwitch';

export function Header() {
  return (
    <header className="app-header">
      <div className="brand">
        <h1>Rewire Lab</h1>
        <p className="tagline">Train a sparse network, watch its wiring change, then try to break it.</p>
      </div>
      <div className="header-controls">
        <DatasetSwitch />
        <BackendBadge />
      </div>
    </header>
  );
}
