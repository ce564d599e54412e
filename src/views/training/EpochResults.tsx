// The newest epoch of the current model: test accuracy, losses, speed, and the newest rewiring of
// each sparse layer (links removed / added / kept). The engine does not rewire after the final
// epoch (SET's convention), so the table keeps showing the last epoch that did.
import type { EpochSummary } from '../../state/progress';
import { useTraining } from '../LabContext';

const LAYER_NAMES = ['784 → H', 'H → H', 'H → H'];

export function EpochResults() {
  const modelId = useTraining((s) => s.run.modelId);
  const history = useTraining((s) => (modelId ? s.histories[modelId] : undefined));
  const strategy = useTraining((s) => s.run.config?.strategy);
  const last = history && history.length > 0 ? history[history.length - 1] : null;
  if (!history || !last) return null;
  const rewiredAt = [...history].reverse().find(didRewire);
  const shown = rewiredAt ?? last;
  const caption = rewiredAt
    ? `Rewiring after epoch ${rewiredAt.epoch} (ζ = ${Number(rewiredAt.zeta.toFixed(3))})${rewiredAt !== last ? '; none after the final epoch' : ''}`
    : strategy === 'static'
      ? 'Static topology: links are never rewired'
      : 'No rewiring yet: it happens between epochs, never after the final one';
  return (
    <div className="epoch-results" aria-live="polite">
      <dl className="metrics">
        <div>
          <dt>Epoch</dt>
          <dd>{last.epoch}</dd>
        </div>
        <div>
          <dt>Test accuracy</dt>
          <dd data-testid="epoch-accuracy" data-value={last.testAccuracy}>{last.testAccuracy.toFixed(4)}</dd>
        </div>
        <div>
          <dt>Train loss</dt>
          <dd data-testid="epoch-train-loss">{last.trainLoss.toFixed(4)}</dd>
        </div>
        <div>
          <dt>Test loss</dt>
          <dd>{last.testLoss.toFixed(4)}</dd>
        </div>
        <div>
          <dt>Epoch time</dt>
          <dd>{last.seconds.toFixed(1)} s</dd>
        </div>
      </dl>
      {shown.rewire.length > 0 && (
        <table className="rewire-table" data-testid="rewire-counts" data-epoch={shown.epoch}>
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">Layer</th>
              <th scope="col">Links</th>
              <th scope="col">Removed</th>
              <th scope="col">Added</th>
              <th scope="col">Kept</th>
            </tr>
          </thead>
          <tbody>
            {shown.rewire.map((l, i) => (
              <tr key={i} data-layer={i} data-removed={l.removed} data-added={l.added} data-kept={l.kept}>
                <th scope="row">{LAYER_NAMES[i] ?? `layer ${i + 1}`}</th>
                <td>{l.links.toLocaleString('en-US')}</td>
                <td>{l.removed.toLocaleString('en-US')}</td>
                <td>{l.added.toLocaleString('en-US')}</td>
                <td>{l.kept.toLocaleString('en-US')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function didRewire(e: EpochSummary): boolean {
  return e.rewire.some((l) => l.removed > 0 || l.added > 0);
}
