// The compact answer strip under the pad: each model's top class and its probability in one line of
// chips, so on a phone the drawing and every network's answer fit on one screen (the full bars follow).
import { DATASETS } from '../../data/registry';
import { argmax } from '../../state/drawing';
import { useDrawing } from '../LabContext';
import { percent } from './Probabilities';
import type { PanelModel } from './usePanelModels';

export function AnswerStrip({ models }: { models: PanelModel[] }) {
  const dataset = useDrawing((s) => s.dataset);
  const hasInput = useDrawing((s) => s.pixels !== null);
  const predictions = useDrawing((s) => s.predictions);
  if (models.length === 0) return null;
  const { classNames } = DATASETS[dataset];
  return (
    <ul className="answer-strip" data-testid="answer-strip" aria-label="Each network’s answer">
      {models.map(({ entry, color }) => {
        const prediction = hasInput ? predictions[entry.id] : undefined;
        const top = prediction ? argmax(prediction.probabilities) : null;
        return (
          <li key={entry.id} className="answer-chip" data-model={entry.id} data-top={top ?? ''} title={entry.label}>
            <span className="swatch" style={{ background: color }} aria-hidden="true" />
            <span className="answer-chip-name">{entry.label}</span>
            {prediction && top !== null ? (
              <span className="answer-chip-value"><strong>{classNames[top]}</strong> {percent(prediction.probabilities[top])}</span>
            ) : (
              <span className="answer-chip-value muted">–</span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
