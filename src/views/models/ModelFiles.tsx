// The Models section: load a model file into the lab (it joins the list like a trained model) and
// export any model as a file. A refused file leaves the list as it was and says why.
import { useId, useState } from 'react';
import { DATASETS } from '../../data/registry';
import { isEvaluable, type ModelEntry } from '../../state/models';
import { modelColor } from '../config';
import { useLab, useModels } from '../LabContext';
import { downloadBlob } from './download';
import { useModelFileInput } from './modelFileInput';
import './models.css';

function percent(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)}%`;
}

function ModelRow({ model, index }: { model: ModelEntry; index: number }) {
  const { models } = useLab();
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  const exportFile = async () => {
    setState({ busy: true, error: null });
    try {
      const file = await models.getState().exportModel(model.id);
      downloadBlob(new Blob([file.text as BlobPart], { type: 'application/octet-stream' }), file.fileName);
      setState({ busy: false, error: null });
    } catch (e) {
      setState({ busy: false, error: e instanceof Error ? e.message : String(e) });
    }
  };
  return (
    <li className="model-file-row" data-model={model.id}>
      <span className="swatch" style={{ background: modelColor(index) }} aria-hidden="true" />
      <span className="model-file-name">
        {model.label}
        <span className="model-file-meta">
          {DATASETS[model.dataset].label} · {model.source ? `from ${model.source.fileName}` : 'trained here'} · {percent(model.accuracy)}
        </span>
        {state.error && <span className="model-file-error" role="alert">{state.error}</span>}
      </span>
      <button
        type="button"
        className="small-button"
        disabled={!isEvaluable(model) || state.busy}
        onClick={() => void exportFile()}
        aria-label={`Export ${model.label}`}
      >
        {state.busy ? 'Exporting…' : 'Export'}
      </button>
    </li>
  );
}

export function ModelFiles() {
  const { models } = useLab();
  const list = useModels((s) => s.models);
  const loadingFile = useModels((s) => s.loadingFile);
  const loadError = useModels((s) => s.loadError);
  const inputId = useId();

  const onFile = useModelFileInput();

  return (
    <section className="panel model-files" aria-labelledby="model-files-title" data-testid="model-files">
      <h2 id="model-files-title">Models</h2>
      <p className="panel-note">
        Save a trained model as a file, or load one (saved here, or made with <code>npm run lab -- train --out</code>) to compare it.
      </p>
      <div className="file-picker">
        <input id={inputId} className="visually-hidden" type="file" accept=".rlm,.json,application/octet-stream,application/json" onChange={(e) => void onFile(e)} />
        <label htmlFor={inputId} className="file-button">Load model file…</label>
        {loadingFile && <span className="muted" aria-live="polite">Checking {loadingFile}…</span>}
      </div>
      {loadError && (
        <div className="model-file-problem" role="alert" data-testid="model-load-error">
          <span>{loadError}</span>
          <button type="button" className="link-button" onClick={() => models.getState().dismissLoadError()}>Dismiss</button>
        </div>
      )}
      {list.length > 0 ? (
        <ul className="model-file-list" data-testid="model-file-list">
          {list.map((m, i) => <ModelRow key={m.id} model={m} index={i} />)}
        </ul>
      ) : (
        <p className="muted">No models yet: train one, or load a file.</p>
      )}
    </section>
  );
}
