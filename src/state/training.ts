// The training store: the configuration being edited (with its validation messages) and every run of
// the session. Several runs train at once, each on its own worker of the pool; a run beyond the free
// workers waits in a queue and says so. The panel's controls and views follow one chosen run (`run`,
// `progress`); each run keeps its own status, progress and ETA. Its actions drive the worker. A run
// whose worker crashed continues from its last checkpoint once the worker is restarted.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { DEFAULT_CONFIG, type TrainConfig } from '../engine/types';
import type { LabClient } from '../worker/client';
import { createRunTokens, PATH_LABELS, type EpochReport, type RunTokens, type WorkerEvent } from '../worker/protocol';
import { formFromConfig, parseConfigForm, TRAIN_SIZE_PRESETS, type ConfigForm, type FieldName } from './configForm';
import { appendEpoch, epochOverheadSeconds, estimateEtaSeconds, summarizeEpoch, type EpochSummary } from './progress';
import {
  afterRestart, holdsWorker, IDLE_RUN, isRunActive, nextToStart, patchRun, queueMessage, type InterruptedRun, type LiveProgress, type RunState,
} from './trainingRuns';
import type { SessionState } from './session';

export type { LiveProgress, RunState, RunStatus } from './trainingRuns';
export { isRunActive } from './trainingRuns';

export interface TrainingState {
  form: ConfigForm;
  /** The parsed configuration, or null while the form has problems. */
  config: TrainConfig | null;
  problems: string[];
  /** Every run of the session, in the order started (queued ones included). */
  runs: RunState[];
  /** The run token of the run the panel follows (0 before the first run). */
  focused: number;
  /** The followed run (IDLE_RUN before the first). */
  run: RunState;
  /** The followed run's live progress. */
  progress: LiveProgress | null;
  /** Per-epoch history of every model trained this session, by model id. */
  histories: Record<string, EpochSummary[]>;
  /** The newest epoch report of the followed run, arrays included (for topology views). */
  latest: { modelId: string; report: EpochReport } | null;
  setField(name: FieldName, value: string): void;
  applyTrainSizePreset(id: string): void;
  /**
   * Starts a run with the form's settings (beside any run in progress), or queues it when every worker
   * trains; loads the training set if needed. Resolves once the command is sent or the run is queued.
   */
  start(): Promise<void>;
  /** Pause, resume and stop act on the followed run; the `…Run` forms on any run. */
  pause(): void;
  resume(): void;
  stop(): void;
  pauseRun(runToken: number): void;
  resumeRun(runToken: number): void;
  stopRun(runToken: number): void;
  /** The panel follows this run (its progress, results and curves). */
  focus(runToken: number): void;
}

export interface TrainingDeps {
  client: LabClient;
  session: StoreApi<SessionState>;
  /** Size of the full training set of a dataset (both datasets have 60,000 images). */
  trainSetSize: number;
  initialConfig?: TrainConfig;
  /** Run tokens shared with other stores that start runs (the worker wants them increasing page-wide). */
  runTokens?: RunTokens;
  /** Workers busy with other stores' runs (the Experiment's): a run here waits for them too. */
  busyElsewhere?: () => number;
}

/** Whether any run of the session is active (queued runs included). */
export function anyRunActive(state: Pick<TrainingState, 'runs'>): boolean {
  return state.runs.some((r) => isRunActive(r.status));
}

export function createTrainingStore(deps: TrainingDeps): StoreApi<TrainingState> & { dispose(): void } {
  const { client, session, trainSetSize } = deps;
  const tokens = deps.runTokens ?? createRunTokens();
  const initialForm = formFromConfig(deps.initialConfig ?? DEFAULT_CONFIG, trainSetSize);
  const parse = (form: ConfigForm) => parseConfigForm(form, session.getState().dataset, trainSetSize);
  const initialParse = parse(initialForm);
  /** How many runs can train here at once: the pool's workers (one for a plain worker) not busy elsewhere. */
  const poolSize = () => Math.max(1, client.workers?.() ?? 1);
  const workers = () => Math.max(1, poolSize() - (deps.busyElsewhere?.() ?? 0));
  const waiting = () => queueMessage(store.getState().runs, poolSize(), deps.busyElsewhere?.() ?? 0);
  let runNumber = 0;

  /** Runs a worker crash interrupted (by token), to continue once the worker is back. */
  const interrupted = new Map<number, InterruptedRun & { config: TrainConfig }>();
  /** The epoch each model was last continued from after a crash: a second crash there is not retried. */
  const continuedAt = new Map<string, number>();
  /** Why a run moved (a lost GPU, a restart), by run token: kept in its final status line. */
  const resumeNotes = new Map<number, string>();
  /** Runs a crash marked failed that may have been on another worker of the pool (their events revive them). */
  const revivable = new Set<number>();

  const store = createStore<TrainingState>()((_set, get) => ({
    form: initialForm,
    config: initialParse.config,
    problems: initialParse.problems,
    runs: [],
    focused: 0,
    run: IDLE_RUN,
    progress: null,
    histories: {},
    latest: null,

    setField(name, value) {
      const form = { ...get().form, [name]: value };
      store.setState({ form, ...parse(form) });
    },

    applyTrainSizePreset(id) {
      const preset = TRAIN_SIZE_PRESETS.find((p) => p.id === id);
      if (!preset) throw new Error(`src/state/training.ts: unknown training-set size preset "${id}"`);
      get().setField('trainLimit', String(preset.size ?? trainSetSize));
    },

    async start() {
      const parsed = parse(get().form);
      if (!parsed.config) {
        store.setState(parsed);
        return;
      }
      const runToken = tokens.next();
      const run: RunState = { ...IDLE_RUN, status: 'queued', runToken, number: ++runNumber, config: parsed.config };
      setRuns([...get().runs, run], runToken);
      await Promise.all(startQueued());
    },

    pause() { get().pauseRun(get().focused); },
    resume() { get().resumeRun(get().focused); },
    stop() { get().stopRun(get().focused); },

    pauseRun(runToken) {
      if (runOf(runToken)?.status === 'running') client.send({ type: 'pause', runToken });
    },

    resumeRun(runToken) {
      if (runOf(runToken)?.status === 'paused') client.send({ type: 'resume', runToken });
    },

    stopRun(runToken) {
      const run = runOf(runToken);
      if (!run) return;
      if (run.status === 'queued' || run.status === 'loading-data') {
        // The pending start sees the run stopped and gives up; a queued run never starts.
        patch(runToken, { status: 'stopped', message: 'stopped before training began', progress: null });
      } else if (run.status === 'starting' || run.status === 'running' || run.status === 'paused') {
        patch(runToken, { status: 'stopping' });
        client.send({ type: 'stop', runToken });
      }
    },

    focus(runToken) {
      if (runOf(runToken)) setRuns(get().runs, runToken);
    },

  }));

  // ------------------------------------------------------------ runs

  const runOf = (runToken: number | undefined) => (runToken === undefined ? undefined : store.getState().runs.find((r) => r.runToken === runToken));

  /** Sets the runs and the followed one, keeping `run` and `progress` (what the views read) in step. */
  function setRuns(runs: RunState[], focused = store.getState().focused) {
    const run = runs.find((r) => r.runToken === focused) ?? IDLE_RUN;
    const latest = store.getState().latest;
    store.setState({
      runs, focused, run, progress: run.progress,
      ...(latest && latest.modelId !== run.modelId ? { latest: null } : {}),
    });
  }

  function patch(runToken: number, change: Partial<RunState>) {
    const before = runOf(runToken);
    setRuns(patchRun(store.getState().runs, runToken, change));
    // A run that ends frees its worker for the next queued one.
    if (before && isRunActive(before.status) && change.status && !isRunActive(change.status)) void Promise.all(startQueued());
  }

  /** Starts queued runs, oldest first, while a worker is free; the promises settle once each is sent. */
  function startQueued(): Array<Promise<void>> {
    const started: Array<Promise<void>> = [];
    for (let next = nextToStart(store.getState().runs, workers()); next; next = nextToStart(store.getState().runs, workers())) {
      started.push(launch(next));
    }
    // Those still waiting say how long the queue is.
    for (const r of store.getState().runs) if (r.status === 'queued') setRuns(patchRun(store.getState().runs, r.runToken, { message: waiting() }));
    return started;
  }

  /** Loads the data a run needs and sends it to the pool (which gives it a free worker). */
  async function launch(run: RunState): Promise<void> {
    const { runToken } = run;
    const config = run.config as TrainConfig;
    patch(runToken, { status: 'loading-data', message: null });
    const { ensureSplit } = session.getState();
    const loaded = await Promise.all([ensureSplit('test'), ensureSplit('train')]);
    if (runOf(runToken)?.status !== 'loading-data') return;
    if (!loaded.every(Boolean)) return patch(runToken, { status: 'failed', message: 'the data could not be loaded (see the message above)' });
    if (session.getState().dataset !== config.dataset) return patch(runToken, { status: 'stopped', message: 'the dataset changed while its data loaded' });
    patch(runToken, { status: 'starting' });
    client.send({ type: 'train', runToken, config });
  }

  /** Sends the data again and asks the restarted worker to continue `modelId` after epoch `fromEpoch`. */
  const continueAfterRestart = async (oldToken: number, modelId: string, config: TrainConfig, fromEpoch: number) => {
    continuedAt.set(modelId, fromEpoch);
    const runToken = tokens.next();
    const note = `the worker crashed and was restarted; continued from the checkpoint of epoch ${fromEpoch}`;
    resumeNotes.set(runToken, note);
    const focused = store.getState().focused === oldToken ? runToken : store.getState().focused;
    setRuns(patchRun(store.getState().runs, oldToken, { runToken, status: 'loading-data', modelId, config, path: null, message: note, progress: null }), focused);
    const { ensureSplit, dataset } = session.getState();
    if (dataset !== config.dataset) {
      return patch(runToken, { status: 'failed', message: `the worker was restarted, but the dataset changed: switch back to ${config.dataset} and train again` });
    }
    const loaded = await Promise.all([ensureSplit('test'), ensureSplit('train')]);
    if (runOf(runToken)?.status !== 'loading-data') return;
    if (!loaded.every(Boolean)) {
      return patch(runToken, { status: 'failed', message: 'the worker was restarted, but the data could not be loaded again (see the message above)' });
    }
    patch(runToken, { status: 'starting' });
    client.send({ type: 'resumeTraining', runToken, modelId });
  };

  /** After a restart, each interrupted run continues, trains on (another worker had it) or says why not. */
  const onRestart = (event: Extract<WorkerEvent, { type: 'workerRestarted' }>) => {
    const crashed = [...interrupted];
    interrupted.clear();
    for (const [runToken, c] of crashed) {
      const next = afterRestart(c, runOf(runToken)?.message ?? 'the worker crashed', event.models, continuedAt);
      if (next.kind === 'continue') void continueAfterRestart(runToken, next.modelId, c.config, next.fromEpoch);
      else if (next.kind === 'trains-on') patch(runToken, { status: next.status, message: null });
      else patch(runToken, { message: next.message });
    }
  };

  const onCrash = (message: string) => {
    for (const run of store.getState().runs) {
      if (!holdsWorker(run.status)) continue;
      // A run the user was stopping is not continued.
      if (run.status !== 'stopping' && run.config !== null) {
        const hadEpoch = run.modelId !== null && (store.getState().histories[run.modelId]?.length ?? 0) > 0;
        interrupted.set(run.runToken, { modelId: run.modelId, config: run.config, hadEpoch, status: run.status });
      }
      revivable.add(run.runToken);
      patch(run.runToken, { status: 'failed', message, progress: null });
    }
  };

  const onRunEvent = (run: RunState, event: WorkerEvent) => {
    const { runToken } = run;
    // A run a crash marked failed that trains on (it was on another worker of the pool) comes back.
    const revived = run.status === 'failed' && (event.type === 'progress' || event.type === 'epoch') ? { status: 'running' as const, message: null } : {};
    if (revived.status || event.type === 'trainDone') revivable.delete(runToken);
    switch (event.type) {
      case 'trainStarted':
        store.setState((s) => ({ histories: { ...s.histories, [event.modelId]: [] } }));
        patch(runToken, { status: run.status === 'stopping' ? 'stopping' : 'running', modelId: event.modelId, path: event.path });
        break;
      case 'progress': {
        const config = run.config ?? DEFAULT_CONFIG;
        const history = store.getState().histories[event.modelId] ?? [];
        const previous = history[history.length - 1];
        const epochOverhead = previous ? epochOverheadSeconds(previous, event.batchesPerEpoch * config.batchSize) : 0;
        const etaSeconds = estimateEtaSeconds({ ...event, epochs: config.epochs, batchSize: config.batchSize, epochOverheadSeconds: epochOverhead });
        patch(runToken, { ...revived, progress: { epoch: event.epoch, batch: event.batch, batchesPerEpoch: event.batchesPerEpoch, samplesPerSecond: event.samplesPerSecond, etaSeconds } });
        break;
      }
      case 'paused':
        if (run.status === 'running') patch(runToken, { status: 'paused' });
        break;
      case 'resumed':
        if (run.status === 'paused') patch(runToken, { status: 'running' });
        break;
      case 'epoch':
        store.setState((s) => ({
          histories: { ...s.histories, [event.modelId]: appendEpoch(s.histories[event.modelId] ?? [], summarizeEpoch(event.event)) },
          ...(s.focused === runToken ? { latest: { modelId: event.modelId, report: event.event } } : {}),
        }));
        if (revived.status) patch(runToken, revived);
        break;
      case 'trainResumed': {
        const where = PATH_LABELS[event.path];
        if (event.reason === 'device-lost') resumeNotes.set(runToken, `the GPU was lost; continued on the ${where} path from the weights of epoch ${event.fromEpoch}`);
        store.setState((s) => ({ histories: { ...s.histories, [event.modelId]: s.histories[event.modelId] ?? [] } }));
        patch(runToken, { status: run.status === 'stopping' ? 'stopping' : 'running', modelId: event.modelId, config: event.config, path: event.path, message: resumeNotes.get(runToken) ?? null });
        break;
      }
      case 'trainDone': {
        const { summary } = event;
        const resumeNote = resumeNotes.get(runToken);
        const note = resumeNote ? ` (${resumeNote})` : '';
        if (summary.error) patch(runToken, { status: 'failed', message: `${summary.error}${note}`, progress: null });
        else if (summary.stoppedEarly) patch(runToken, { status: 'stopped', message: `stopped after ${summary.epochsCompleted} epoch(s)${note}`, progress: null });
        else patch(runToken, { status: 'finished', message: resumeNote ?? null, progress: null });
        break;
      }
    }
  };

  /**
   * Another store's run (the Experiment's) ended and freed a worker; that store hears of it after this
   * one, so the queue is looked at once every listener has.
   */
  const lookAtQueueSoon = () => {
    if (store.getState().runs.some((r) => r.status === 'queued')) setTimeout(() => void Promise.all(startQueued()), 0);
  };

  const onEvent = (event: WorkerEvent) => {
    if (event.type === 'error') {
      if (event.fatal) return onCrash(event.message);
      const run = runOf(event.runToken);
      if (run && isRunActive(run.status)) patch(run.runToken, { status: 'failed', message: event.message, progress: null });
      else if (!run && event.runToken !== undefined) lookAtQueueSoon();
      return;
    }
    if (event.type === 'workerRestarted') return onRestart(event);
    // Another store's run (shared tokens), a forgotten one, or not a run event.
    if (!('runToken' in event)) return;
    const run = runOf(event.runToken);
    if (!run && event.type === 'trainDone') return lookAtQueueSoon();
    // Events of an ended run (a late progress after a stop) change nothing.
    if (run && (isRunActive(run.status) || revivable.has(run.runToken))) onRunEvent(run, event);
  };
  const unsubscribe = client.subscribe(onEvent);
  return Object.assign(store, { dispose: unsubscribe });
}
