// A compact "Load model file…" control for the Draw panel, so a student can read drawings with a
// saved model before training anything (the models store parses it in the worker and lists it).
import { useId } from 'react';
import { useModels } from '../LabContext';
import { useModelFileInput } from '../models/modelFileInput';

export function LoadModelButton() {
  const loadingFile = useModels((s) => s.loadingFile);
  const loadError = useModels((s) => s.loadError);
  const inputId = useId();

  const onFile = useModelFileInput();

  return (
    <>
      <input id={inputId} className="visually-hidden" type="file" accept=".rlm,.json,application/octet-stream,application/json" onChange={(e) => void onFile(e)} disabled={loadingFile !== null} />
      <label htmlFor={inputId} className={loadingFile ? 'draw-file-button disabled' : 'draw-file-button'}>Load model file…</label>
      {loadingFile && <span className="muted draw-small" aria-live="polite">Checking {loadingFile}…</span>}
      {loadError && <p className="draw-error" role="alert">{loadError}</p>}
    </>
  );
}
