// Train / Pause–Resume / Stop for the followed run, and one line saying what it is doing. Train stays
// available while a run trains: it starts another beside it (or queues it when every worker is busy).
import { useShallow } from 'zustand/react/shallow';
import { isRunActive, type RunStatus } from '../../state/training';
import { runName } from '../../state/trainingRuns';
import { PATH_LABELS } from '../../worker/protocol';
import { useLab, useTraining } from '../LabContext';

const STATUS_TEXT: Record<RunStatus, string> = {
  idle: 'Ready to train.',
  queued: 'Waiting for a free worker…',
  'loading-data': 'Loading the data…',
  starting: 'Building the network…',
  running: 'Training…',
  paused: 'Paused.',
  stopping: 'Stopping after the current batch…',
  finished: 'Finished.',
  stopped: 'Stopped.',
  failed: 'Failed.',
};

export const RUN_STATUS_TEXT = STATUS_TEXT;

export function RunControls() {
  const { training } = useLab();
  const run = useTraining(useShallow((s) => s.run));
  const canTrain = useTraining((s) => s.config !== null);
  // With several runs, the line names the one the panel follows.
  const several = useTraining((s) => s.runs.length > 1);
  const active = isRunActive(run.status);
  const paused = run.status === 'paused';
  const canPause = run.status === 'running' || paused;
  const canStop = active && run.status !== 'stopping';
  const pathNote = run.path && active ? ` (${PATH_LABELS[run.path]})` : '';
  return (
    <div className="run-controls">
      <div className="buttons">
        <button type="button" className="primary" disabled={!canTrain} onClick={() => void training.getState().start()}>
          Train
        </button>
        <button
          type="button"
          disabled={!canPause}
          onClick={() => (paused ? training.getState().resume() : training.getState().pause())}
        >
          {paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" disabled={!canStop} onClick={() => training.getState().stop()}>
          Stop
        </button>
      </div>
      <p className={`run-status status-${run.status}`} data-testid="run-status" data-status={run.status} aria-live="polite">
        {several && run.number > 0 && `${runName(run)}: `}{STATUS_TEXT[run.status]}{pathNote}{run.message ? ` ${capitalize(run.message)}` : ''}
      </p>
    </div>
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
