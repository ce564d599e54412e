// The guided experiment's store (issue 11): trains SET and static (and optionally RigL and dense) with
// the same seed and data, at the same time on a pool of workers (one after another on one), with weight
// decay on or off; then sweeps link removal and weight shuffling over every model of the experiment (the
// pool splits the sweep). Or loads the finished experiment's files.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { SweepPoint } from '../engine/robustness';
import type { DatasetName, Strategy } from '../engine/types';
import type { LabClient } from '../worker/client';
import { nextRequestId, PATH_LABELS, type RunTokens, type WorkerEvent } from '../worker/protocol';
import {
  EXPERIMENT_SIZES, EXPERIMENT_STEPS, EXPERIMENT_SWEEP_KINDS, EXPERIMENT_SWEEP_SEED, FINISHED_SWEEP, SWEEP_LEVELS,
  experimentConfig, finishedFiles, newRun, strategiesOf,
  type EpochPoint, type ExperimentRun, type ExperimentRunStatus, type ExperimentStep, type ExperimentSweepKind, type ExtraStrategy, type SizeId,
} from './experimentPlan';
import type { ModelEntry, ModelsState } from './models';
import type { SessionState } from './session';

export type { EpochPoint, ExperimentRun, ExperimentRunStatus } from './experimentPlan';
export type ExperimentPhase = 'idle' | 'loading-data' | 'training' | 'loading-models' | 'sweeping' | 'stopping' | 'done' | 'stopped' | 'failed';

export interface ExperimentState {
  size: SizeId;
  extras: Record<ExtraStrategy, boolean>;
  phase: ExperimentPhase;
  /** What the runs belong to ('finished': the model files shipped with the page). */
  scope: { dataset: DatasetName; size: SizeId | 'finished' } | null;
  runs: ExperimentRun[];
  /** Test images (null: all) and repeats of this experiment's sweeps. */
  sweepSetup: { limit: number | null; repeats: number } | null;
  sweep: { kind: ExperimentSweepKind; requestId: number; done: number; total: number } | null;
  /** Why the experiment stopped or failed, in words. */
  message: string | null;
  setSize(size: SizeId): void;
  setExtra(strategy: ExtraStrategy, on: boolean): void;
  /** Trains the step's networks one after another, then sweeps every model lacking curves. */
  runStep(step: ExperimentStep): Promise<void>;
  /** Loads the finished experiment's four model files (through `loadFile`) and sweeps them. */
  showFinished(loadFile: (file: string) => Promise<void>): Promise<void>;
  stop(): void;
}

export interface ExperimentDeps {
  client: LabClient;
  session: StoreApi<SessionState>;
  models: StoreApi<ModelsState>;
  /** Shared with the training store: the worker wants run tokens that increase page-wide. */
  runTokens: RunTokens;
  /** True while the Train panel's own run holds the worker. */
  isTrainingBusy(): boolean;
}

export type ExperimentStore = StoreApi<ExperimentState> & { dispose(): void };

const BUSY: ReadonlySet<ExperimentPhase> = new Set(['loading-data', 'training', 'loading-models', 'sweeping', 'stopping']);
export const isExperimentBusy = (phase: ExperimentPhase): boolean => BUSY.has(phase);
const STRATEGY_ORDER: readonly Strategy[] = ['set', 'static', 'rigl', 'dense'];
const order = (r: ExperimentRun) => EXPERIMENT_STEPS.indexOf(r.step) * 10 + STRATEGY_ORDER.indexOf(r.strategy);

/** 'crashed': the worker died under the run; it restarts by itself and the run continues from its checkpoint. */
type TrainOutcome = 'done' | 'superseded' | 'failed' | 'crashed';
type SweepOutcome =
  | { ok: true; curves: Array<{ modelId: string; points: SweepPoint[] }> }
  | { ok: false; cancelled: boolean; message: string; crashed?: boolean };
type Restarted = Extract<WorkerEvent, { type: 'workerRestarted' }>;
/** How long a crashed worker may take to come back before the experiment gives up. */
const RESTART_WAIT_MS = 60_000;

export function createExperimentStore(deps: ExperimentDeps): ExperimentStore {
  const { client, session, models, runTokens } = deps;
  /** Bumped by every start and by a stop before training began: a job that sees another number quits. */
  let job = 0;
  let stopRequested = false;
  /** The runs training now, by run token (several at once on a pool of workers). */
  const pendingTrains = new Map<number, { token: number; key: string; resolve(outcome: TrainOutcome): void }>();
  let pendingSweep: { requestId: number; resolve(outcome: SweepOutcome): void } | null = null;
  /** Jobs waiting for the crashed worker to come back: the restart, or null when it will not. */
  let pendingRestart: Array<(event: Restarted | null) => void> = [];
  let restartTimer: ReturnType<typeof setTimeout> | null = null;
  /** The message of the crash being waited out, for the failure that follows if no restart comes. */
  let crashMessage = '';
  /** A crash announced a restart that has not arrived yet. */
  let awaitingRestart = false;

  const settleRestart = (event: Restarted | null) => {
    if (restartTimer !== null) clearTimeout(restartTimer);
    restartTimer = null;
    const pending = pendingRestart;
    pendingRestart = [];
    for (const resolve of pending) resolve(event);
  };
  /** The supervisor announces the restart right after the crash, before the job is back to wait for it. */
  let restartedEarly: Restarted | null = null;
  const waitForRestart = (): Promise<Restarted | null> => new Promise((resolve) => {
    // Kept (not cleared) until the next crash: every job training through the crash waits for it.
    if (restartedEarly) return resolve(restartedEarly);
    pendingRestart.push(resolve);
    if (restartTimer === null) restartTimer = setTimeout(() => settleRestart(null), RESTART_WAIT_MS);
  });

  /** Ends the experiment: runs still waiting are marked as never trained. */
  function end(phase: ExperimentPhase, message: string | null): void {
    store.setState((s) => ({
      phase, message, sweep: null,
      runs: s.runs.map((r) => (r.status === 'queued' || r.status === 'loading' ? { ...r, status: 'skipped' } : r)),
    }));
  }

  const store = createStore<ExperimentState>()((set, get) => {
    const patchRun = (key: string, patch: Partial<ExperimentRun>) =>
      set((s) => ({ runs: s.runs.map((r) => (r.key === key ? { ...r, ...patch } : r)) }));

    const train = (run: ExperimentRun): Promise<TrainOutcome> => {
      const token = runTokens.next();
      patchRun(run.key, { status: 'training', runToken: token });
      return new Promise((resolve) => {
        pendingTrains.set(token, { token, key: run.key, resolve });
        client.send({ type: 'train', runToken: token, config: run.config });
      });
    };

    /**
     * After a crash: waits for the restarted worker (which holds the models of every finished epoch
     * again), sends the data back, and continues `run` from its checkpoint — or from the start when no
     * epoch had finished. Null when there is nothing more to do for this job.
     */
    const continueAfterCrash = async (mine: number, run: ExperimentRun): Promise<TrainOutcome | null> => {
      const restarted = await waitForRestart();
      if (mine !== job) return null;
      if (!restarted) {
        end('failed', `${crashMessage} The worker did not come back, so the experiment stopped; reload the page to run it again.`);
        return null;
      }
      const { ensureSplit } = session.getState();
      const ready = (await Promise.all([ensureSplit('test'), ensureSplit('train')])).every(Boolean);
      if (mine !== job) return null;
      if (!ready) {
        end('failed', 'The worker was restarted, but the data could not be loaded again (see the message above).');
        return null;
      }
      set({ message: null });
      const current = get().runs.find((r) => r.key === run.key) ?? run;
      const kept = restarted.models.find((m) => m.modelId === current.modelId && !m.fromFile);
      if (!kept) {
        patchRun(run.key, { epochs: [], accuracy: null, message: 'the worker crashed before the first epoch ended; trained again' });
        return train(run);
      }
      if (kept.epoch >= kept.epochs) {
        patchRun(run.key, { status: 'trained', progress: null });
        return 'done';
      }
      const token = runTokens.next();
      patchRun(run.key, { status: 'training', runToken: token, message: `continued from epoch ${kept.epoch} after the worker crashed` });
      return new Promise((resolve) => {
        pendingTrains.set(token, { token, key: run.key, resolve });
        client.send({ type: 'resumeTraining', runToken: token, modelId: kept.modelId });
      });
    };

    /** Removal, then shuffling, for every model of the experiment that has no curve of that kind yet. */
    const sweepAll = async (mine: number): Promise<void> => {
      const setup = get().sweepSetup;
      if (!setup) return end('failed', 'src/state/experiment.ts: no sweep setup');
      set({ phase: 'sweeping' });
      for (const kind of EXPERIMENT_SWEEP_KINDS) {
        const targets = get().runs.filter((r) => r.modelId !== null && (r.status === 'trained' || r.status === 'loaded') && !r.sweeps[kind]);
        if (targets.length === 0) continue;
        const requestId = nextRequestId();
        set({ sweep: { kind, requestId, done: 0, total: targets.length * SWEEP_LEVELS.length * setup.repeats } });
        const outcome = await new Promise<SweepOutcome>((resolve) => {
          pendingSweep = { requestId, resolve };
          client.send({
            type: 'sweep', requestId, modelIds: targets.map((r) => r.modelId as string), kind, levels: [...SWEEP_LEVELS],
            repeats: setup.repeats, seed: EXPERIMENT_SWEEP_SEED, ...(setup.limit !== null ? { limit: setup.limit } : {}),
          });
        });
        if (mine !== job) return;
        if (!outcome.ok && outcome.crashed) {
          // The restarted worker holds the trained models again: measure what is still missing.
          const restarted = await waitForRestart();
          if (mine !== job) return;
          if (!restarted) return end('failed', `${crashMessage} The worker did not come back, so the experiment stopped; reload the page to run it again.`);
          if (!(await session.getState().ensureSplit('test'))) return end('failed', 'The worker was restarted, but the test set could not be loaded again.');
          if (mine !== job) return;
          set({ message: null });
          return sweepAll(mine);
        }
        if (!outcome.ok) {
          if (stopRequested) return end('stopped', 'Stopped while measuring the curves.');
          return end(outcome.cancelled ? 'stopped' : 'failed', outcome.message);
        }
        const byModel = new Map(outcome.curves.map((c) => [c.modelId, c.points]));
        set((s) => ({
          runs: s.runs.map((r) => (r.modelId !== null && byModel.has(r.modelId) ? { ...r, sweeps: { ...r.sweeps, [kind]: byModel.get(r.modelId) } } : r)),
        }));
      }
      const failed = get().runs.filter((r) => r.status === 'failed');
      end('done', failed.length === 0 ? null : failed.map((r) => `${r.label} failed: ${r.message ?? 'no reason given'}`).join(' '));
    };

    const begin = (scope: NonNullable<ExperimentState['scope']>, runs: ExperimentRun[], phase: ExperimentPhase, sweepSetup: ExperimentState['sweepSetup']) => {
      stopRequested = false;
      set({ scope, runs: [...runs].sort((a, b) => order(a) - order(b)), phase, sweepSetup, sweep: null, message: null });
      return ++job;
    };

    const refuse = (): boolean => {
      if (isExperimentBusy(get().phase)) return true;
      if (!deps.isTrainingBusy()) return false;
      set({ message: 'The Train panel is training a network: wait for it to finish (or stop it), then run the experiment.' });
      return true;
    };

    return {
      size: 'quick',
      extras: { rigl: false, dense: false },
      phase: 'idle',
      scope: null,
      runs: [],
      sweepSetup: null,
      sweep: null,
      message: null,

      setSize(size) {
        if (EXPERIMENT_SIZES[size] && !isExperimentBusy(get().phase)) set({ size });
      },
      setExtra(strategy, on) {
        if (!isExperimentBusy(get().phase)) set((s) => ({ extras: { ...s.extras, [strategy]: on } }));
      },

      async runStep(step) {
        if (refuse()) return;
        const s = get();
        const dataset = session.getState().dataset;
        const size = EXPERIMENT_SIZES[s.size];
        // The other step's networks stay when they are comparable: the same dataset and size.
        const comparable = s.scope?.dataset === dataset && s.scope.size === size.id;
        const kept = comparable ? s.runs.filter((r) => r.step !== step && r.status !== 'skipped') : [];
        const fresh = strategiesOf(s.extras).map((strategy) => newRun(step, strategy, experimentConfig(size, dataset, strategy, step)));
        const mine = begin({ dataset, size: size.id }, [...kept, ...fresh], 'loading-data', { limit: size.sweepLimit, repeats: size.repeats });
        const { ensureSplit } = session.getState();
        const ready = (await Promise.all([ensureSplit('test'), ensureSplit('train')])).every(Boolean);
        if (mine !== job) return;
        if (!ready) return end('failed', 'The data could not be loaded (see the message above).');
        if (session.getState().dataset !== dataset) return end('stopped', 'The dataset changed while its data loaded.');
        set({ phase: 'training' });
        // As many networks at once as the pool has workers; each run's seed is its own, so the
        // networks are the same whichever worker trains them and in whatever order.
        const queue = [...fresh];
        let quit: 'gone' | 'superseded' | null = null;
        const lane = async (): Promise<void> => {
          for (let run = queue.shift(); run !== undefined && quit === null && !stopRequested; run = queue.shift()) {
            let outcome: TrainOutcome | null = await train(run);
            if (mine !== job) return void (quit = 'gone');
            while (outcome === 'crashed') {
              outcome = await continueAfterCrash(mine, run);
              if (outcome === null || mine !== job) return void (quit = 'gone');
            }
            if (outcome === 'superseded') {
              quit ??= 'superseded';
              for (const p of pendingTrains.values()) client.send({ type: 'stop', runToken: p.token });
            }
          }
        };
        const lanes = Math.max(1, Math.min(fresh.length, client.workers?.() ?? 1));
        await Promise.all(Array.from({ length: lanes }, lane));
        if (quit === 'gone') return;
        if (quit === 'superseded') return end('stopped', 'Another training run (Train panel) took over the worker, so the experiment stopped.');
        if (stopRequested) return end('stopped', 'Stopped.');
        await sweepAll(mine);
      },

      async showFinished(loadFile) {
        if (refuse()) return;
        const dataset = session.getState().dataset;
        const runs = finishedFiles(dataset).map(({ step, strategy, file }) => ({
          ...newRun(step, strategy, experimentConfig(EXPERIMENT_SIZES.full, dataset, strategy, step)),
          source: 'finished' as const, fileName: file, status: 'loading' as const,
        }));
        const mine = begin({ dataset, size: 'finished' }, runs, 'loading-models', { limit: FINISHED_SWEEP.sweepLimit, repeats: FINISHED_SWEEP.repeats });
        const testReady = await session.getState().ensureSplit('test');
        if (mine !== job) return;
        if (!testReady) return end('failed', 'The test set could not be loaded (see the message above).');
        const findLoaded = (file: string): ModelEntry | undefined =>
          models.getState().models.findLast((m) => m.status === 'loaded' && m.source?.fileName === file && m.dataset === dataset);
        for (const run of runs) {
          const file = run.fileName as string;
          // The page may have loaded it already (pretrained models load at start); never twice.
          if (!findLoaded(file)) await loadFile(file).catch(() => undefined);
          if (mine !== job) return;
          const entry = findLoaded(file);
          const wantDecay = run.step === 'decay';
          if (!entry) patchRun(run.key, { status: 'failed', message: `models/${file} could not be loaded` });
          else if (entry.strategy !== run.strategy || (entry.weightDecay > 0) !== wantDecay) {
            patchRun(run.key, { status: 'failed', message: `models/${file} holds a ${entry.strategy} network with weight decay ${entry.weightDecay}, not the one expected` });
          } else {
            const epochs = entry.accuracy === null ? [] : [{ epoch: entry.config.epochs, testAccuracy: entry.accuracy, trainLoss: Number.NaN, samplesPerSecond: Number.NaN }];
            patchRun(run.key, { status: 'loaded', modelId: entry.id, config: entry.config, path: entry.path, accuracy: entry.accuracy, epochs });
          }
        }
        if (!get().runs.some((r) => r.status === 'loaded')) return end('failed', 'None of the finished experiment’s model files could be loaded.');
        await sweepAll(mine);
      },

      stop() {
        const { phase } = get();
        if (!isExperimentBusy(phase) || phase === 'stopping') return;
        stopRequested = true;
        if (phase === 'loading-data' || phase === 'loading-models') {
          job++; // the waiting job quits when its data or files arrive
          return end('stopped', 'Stopped before training began.');
        }
        set({ phase: 'stopping' });
        for (const p of pendingTrains.values()) client.send({ type: 'stop', runToken: p.token });
        if (pendingSweep) client.send({ type: 'cancel', requestId: pendingSweep.requestId });
      },
    };
  });

  const updateRun = (key: string, patch: (r: ExperimentRun) => Partial<ExperimentRun>) =>
    store.setState((s) => ({ runs: s.runs.map((r) => (r.key === key ? { ...r, ...patch(r) } : r)) }));

  const settleTrain = (token: number, outcome: TrainOutcome) => {
    const pending = pendingTrains.get(token);
    pendingTrains.delete(token);
    pending?.resolve(outcome);
  };
  const settleAllTrains = (outcome: TrainOutcome) => { for (const token of [...pendingTrains.keys()]) settleTrain(token, outcome); };
  const settleSweep = (outcome: SweepOutcome) => {
    const pending = pendingSweep;
    pendingSweep = null;
    pending?.resolve(outcome);
  };

  const onTrainEvent = (event: WorkerEvent & { runToken?: number }) => {
    const pending = event.runToken === undefined ? undefined : pendingTrains.get(event.runToken);
    if (!pending) {
      // One worker trains one network at a time: another run starting there means ours was replaced.
      // (A pool trains it on a free worker; a run it has to replace ends with trainDone, stopped.)
      if (event.type === 'trainStarted' && (client.workers?.() ?? 1) === 1 && !pendingTrains.has(event.runToken)) {
        for (const p of [...pendingTrains.values()]) {
          if (event.runToken <= p.token) continue;
          updateRun(p.key, (r) => ({ status: r.epochs.length > 0 ? 'stopped' : 'skipped', progress: null, message: 'replaced by another run' }));
          settleTrain(p.token, 'superseded');
        }
      }
      return;
    }
    switch (event.type) {
      case 'trainStarted':
        updateRun(pending.key, () => ({ modelId: event.modelId, path: event.path }));
        if (stopRequested) client.send({ type: 'stop', runToken: pending.token }); // a stop sent before the run existed
        break;
      case 'trainResumed':
        // The GPU was lost and the run goes on from its last epoch on another path: say which.
        updateRun(pending.key, () => ({ modelId: event.modelId, path: event.path, message: `continued on ${PATH_LABELS[event.path]} after epoch ${event.fromEpoch}` }));
        break;
      case 'progress':
        updateRun(pending.key, () => ({ progress: { epoch: event.epoch, batch: event.batch, batchesPerEpoch: event.batchesPerEpoch, samplesPerSecond: event.samplesPerSecond } }));
        break;
      case 'epoch': {
        const e = event.event;
        const point: EpochPoint = { epoch: e.epoch, testAccuracy: e.testAccuracy, trainLoss: e.trainLoss, samplesPerSecond: e.samplesPerSecond };
        updateRun(pending.key, (r) => ({ epochs: [...r.epochs.filter((p) => p.epoch < e.epoch), point], accuracy: e.testAccuracy }));
        break;
      }
      case 'trainDone': {
        const { summary } = event;
        const status: ExperimentRunStatus = summary.error ? 'failed' : summary.stoppedEarly ? 'stopped' : 'trained';
        // Stopped without our asking: the worker ended it for a newer run (the Train panel's).
        const replaced = status === 'stopped' && !stopRequested;
        updateRun(pending.key, (r) => ({ status, progress: null, accuracy: summary.finalAccuracy, message: summary.error ?? (replaced ? 'replaced by another run' : r.message) }));
        settleTrain(pending.token, status === 'failed' ? 'failed' : replaced ? 'superseded' : 'done');
        break;
      }
      case 'error':
        updateRun(pending.key, () => ({ status: 'failed', progress: null, message: event.message }));
        settleTrain(pending.token, 'failed');
        break;
    }
  };

  const onEvent = (event: WorkerEvent) => {
    if (event.type === 'workerRestarted') {
      if (pendingRestart.length > 0) settleRestart(event);
      else if (awaitingRestart) restartedEarly = event;
      awaitingRestart = false;
      return;
    }
    if (event.type === 'error' && event.fatal) {
      const { phase } = store.getState();
      // Training or measuring, not stopping: the supervisor restarts the worker with the models of
      // every finished epoch, and the job waits for it and goes on (a crash while waiting ends it).
      if (event.restarting && pendingRestart.length === 0 && !stopRequested && (pendingTrains.size > 0 || pendingSweep) && (phase === 'training' || phase === 'sweeping')) {
        crashMessage = event.message;
        awaitingRestart = true;
        restartedEarly = null;
        store.setState({ message: 'The worker crashed; it is restarting, and the experiment will go on from the last finished epoch.' });
        for (const p of pendingTrains.values()) updateRun(p.key, () => ({ progress: null, message: 'the worker crashed; waiting for it to restart' }));
        settleAllTrains('crashed');
        settleSweep({ ok: false, cancelled: false, crashed: true, message: event.message });
        return;
      }
      settleRestart(null);
      // The worker is gone with every model it held: the waiting job quits, nothing more is sent.
      job++;
      for (const p of pendingTrains.values()) updateRun(p.key, () => ({ status: 'failed', progress: null, message: event.message }));
      settleAllTrains('failed');
      settleSweep({ ok: false, cancelled: false, message: event.message });
      if (isExperimentBusy(store.getState().phase)) end('failed', event.message);
      return;
    }
    if ('runToken' in event && event.runToken !== undefined) return onTrainEvent(event);
    if (!('requestId' in event) || !pendingSweep || event.requestId !== pendingSweep.requestId) return;
    const { requestId } = pendingSweep;
    if (event.type === 'sweepProgress') {
      store.setState((s) => (s.sweep?.requestId === requestId ? { sweep: { ...s.sweep, done: event.done, total: event.total } } : {}));
    } else if (event.type === 'sweepResult') {
      settleSweep({ ok: true, curves: event.results });
    } else if (event.type === 'stale') {
      settleSweep({ ok: false, cancelled: true, message: 'Another sweep (Robustness panel) replaced the experiment’s; run a step again for its curves.' });
    } else if (event.type === 'error') {
      settleSweep({ ok: false, cancelled: false, message: event.message });
    }
  };

  const unsubscribe = client.subscribe(onEvent);
  return Object.assign(store, { dispose: unsubscribe });
}
