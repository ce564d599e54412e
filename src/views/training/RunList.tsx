// Every run of the session once there is more than one: each with its own status, epoch progress,
// ETA and Pause/Stop, and a Show button that makes the panel (and the wiring views) follow it.
import { useShallow } from 'zustand/react/shallow';
import { formatDuration } from '../../state/progress';
import { holdsWorker, isRunActive, runName, type RunState } from '../../state/trainingRuns';
import { ProgressBar } from '../common/ProgressBar';
import { useLab, useTraining } from '../LabContext';
import { RUN_STATUS_TEXT } from './RunControls';

function RunRow({ run, followed }: { run: RunState; followed: boolean }) {
  const { training, topology } = useLab();
  const name = runName(run);
  const p = run.progress;
  const epochs = run.config?.epochs ?? 0;
  const show = () => {
    training.getState().focus(run.runToken);
    // The wiring views follow the run's model (the topology store holds it once training started).
    if (run.modelId && topology.getState().models[run.modelId]) topology.getState().selectModel(run.modelId);
  };
  const paused = run.status === 'paused';
  return (
    <li className={`run-row${followed ? ' followed' : ''}`} data-testid="run-row" data-status={run.status} data-run={run.number} data-model={run.modelId ?? ''}>
      <div className="run-row-head">
        <strong>{name}</strong>
        <span className={`run-status status-${run.status}`} data-testid="run-row-status">
          {RUN_STATUS_TEXT[run.status]}{run.message ? ` ${run.message}` : ''}
        </span>
      </div>
      {p && holdsWorker(run.status) && (
        <ProgressBar
          label={`${name}: epoch ${p.epoch} progress`} value={p.batch} max={p.batchesPerEpoch}
          caption={`Epoch ${p.epoch} of ${epochs} · batch ${p.batch} / ${p.batchesPerEpoch} · ETA ${formatDuration(p.etaSeconds)}`}
        />
      )}
      <div className="buttons">
        <button type="button" aria-pressed={followed} aria-label={`Show ${name}`} onClick={show}>Show</button>
        <button
          type="button" disabled={run.status !== 'running' && !paused} aria-label={`${paused ? 'Resume' : 'Pause'} ${name}`}
          onClick={() => (paused ? training.getState().resumeRun(run.runToken) : training.getState().pauseRun(run.runToken))}
        >
          {paused ? 'Resume' : 'Pause'}
        </button>
        <button
          type="button" disabled={!isRunActive(run.status) || run.status === 'stopping'} aria-label={`Stop ${name}`}
          onClick={() => training.getState().stopRun(run.runToken)}
        >
          Stop
        </button>
      </div>
    </li>
  );
}

export function RunList() {
  const runs = useTraining(useShallow((s) => s.runs));
  const focused = useTraining((s) => s.focused);
  if (runs.length < 2) return null;
  return (
    <section className="run-list" aria-labelledby="run-list-title">
      <h3 id="run-list-title">Runs</h3>
      <ol data-testid="run-list">
        {[...runs].reverse().map((run) => <RunRow key={run.number} run={run} followed={run.runToken === focused} />)}
      </ol>
    </section>
  );
}
