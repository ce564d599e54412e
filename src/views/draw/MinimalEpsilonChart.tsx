// "Which network needs the bigger push?": the smallest ε that changes each model's answer, as bars
// on one scale from 0 to the largest ε searched.
import { DATASETS } from '../../data/registry';
import { MAX_ATTACK_EPSILON } from '../../state/drawing';
import { useDrawing } from '../LabContext';
import type { PanelModel } from './usePanelModels';

export function MinimalEpsilonChart({ models }: { models: PanelModel[] }) {
  const minimal = useDrawing((s) => s.minimal);
  const dataset = useDrawing((s) => s.dataset);
  const shown = models.filter((m) => minimal[m.entry.id]);
  if (shown.length === 0) return null;
  const first = minimal[shown[0].entry.id];
  const goal = first.target === null ? 'changes its answer' : `makes it answer “${DATASETS[dataset].classNames[first.target]}”`;
  return (
    <div className="draw-minimal" data-testid="minimal-epsilon">
      <h3>Smallest ε that fools each model</h3>
      <p className="panel-note">
        The weakest {first.kind.toUpperCase()} attack that {goal}, found by halving the interval 0–{MAX_ATTACK_EPSILON}.
        A longer bar means a network that needs a bigger push.
      </p>
      {shown.map(({ entry, color }) => {
        const m = minimal[entry.id];
        const epsilon = m.status === 'done' ? m.epsilon : null;
        // One scale for every row: 0 to the largest ε the panel searches.
        const width = m.status !== 'done' ? 0 : epsilon === null ? 100 : Math.min(100, (epsilon / MAX_ATTACK_EPSILON) * 100);
        const text = m.status === 'queued' ? 'waiting…' : m.status === 'running' ? 'searching…' : m.status === 'error'
          ? (m.message ?? 'failed') : epsilon === null ? `not fooled up to ${m.maxEpsilon}` : `ε = ${epsilon.toFixed(3)}`;
        return (
          <div key={entry.id} className="draw-minimal-row" data-model={entry.id} data-epsilon={epsilon ?? ''} data-status={m.status}>
            <span className="draw-minimal-name"><span className="swatch" style={{ background: color }} aria-hidden="true" />{entry.label}</span>
            <span className="draw-bar-track" aria-hidden="true">
              <span className={`draw-bar-fill${epsilon === null && m.status === 'done' ? ' beyond' : ''}`} style={{ width: `${width}%`, background: color }} />
            </span>
            <span className={m.status === 'error' ? 'draw-error draw-minimal-value' : 'draw-minimal-value'}>{text}</span>
          </div>
        );
      })}
      <div className="draw-minimal-row draw-minimal-axis" aria-hidden="true">
        <span />
        <span className="draw-axis-ticks">{[0, 0.5, 1].map((f) => <span key={f}>{(f * MAX_ATTACK_EPSILON).toFixed(2)}</span>)}</span>
        <span>ε</span>
      </div>
    </div>
  );
}
