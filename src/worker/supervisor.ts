// Keeps the lab alive when its training worker crashes: the page's client wraps one worker at a
// time, keeps each model's latest checkpoint (or the file it was loaded from), and after a crash
// starts a new worker, gives it the backend request and every model back, and tells the stores
// (`workerRestarted`), which send the data again and continue an interrupted run.
import type { ModelFileContent } from '../engine/modelFile';
import { copyCheckpoint } from './checkpoint';
import type { LabClient, WorkerListener } from './client';
import { nextRequestId, type ModelRestore, type WorkerCommand, type WorkerEvent } from './protocol';

/** After this many restarts the lab stops trying (a crash loop): the page asks for a reload. */
export const MAX_WORKER_RESTARTS = 3;

export interface SupervisorOptions {
  /** Starts a fresh worker and its client (createLabClient around the module worker; a fake in tests). */
  spawn(): LabClient;
  maxRestarts?: number;
  /** Sent along with `init`: enables the worker's debug commands (a page opened with ?debug=1). */
  debug?: boolean;
}

export type DebugMemory = Extract<WorkerEvent, { type: 'debugMemory' }>;

export interface SupervisedClient extends LabClient {
  /** How many times the worker was replaced. */
  restarts(): number;
  /** The models a new worker would be given back, by id. */
  keptModels(): string[];
  /** A copy of what would give `modelId` back (to another worker of a pool); undefined if not kept here. */
  restoreOf(modelId: string): ModelRestore | undefined;
  /** Debug hooks; the worker refuses them unless `debug` was set. */
  debugLoseDevice(): void;
  debugCrash(): void;
  debugMemory(): Promise<DebugMemory>;
}

type Kept = { restore: ModelRestore; epoch: number; epochs: number };

export function createSupervisedClient(options: SupervisorOptions): SupervisedClient {
  const maxRestarts = options.maxRestarts ?? MAX_WORKER_RESTARTS;
  const listeners = new Set<WorkerListener>();
  /** Each model's latest checkpoint or source file, by model id. */
  const kept = new Map<string, Kept>();
  /** Model files on their way into the worker, by request id (kept once the worker accepts them). */
  const loading = new Map<number, { text: ModelFileContent; fileName: string; label: string }>();
  const memoryQueries = new Map<number, { resolve(m: DebugMemory): void; reject(e: Error): void }>();
  let lastInit: Extract<WorkerCommand, { type: 'init' }> | null = null;
  let restarts = 0;
  let terminated = false;
  let inner: LabClient;

  const emit = (event: WorkerEvent) => {
    for (const listener of [...listeners]) listener(event);
  };

  const remember = (event: WorkerEvent) => {
    if (event.type === 'checkpoint') {
      const c = event.checkpoint;
      kept.set(c.modelId, { restore: { kind: 'checkpoint', checkpoint: c }, epoch: c.epoch, epochs: c.config.epochs });
    } else if (event.type === 'modelLoaded') {
      const file = loading.get(event.requestId);
      loading.delete(event.requestId);
      if (file) kept.set(event.model.modelId, { restore: { kind: 'file', ...file, label: event.model.label }, epoch: event.model.config.epochs, epochs: event.model.config.epochs });
    } else if (event.type === 'error' && event.requestId !== undefined) {
      loading.delete(event.requestId);
      memoryQueries.get(event.requestId)?.reject(new Error(event.message));
      memoryQueries.delete(event.requestId);
    } else if (event.type === 'debugMemory') {
      memoryQueries.get(event.requestId)?.resolve(event);
      memoryQueries.delete(event.requestId);
    }
  };

  const onEvent = (event: WorkerEvent) => {
    if (event.type === 'error' && event.fatal) return crashed(event);
    remember(event);
    emit(event);
  };

  const start = () => {
    inner = options.spawn();
    inner.subscribe(onEvent);
  };

  /** Copies: a checkpoint's arrays are transferred with the command that carries it. */
  const copyOf = (restore: ModelRestore): ModelRestore =>
    restore.kind === 'checkpoint' ? { kind: 'checkpoint', checkpoint: copyCheckpoint(restore.checkpoint) }
      : { ...restore, text: typeof restore.text === 'string' ? restore.text : restore.text.slice() };

  /** Gives a new worker what the old one had: the backend request and every model (as copies). */
  const restore = () => {
    if (lastInit) inner.send({ ...lastInit });
    for (const [modelId, k] of kept) inner.send({ type: 'restoreModel', modelId, restore: copyOf(k.restore) });
  };

  const crashed = (event: Extract<WorkerEvent, { type: 'error' }>) => {
    loading.clear();
    for (const query of memoryQueries.values()) query.reject(new Error(event.message));
    memoryQueries.clear();
    if (terminated || restarts >= maxRestarts) {
      emit(restarts >= maxRestarts ? { ...event, message: `${event.message}; it crashed ${restarts + 1} times, so it is not restarted again: reload the page` } : event);
      return;
    }
    restarts++;
    inner.terminate();
    try {
      start();
    } catch (e) {
      emit({ ...event, message: `${event.message}; a new worker could not be started (${e instanceof Error ? e.message : String(e)}): reload the page` });
      return;
    }
    // The new worker gets its models before anything the stores send in answer to the crash.
    restore();
    emit({ ...event, restarting: true });
    emit({
      type: 'workerRestarted', restarts, maxRestarts,
      models: [...kept].map(([modelId, k]) => ({ modelId, epoch: k.epoch, epochs: k.epochs, fromFile: k.restore.kind === 'file' })),
    });
  };

  start();

  const send = (command: WorkerCommand) => {
    if (command.type === 'init') {
      lastInit = options.debug ? { ...command, debug: true } : command;
      inner.send({ ...lastInit });
      return;
    }
    // A copy of the bytes: the command's own are transferred to the worker.
    if (command.type === 'loadModel') loading.set(command.requestId, { text: typeof command.text === 'string' ? command.text : command.text.slice(), fileName: command.fileName, label: command.label ?? '' });
    if (command.type === 'restoreModel') {
      // A model copied in from another worker of a pool comes back after a crash like its own.
      const r = command.restore;
      const epochs = r.kind === 'checkpoint' ? r.checkpoint.config.epochs : 0;
      kept.set(command.modelId, { restore: copyOf(r), epoch: r.kind === 'checkpoint' ? r.checkpoint.epoch : epochs, epochs });
    }
    inner.send(command);
  };

  return {
    send,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    terminate() {
      terminated = true;
      inner.terminate();
      listeners.clear();
    },
    restarts: () => restarts,
    keptModels: () => [...kept.keys()],
    restoreOf: (modelId) => {
      const k = kept.get(modelId);
      return k ? copyOf(k.restore) : undefined;
    },
    debugLoseDevice: () => send({ type: 'debugLoseDevice' }),
    debugCrash: () => send({ type: 'debugCrash' }),
    debugMemory: () => new Promise<DebugMemory>((resolve, reject) => {
      const requestId = nextRequestId();
      memoryQueries.set(requestId, { resolve, reject });
      send({ type: 'debugMemory', requestId });
    }),
  };
}
