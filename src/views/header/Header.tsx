// The page header: the lab's name, the dataset switch, the backend badge, and the classroom tools
// (copy a link to this state, presentation mode, keyboard shortcuts).
import { KeyboardShortcuts } from '../presentation/KeyboardShortcuts';
import { PresentationToggle } from '../presentation/PresentationToggle';
import { BackendBadge } from './BackendBadge';
import { CopyLink } from './CopyLink';
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
        <div className="header-tools" role="group" aria-label="Page tools">
          <CopyLink />
          <PresentationToggle />
          <KeyboardShortcuts />
        </div>
      </div>
    </header>
  );
}
