// The models trained this session, side by side: strategy, H, density, decay and accuracy per epoch.
import { DATASETS } from '../../data/registry';
import { modelColor } from '../config';
import { useModels, useTraining } from '../LabContext';

const STATUS_LABEL = { training: 'training', trained: 'trained', stopped: 'stopped early', failed: 'failed', loaded: 'loaded from file' } as const;

export function ModelList() {
  const models = useModels((s) => s.models);
  const histories = useTraining((s) => s.histories);
  if (models.length === 0) return null;
  return (
    <div className="model-list">
      <h3>Trained models</h3>
      <table data-testid="model-list">
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">Data</th>
            <th scope="col">H</th>
            <th scope="col">Density</th>
            <th scope="col">Decay</th>
            <th scope="col">Accuracy per epoch</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {models.map((m, i) => (
            <tr key={m.id} data-model={m.id}>
              <th scope="row">
                <span className="swatch" style={{ background: modelColor(i) }} aria-hidden="true" />
                {m.label}
              </th>
              <td>{DATASETS[m.dataset].label}</td>
              <td>{m.hidden}</td>
              <td>{m.strategy === 'dense' ? '100%' : `${Number((m.density * 100).toPrecision(3))}%`}</td>
              <td>{m.weightDecay === 0 ? 'off' : m.weightDecay.toExponential(0)}</td>
              <td className="accuracies">
                {(histories[m.id] ?? []).map((h) => h.testAccuracy.toFixed(3)).join('  ') || '—'}
              </td>
              <td>{STATUS_LABEL[m.status]}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
