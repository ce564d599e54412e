// The Train panel: settings and the test-image gallery beside the run (progress, results, curves, models).
import { Guard } from '../common/Guard';
import { Gallery } from '../gallery/Gallery';
import { RunPanel } from './RunPanel';
import { SettingsForm } from './SettingsForm';

export function TrainPanel() {
  return (
    <div className="layout">
      <div className="column column-side">
        <Guard name="settings"><SettingsForm /></Guard>
        <Guard name="gallery"><Gallery /></Guard>
      </div>
      <div className="column column-main">
        <Guard name="training run"><RunPanel /></Guard>
      </div>
    </div>
  );
}
