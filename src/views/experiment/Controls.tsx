// The experiment's controls: network size, the optional RigL and dense networks, Stop, the shortcut
// to the finished experiment shipped with the page, and one status line with a progress bar.
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { isAttackBusy } from '../../state/attackStep';
import { isExperimentBusy } from '../../state/experiment';
import { EXPERIMENT_SIZES, EXTRA_STRATEGIES, finishedFiles, type SizeId } from '../../state/experimentPlan';
import { ProgressBar } from '../common/ProgressBar';
import { useExperiment, useLab, useSession } from '../LabContext';
import { useHosted } from '../presentation/HostedContext';
import { experimentStatus, sizeOptions } from './experimentData';

const EXTRA_LABELS = { rigl: 'RigL (grows links where the gradient is largest)', dense: 'dense (every link; slow on a CPU)' } as const;

/** A page opened with #experiment-size=tiny offers the smoke-test size (end-to-end tests use it). */
function tinyRequested(): boolean {
  return typeof window !== 'undefined' && /(^#|&)experiment-size=tiny(&|$)/.test(window.location.hash);
}

/** True when the page ships the four networks of the finished experiment for this dataset. */
function useFinishedAvailable(): boolean {
  const { pretrained } = useHosted();
  const dataset = useSession((s) => s.dataset);
  return useStore(pretrained, (s) => finishedFiles(dataset).every((f) => s.items.some((it) => it.entry.file === f.file)));
}

export function ExperimentControls() {
  const { experiment, attack } = useLab();
  const { pretrained } = useHosted();
  const attackPhase = useStore(attack, (st) => st.phase);
  const s = useExperiment(useShallow((st) => ({ size: st.size, extras: st.extras, phase: st.phase, runs: st.runs, sweep: st.sweep, message: st.message })));
  const finishedAvailable = useFinishedAvailable();
  const busy = isExperimentBusy(s.phase);
  // One Stop for the experiment and its optional attack step.
  const attacking = isAttackBusy(attackPhase);
  const act = experiment.getState();
  const status = experimentStatus(s);
  const failed = s.phase === 'failed';
  return (
    <div className="experiment-controls">
      <div className="experiment-options">
        <div className="field">
          <label htmlFor="experiment-size">Size</label>
          <select id="experiment-size" value={s.size} disabled={busy} onChange={(e) => act.setSize(e.currentTarget.value as SizeId)}>
            {sizeOptions(tinyRequested() || s.size === 'tiny').map((size) => <option key={size.id} value={size.id}>{size.label}</option>)}
          </select>
          <p className="field-hint">{EXPERIMENT_SIZES[s.size].hint}</p>
        </div>
        <fieldset className="experiment-extras" disabled={busy}>
          <legend>Also train</legend>
          {EXTRA_STRATEGIES.map((strategy) => (
            <label key={strategy}>
              <input type="checkbox" checked={s.extras[strategy]} onChange={(e) => act.setExtra(strategy, e.currentTarget.checked)} />
              {EXTRA_LABELS[strategy]}
            </label>
          ))}
        </fieldset>
      </div>
      <div className="run-controls">
        <div className="buttons">
          <button type="button" disabled={(!busy || s.phase === 'stopping') && attackPhase !== 'running'} onClick={() => (attacking ? attack.getState().stop() : act.stop())}>Stop</button>
          {finishedAvailable && (
            <button type="button" disabled={busy || attacking} onClick={() => void act.showFinished((file) => pretrained.getState().loadFile(file))}>
              Show the finished experiment
            </button>
          )}
        </div>
        <p className={`run-status${failed ? ' status-failed' : s.phase === 'done' ? ' status-finished' : ''}`} data-testid="experiment-status" data-phase={s.phase}>
          {status.text}
        </p>
      </div>
      {status.bar && <ProgressBar label={status.bar.label} value={status.bar.value} max={status.bar.max} testId="experiment-progress" />}
    </div>
  );
}
