// Train / Pause–Resume / Stop, and one line saying what the run is doing.
import { useShallow } from 'zustand/react/shallow';
import { isRunActive, type RunStatus } from '../../state/training';
import { PATH_LABELS } from '../../worker/protocol';
import { useLab, useTraining } from '../LabContext';

const STATUS_TEXT: Record<RunStatus, string> = {
  idle: 'Ready to train.',
  'loading-data': 'Loading the data…',
  starting: 'Building the network…',
  running: 'Training…',
  paused: 'Paused.',
  stopping: 'Stopping after the current batch…',
  finished: 'Finished.',
  stopped: 'Stopped.',
  failed: 'Failed.',
};

export function RunControls() {
  const { training } = useLab();
  const run = useTraining(useShallow((s) => s.run));
  const canTrain = useTraining((s) => s.config !== null);
  const active = isRunActive(run.status);
  const paused = run.status === 'paused';
  const canPause = run.status === 'running' || paused;
  const canStop = active && run.status !== 'stopping';
  const pathNote = run.path && active ? ` (${PATH_LABELS[run.path]})` : '';
  return (
    <div className="run-controls">
      <div className="buttons">
        <button type="button" className="primary" disabled={!canTrain || active} onClick={() => void training.getState().start()}>
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
        {STATUS_TEXT[run.status]}{pathNote}{run.message ? ` ${capitalize(run.message)}` : ''}
      </p>
    </div>
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
