// Live class probabilities of the current input, one block of bars per model in its colour, with
// the structural perturbation they were computed under.
import { DATASETS } from '../../data/registry';
import { argmax } from '../../state/drawing';
import { useDrawing } from '../LabContext';
import { MIN_BAR_PERCENT } from './config';
import type { PanelModel } from './usePanelModels';

export const percent = (p: number) => `${Math.round(p * 100)}%`;

/** Ten labelled bars (a meter each, so screen readers read "7: 93%"). */
export function ProbabilityBars({ probabilities, classNames, color, highlight }: {
  probabilities: ArrayLike<number>; classNames: readonly string[]; color: string; highlight?: number | null;
}) {
  const top = argmax(probabilities);
  return (
    <div className="draw-bars">
      {classNames.map((name, k) => {
        const p = probabilities[k];
        return (
          <div
            key={name}
            className={`draw-bar-row${k === top ? ' top' : ''}${k === highlight ? ' highlight' : ''}`}
            role="meter"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(p * 100)}
            aria-label={`${name}: ${percent(p)}`}
            data-class={k}
          >
            <span className="draw-bar-name" aria-hidden="true">{name}</span>
            <span className="draw-bar-track" aria-hidden="true">
              <span className="draw-bar-fill" style={{ width: `${Math.max(MIN_BAR_PERCENT, p * 100)}%`, background: color }} />
            </span>
            <span className="draw-bar-value" aria-hidden="true">{percent(p)}</span>
          </div>
        );
      })}
    </div>
  );
}

export function Probabilities({ models }: { models: PanelModel[] }) {
  const dataset = useDrawing((s) => s.dataset);
  const version = useDrawing((s) => s.version);
  const hasInput = useDrawing((s) => s.pixels !== null);
  const predictions = useDrawing((s) => s.predictions);
  const errors = useDrawing((s) => s.predictionErrors);
  const { classNames } = DATASETS[dataset];
  return (
    <div className="draw-models">
      {models.map(({ entry, color }) => {
        const prediction = hasInput ? predictions[entry.id] : undefined;
        const error = errors[entry.id];
        const top = prediction ? argmax(prediction.probabilities) : null;
        return (
          <article key={entry.id} className="draw-model" data-testid={`probabilities-${entry.id}`} data-model={entry.id}
            data-top={top ?? ''} data-current={prediction?.version === version ? 'true' : 'false'}
            aria-label={`Probabilities of ${entry.label}`}
          >
            <header>
              <span className="swatch" style={{ background: color }} aria-hidden="true" />
              <span className="draw-model-name">{entry.label}</span>
            </header>
            {prediction && top !== null ? (
              <>
                <p className="draw-verdict">
                  says <strong>{classNames[top]}</strong> ({percent(prediction.probabilities[top])})
                  {prediction.version !== version && <span className="muted"> · updating…</span>}
                </p>
                {prediction.settingLabel && <p className="draw-setting">{prediction.settingLabel}</p>}
                <ProbabilityBars probabilities={prediction.probabilities} classNames={classNames} color={color} />
              </>
            ) : error ? (
              <p className="draw-error">{error}</p>
            ) : (
              <p className="muted draw-small">{hasInput ? 'Thinking…' : 'Waiting for an input.'}</p>
            )}
          </article>
        );
      })}
    </div>
  );
}
