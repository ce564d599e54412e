// Dataset switch: a radio group (MNIST / Fashion-MNIST); switching reloads the gallery's test set.
import { DATASET_NAMES, DATASETS } from '../../data/registry';
import { useLab, useSession } from '../LabContext';

export function DatasetSwitch() {
  const { session } = useLab();
  const dataset = useSession((s) => s.dataset);
  return (
    <fieldset className="segmented" aria-label="Dataset">
      <legend className="visually-hidden">Dataset</legend>
      {DATASET_NAMES.map((name) => (
        <label key={name} className={name === dataset ? 'segment active' : 'segment'}>
          <input
            type="radio"
            name="dataset"
            value={name}
            checked={name === dataset}
            onChange={() => session.getState().setDataset(name)}
          />
          <span>{DATASETS[name].label}</span>
        </label>
      ))}
    </fieldset>
  );
}
