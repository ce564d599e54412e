// The training store: the configuration being edited (with its validation messages), the status of
// the current run, live progress, and each model's per-epoch history. Its actions drive the worker.
// A run whose worker crashed continues from its last checkpoint once the worker is restarted.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { DEFAULT_CONFIG, type TrainConfig } from '../engine/types';
import type { LabClient } from '../worker/client';
import { createRunTokens, PATH_LABELS, type EpochReport, type PathKind, type RunTokens, type WorkerEvent } from '../worker/protocol';
import { formFromConfig, parseConfigForm, TRAIN_SIZE_PRESETS, type ConfigForm, type FieldName } from './configForm';
import { appendEpoch, epochOverheadSeconds, estimateEtaSeconds, summarizeEpoch, type EpochSummary } from './progress';
import type { SessionState } from './session';

export type RunStatus =
  | 'idle' | 'loading-data' | 'starting' | 'running' | 'paused' | 'stopping' | 'finished' | 'stopped' | 'failed';

export interface RunState {
  status: RunStatus;
  runToken: number;
  modelId: string | null;
  config: TrainConfig | null;
  path: PathKind | null;
  /** Why the run failed, or how it ended early. */
  message: string | null;
}

export interface LiveProgress {
  epoch: number;
  batch: number;
  batchesPerEpoch: number;
  samplesPerSecond: number;
  etaSeconds: number | null;
}

export interface TrainingState {
  form: ConfigForm;
  /** The parsed configuration, or null while the form has problems. */
  config: TrainConfig | null;
  problems: string[];
  run: RunState;
  progress: LiveProgress | null;
  /** Per-epoch history of every model trained this session, by model id. */
  histories: Record<string, EpochSummary[]>;
  /** The newest epoch report of the current run, arrays included (for topology views). */
  latest: { modelId: string; report: EpochReport } | null;
  setField(name: FieldName, value: string): void;
  applyTrainSizePreset(id: string): void;
  /** Loads the training set if needed and starts a run; resolves once the command is sent. */
  start(): Promise<void>;
  pause(): void;
  resume(): void;
  stop(): void;
}

export interface TrainingDeps {
  client: LabClient;
  session: StoreApi<SessionState>;
  /** Size of the full training set of a dataset (both datasets have 60,000 images). */
  trainSetSize: number;
  initialConfig?: TrainConfig;
  /** Run tokens shared with other stores that start runs (the worker wants them increasing page-wide). */
  runTokens?: RunTokens;
}

const ACTIVE: ReadonlySet<RunStatus> = new Set(['loading-data', 'starting', 'running', 'paused', 'stopping']);

export function isRunActive(status: RunStatus): boolean {
  return ACTIVE.has(status);
}

export function createTrainingStore(deps: TrainingDeps): StoreApi<TrainingState> & { dispose(): void } {
  const { client, session, trainSetSize } = deps;
  const tokens = deps.runTokens ?? createRunTokens();
  const initialForm = formFromConfig(deps.initialConfig ?? DEFAULT_CONFIG, trainSetSize);
  const parse = (form: ConfigForm) => parseConfigForm(form, session.getState().dataset, trainSetSize);
  const initialParse = parse(initialForm);

  /** The run a worker crash interrupted, to continue once the worker is back. */
  let interrupted: { modelId: string; config: TrainConfig } | null = null;
  /** The epoch each model was last continued from after a crash: a second crash there is not retried. */
  const continuedAt = new Map<string, number>();
  /** Why the current run moved (a lost GPU, a restart): kept in its final status line. */
  let resumeNote: string | null = null;

  const store = createStore<TrainingState>()((set, get) => {
    const setRun = (patch: Partial<RunState>) => set((s) => ({ run: { ...s.run, ...patch } }));
    return {
      form: initialForm,
      config: initialParse.config,
      problems: initialParse.problems,
      run: { status: 'idle', runToken: 0, modelId: null, config: null, path: null, message: null },
      progress: null,
      histories: {},
      latest: null,

      setField(name, value) {
        const form = { ...get().form, [name]: value };
        set({ form, ...parse(form) });
      },

      applyTrainSizePreset(id) {
        const preset = TRAIN_SIZE_PRESETS.find((p) => p.id === id);
        if (!preset) throw new Error(`src/state/training.ts: unknown training-set size preset "${id}"`);
        get().setField('trainLimit', String(preset.size ?? trainSetSize));
      },

      async start() {
        if (isRunActive(get().run.status)) return;
        const parsed = parse(get().form);
        if (!parsed.config) {
          set(parsed);
          return;
        }
        const config = parsed.config;
        const runToken = tokens.next();
        resumeNote = null;
        set({ progress: null, latest: null });
        setRun({ status: 'loading-data', runToken, modelId: null, config, path: null, message: null });
        const { ensureSplit } = session.getState();
        const loaded = await Promise.all([ensureSplit('test'), ensureSplit('train')]);
        const ready = loaded.every(Boolean);
        if (!tokens.isCurrent(runToken)) return;
        if (!ready) {
          setRun({ status: 'failed', message: 'the data could not be loaded (see the message above)' });
          return;
        }
        if (session.getState().dataset !== config.dataset) {
          setRun({ status: 'stopped', message: 'the dataset changed while its data loaded' });
          return;
        }
        setRun({ status: 'starting' });
        client.send({ type: 'train', runToken, config });
      },

      pause() {
        const { run } = get();
        if (run.status === 'running') client.send({ type: 'pause', runToken: run.runToken });
      },

      resume() {
        const { run } = get();
        if (run.status === 'paused') client.send({ type: 'resume', runToken: run.runToken });
      },

      stop() {
        const { run } = get();
        if (run.status === 'loading-data') {
          tokens.next(); // the pending start sees a stale token and gives up
          setRun({ status: 'stopped', message: 'stopped before training began' });
        } else if (run.status === 'starting' || run.status === 'running' || run.status === 'paused') {
          setRun({ status: 'stopping' });
          client.send({ type: 'stop', runToken: run.runToken });
        }
      },
    };
  });

  const setRun = (patch: Partial<RunState>) => store.setState((s) => ({ run: { ...s.run, ...patch } }));

  /** Sends the data again and asks the restarted worker to continue `modelId` after epoch `fromEpoch`. */
  const continueAfterRestart = async (modelId: string, config: TrainConfig, fromEpoch: number) => {
    continuedAt.set(modelId, fromEpoch);
    const runToken = tokens.next();
    resumeNote = `the worker crashed and was restarted; continued from the checkpoint of epoch ${fromEpoch}`;
    store.setState({ progress: null });
    setRun({ status: 'loading-data', runToken, modelId, config, path: null, message: resumeNote });
    const { ensureSplit, dataset } = session.getState();
    if (dataset !== config.dataset) {
      setRun({ status: 'failed', message: `the worker was restarted, but the dataset changed: switch back to ${config.dataset} and train again` });
      return;
    }
    const loaded = await Promise.all([ensureSplit('test'), ensureSplit('train')]);
    if (!tokens.isCurrent(runToken)) return;
    if (!loaded.every(Boolean)) {
      setRun({ status: 'failed', message: 'the worker was restarted, but the data could not be loaded again (see the message above)' });
      return;
    }
    setRun({ status: 'starting' });
    client.send({ type: 'resumeTraining', runToken, modelId });
  };

  const onRestart = (event: Extract<WorkerEvent, { type: 'workerRestarted' }>) => {
    const crashed = interrupted;
    interrupted = null;
    if (!crashed) return;
    const kept = event.models.find((m) => m.modelId === crashed.modelId && !m.fromFile);
    const said = store.getState().run.message ?? 'the worker crashed';
    if (!kept) {
      setRun({ message: `${said}; no epoch had finished, so there was nothing to keep: press Train to start again` });
    } else if (kept.epoch >= kept.epochs) {
      setRun({ message: `${said}; all ${kept.epochs} epochs had finished, and the model was restored` });
    } else if (continuedAt.get(crashed.modelId) === kept.epoch) {
      setRun({ message: `${said}; it crashed again from the checkpoint of epoch ${kept.epoch}, so it is not continued again` });
    } else {
      void continueAfterRestart(crashed.modelId, crashed.config, kept.epoch);
    }
  };

  const onEvent = (event: WorkerEvent) => {
    const { run } = store.getState();
    if (event.type === 'error') {
      const ours = event.fatal || (event.runToken !== undefined && tokens.isCurrent(event.runToken) && event.runToken === run.runToken);
      // A run the user was stopping is not continued.
      if (event.fatal && isRunActive(run.status) && run.status !== 'stopping' && run.modelId !== null && run.config !== null) {
        interrupted = { modelId: run.modelId, config: run.config };
      }
      if (ours && isRunActive(run.status)) setRun({ status: 'failed', message: event.message });
      return;
    }
    if (event.type === 'workerRestarted') return onRestart(event);
    // A stale run, another store's run (shared tokens), or not a run event.
    if (!('runToken' in event) || !tokens.isCurrent(event.runToken) || event.runToken !== run.runToken) return;
    switch (event.type) {
      case 'trainStarted':
        store.setState((s) => ({ histories: { ...s.histories, [event.modelId]: [] } }));
        setRun({ status: run.status === 'stopping' ? 'stopping' : 'running', modelId: event.modelId, path: event.path });
        break;
      case 'progress': {
        const config = run.config ?? DEFAULT_CONFIG;
        const history = store.getState().histories[event.modelId] ?? [];
        const previous = history[history.length - 1];
        const epochOverhead = previous ? epochOverheadSeconds(previous, event.batchesPerEpoch * config.batchSize) : 0;
        const etaSeconds = estimateEtaSeconds({ ...event, epochs: config.epochs, batchSize: config.batchSize, epochOverheadSeconds: epochOverhead });
        store.setState({ progress: { epoch: event.epoch, batch: event.batch, batchesPerEpoch: event.batchesPerEpoch, samplesPerSecond: event.samplesPerSecond, etaSeconds } });
        break;
      }
      case 'paused':
        if (run.status === 'running') setRun({ status: 'paused' });
        break;
      case 'resumed':
        if (run.status === 'paused') setRun({ status: 'running' });
        break;
      case 'epoch':
        store.setState((s) => ({
          histories: { ...s.histories, [event.modelId]: appendEpoch(s.histories[event.modelId] ?? [], summarizeEpoch(event.event)) },
          latest: { modelId: event.modelId, report: event.event },
        }));
        break;
      case 'trainResumed': {
        const where = PATH_LABELS[event.path];
        if (event.reason === 'device-lost') resumeNote = `the GPU was lost; continued on the ${where} path from the weights of epoch ${event.fromEpoch}`;
        store.setState((s) => ({ histories: { ...s.histories, [event.modelId]: s.histories[event.modelId] ?? [] } }));
        setRun({ status: run.status === 'stopping' ? 'stopping' : 'running', modelId: event.modelId, config: event.config, path: event.path, message: resumeNote });
        break;
      }
      case 'trainDone': {
        const { summary } = event;
        const note = resumeNote ? ` (${resumeNote})` : '';
        if (summary.error) setRun({ status: 'failed', message: `${summary.error}${note}` });
        else if (summary.stoppedEarly) setRun({ status: 'stopped', message: `stopped after ${summary.epochsCompleted} epoch(s)${note}` });
        else setRun({ status: 'finished', message: resumeNote });
        break;
      }
    }
  };
  const unsubscribe = client.subscribe(onEvent);
  return Object.assign(store, { dispose: unsubscribe });
}
