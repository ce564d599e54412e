// Live test accuracy of each compared model under the sliders' setting, side by side: a big number,
// a bar against the model's unperturbed accuracy, and what the numbers were measured on.
import { useShallow } from 'zustand/react/shallow';
import { SPLIT_COUNTS } from '../../data/registry';
import { ci95 } from '../../engine/robustness';
import { drawsText } from '../../state/liveDraws';
import { comparedModels } from '../../state/robustness';
import { useModels, useSession } from '../LabContext';
import { modelLooks, percent } from './modelLooks';
import { useRobustness } from './useRobustness';

export function LiveAccuracy() {
  const models = useModels((s) => s.models);
  const dataset = useSession((s) => s.dataset);
  const testReady = useSession((s) => s.loads.test.status === 'ready');
  const excluded = useRobustness(useShallow((s) => s.excluded));
  const live = useRobustness((s) => s.live);
  const shown = comparedModels(models, dataset, excluded);
  const lookOf = modelLooks(models);
  const images = live.subset ?? SPLIT_COUNTS.test;
  const status = live.status === 'evaluating'
    ? 'Evaluating…'
    : live.status === 'error'
      ? `Evaluation failed: ${live.error}`
      : live.shown
        ? `On ${live.subset ? 'the first ' : 'all '}${images.toLocaleString('en')} test images; the big number is the draw the images below show.`
        : testReady ? '' : 'Waiting for the test set…';

  return (
    <section
      className="panel" aria-labelledby="live-title" data-testid="live-accuracy"
      data-shown={live.shown ? `${live.shown.removal}/${live.shown.shuffle}/${live.shown.epsilon}/${live.shown.attack}` : ''}
      data-targets={live.shown ? `${live.shown.nodes}/${live.shown.linkOrder}/${live.shown.nodeOrder}` : ''}
    >
      <div className="section-head">
        <h2 id="live-title">Live test accuracy</h2>
        <p className={`live-status status-${live.status}`} aria-live="polite" data-testid="live-status" data-status={live.status}>{status}</p>
      </div>
      {shown.length === 0 ? (
        <p className="muted">Accuracies appear here once a model of this dataset is trained or loaded.</p>
      ) : (
        <div className="live-cards">
          {shown.map((m) => {
            const { label, color } = lookOf(m.id);
            const accuracy = live.accuracies[m.id];
            const known = accuracy !== undefined;
            const draws = live.draws?.accuracies[m.id];
            const ci = draws && draws.length > 1 && live.draws && draws.length >= live.draws.wanted ? ci95(draws) : null;
            return (
              <div
                key={m.id}
                className={live.status === 'evaluating' ? 'live-card pending' : 'live-card'}
                data-testid={`live-accuracy-${m.id}`}
                data-value={known ? accuracy.toFixed(6) : ''}
                data-draws={draws?.length ?? 0}
                data-wanted={live.draws?.wanted ?? 0}
                data-ci={ci ? `${ci.low.toFixed(6)}/${ci.high.toFixed(6)}` : ''}
                style={{ borderTopColor: color }}
              >
                <div className="live-label"><span className="swatch" style={{ background: color }} aria-hidden="true" />{label}</div>
                <div className="live-number">{known ? percent(accuracy) : '—'}</div>
                <div className="live-bar" aria-hidden="true">
                  <div className="live-bar-fill" style={{ width: known ? percent(accuracy, 2) : '0%', background: color }} />
                  {m.accuracy !== null && <div className="live-bar-clean" style={{ left: percent(m.accuracy, 2) }} />}
                </div>
                <div className="live-sub">
                  {m.accuracy !== null ? `unperturbed ${percent(m.accuracy)}` : 'unperturbed —'}
                  {known && m.accuracy !== null && Math.abs(accuracy - m.accuracy) >= 0.0005
                    && ` · ${accuracy > m.accuracy ? '+' : '−'}${(Math.abs(accuracy - m.accuracy) * 100).toFixed(1)} pts`}
                </div>
                {known && live.draws && (
                  <div className="live-draws" data-testid={`live-draws-${m.id}`}>
                    {drawsText(draws, live.draws.wanted, m.config.seed)}
                  </div>
                )}
              </div>
            );
          })}
        </div>
      )}
    </section>
  );
}
