// A compact "Load model file…" control for the Draw panel, so a student can read drawings with a
// saved model before training anything (the models store parses it in the worker and lists it).
import { useId, type ChangeEvent } from 'react';
import { MAX_MODEL_FILE_BYTES } from '../../engine/modelFile';
import { useLab, useModels } from '../LabContext';

export function LoadModelButton() {
  const { models } = useLab();
  const loadingFile = useModels((s) => s.loadingFile);
  const loadError = useModels((s) => s.loadError);
  const inputId = useId();

  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.currentTarget;
    const file = input.files?.[0];
    input.value = ''; // the same file may be chosen again after a fix
    if (!file) return;
    if (file.size > MAX_MODEL_FILE_BYTES) {
      models.getState().reportLoadError(`${file.name}: the file is ${(file.size / 1048576).toFixed(1)} MB, over the ${(MAX_MODEL_FILE_BYTES / 1048576).toFixed(1)} MB limit for model files`);
      return;
    }
    await models.getState().loadModelFile(await file.text(), file.name);
  };

  return (
    <>
      <input id={inputId} className="visually-hidden" type="file" accept=".json,application/json" onChange={(e) => void onFile(e)} disabled={loadingFile !== null} />
      <label htmlFor={inputId} className={loadingFile ? 'draw-file-button disabled' : 'draw-file-button'}>Load model file…</label>
      {loadingFile && <span className="muted draw-small" aria-live="polite">Checking {loadingFile}…</span>}
      {loadError && <p className="draw-error" role="alert">{loadError}</p>}
    </>
  );
}
