// The page's pool of training workers, behind the same send/subscribe handle as one worker: it routes
// each command to a worker that holds the model (copying a model into another worker when needed),
// trains concurrent runs on different workers, splits evaluations and robustness sweeps into
// (model, level) jobs spread over every worker, and asks each worker for its models' Draw-panel
// predictions at once (poolPredict.ts). Results never depend on the pool size: a job's seeds
// come from the request (sweep repeat r uses seed + r for every model and level), never from which
// worker runs it. Layering: pool → supervised worker (supervisor.ts) → protocol (client.ts).
import type { LabClient, WorkerListener } from './client';
import { createPredictSplitter } from './poolPredict';
import { createSplitter } from './poolSplits';
import { nextRequestId, type ModelRestore, type WorkerCommand, type WorkerEvent } from './protocol';

/** One worker of the pool: a supervised client that can hand out copies of the models it keeps. */
export interface PoolMember extends LabClient {
  restoreOf(modelId: string): ModelRestore | undefined;
}

export interface PoolOptions {
  size: number;
  /** Starts worker `index` (a supervised module worker in the page; in-process hosts in tests). */
  spawn(index: number): PoolMember;
  /**
   * Training and test sets are shared with every worker without a copy when the page can make
   * SharedArrayBuffers (crossOriginIsolated): a training set is fetched and parsed by one worker
   * into shared memory. Otherwise each worker that trains fetches and parses its own (the HTTP cache
   * or the service worker answers after the first download), and the test set is copied to each.
   */
  shareData?: boolean;
  /** Merged into the page's `init` for every worker (the debug self-check failure). */
  initExtras?: Omit<Partial<Cmd<'init'>>, 'type'>;
}

export interface WorkerPool extends LabClient {
  /** How many workers the pool runs (how many networks can train at once). */
  workers(): number;
  member(index: number): PoolMember;
}

export const MAX_POOL_SIZE = 8;

/** The pool size for a machine: its cores (the page's own thread mostly waits), at least 2, at most 8. */
export function defaultPoolSize(hardwareConcurrency: number | undefined): number {
  const cores = Number.isFinite(hardwareConcurrency) ? Math.floor(hardwareConcurrency as number) : 2;
  return Math.min(MAX_POOL_SIZE, Math.max(2, cores));
}

type Cmd<T extends WorkerCommand['type']> = Extract<WorkerCommand, { type: T }>;
/** Copies a data split into shared memory, so every worker reads the one copy. */
function shared(data: Uint8Array): Uint8Array {
  const copy = new Uint8Array(new SharedArrayBuffer(data.byteLength));
  copy.set(data);
  return copy;
}

export function createWorkerPool(options: PoolOptions): WorkerPool {
  const size = Math.max(1, Math.min(MAX_POOL_SIZE, Math.floor(options.size)));
  const listeners = new Set<WorkerListener>();
  const emit = (event: WorkerEvent) => { for (const l of [...listeners]) l(event); };
  /** Which workers hold each model; the first one trained or loaded it. */
  const holders = new Map<string, number[]>();
  /** The worker of each training run, by run token; and each worker's run in progress. */
  const runs = new Map<number, number>();
  const training = new Map<number, number>();
  /** The data each worker holds, and the sets kept to give to a worker that needs them. */
  const dataOf = Array.from({ length: size }, () => new Set<string>());
  const data = new Map<string, Cmd<'setData'>>();
  /** Where each split a worker fetches itself comes from (the page's `loadData`), and the pool's own loads. */
  const sources = new Map<string, Cmd<'loadData'>>();
  const ownLoads = new Map<number, string>();
  /** Each model's dataset, so a run resumed on another worker (after a crash) is given its data there. */
  const datasetOf = new Map<string, string>();
  let init: Cmd<'init'> | null = null;
  let nextLoad = 0;

  const members: PoolMember[] = [];
  for (let i = 0; i < size; i++) {
    const member = options.spawn(i);
    members.push(member);
    member.subscribe((event) => onEvent(i, event));
  }

  const holderOf = (modelId: string): number | undefined => holders.get(modelId)?.[0];
  const hold = (modelId: string, worker: number, first = false) => {
    const list = (holders.get(modelId) ?? []).filter((w) => w !== worker);
    holders.set(modelId, first ? [worker] : [...list, worker]);
  };

  /** Gives `worker` a copy of `modelId` unless it has one; false when no worker keeps the model. */
  const ensureModel = (worker: number, modelId: string): boolean => {
    const list = holders.get(modelId);
    if (list?.includes(worker)) return true;
    const from = list?.[0];
    const restore = from === undefined ? undefined : members[from].restoreOf(modelId);
    // Unknown here: let the worker answer (it names the missing model in its error).
    if (!restore) return false;
    members[worker].send({ type: 'restoreModel', modelId, restore });
    hold(modelId, worker);
    return true;
  };

  const ensureData = (worker: number, key: string) => {
    if (dataOf[worker].has(key)) return;
    const cmd = data.get(key);
    const source = sources.get(key);
    if (!cmd && source) {
      // The worker fetches it itself; a run sent next waits in the worker for it to land.
      const requestId = nextRequestId();
      ownLoads.set(requestId, key);
      members[worker].send({ ...source, requestId, shared: false });
      dataOf[worker].add(key);
      return;
    }
    if (!cmd) return;
    const copy = options.shareData ? cmd : { ...cmd, images: cmd.images.slice(), labels: cmd.labels.slice() };
    members[worker].send(copy);
    dataOf[worker].add(key);
  };

  /** The worker for a job on `modelIds`: the holder of the first one, given the others too. */
  const workerFor = (modelIds: string[]): number => {
    const worker = holderOf(modelIds[0]) ?? 0;
    for (const id of modelIds) ensureModel(worker, id);
    return worker;
  };

  /** A worker with no run in progress (the lowest index), or the one whose run is oldest. */
  const freeWorker = (): number => {
    for (let i = 0; i < size; i++) if (!training.has(i)) return i;
    let oldest = 0;
    for (const [w, token] of training) if (token < (training.get(oldest) ?? Infinity)) oldest = w;
    return oldest;
  };

  const trainOn = (worker: number, cmd: Cmd<'train'> | Cmd<'resumeTraining'>) => {
    const dataset = cmd.type === 'train' ? cmd.config.dataset : datasetOf.get(cmd.modelId);
    if (dataset) for (const split of ['train', 'test']) ensureData(worker, `${dataset}/${split}`);
    runs.set(cmd.runToken, worker);
    training.set(worker, cmd.runToken);
    members[worker].send(cmd);
  };

  const splitter = createSplitter({
    size, emit, holderOf, ensureModel,
    send: (worker, command) => members[worker].send(command),
  });
  const predictions = createPredictSplitter({ size, emit, holderOf, ensureModel, send: (worker, command) => members[worker].send(command) });

  // ------------------------------------------------------------ events

  function onEvent(worker: number, event: WorkerEvent): void {
    if (splitter.takes(event) || predictions.takes(event)) return;
    switch (event.type) {
      case 'ready':
        // Every worker says so; the page's badge needs to hear it once.
        if (worker !== 0) return;
        break;
      case 'dataReady': {
        if (event.requestId === undefined) return; // a `setData` arrived: nobody waits for that
        const key = `${event.dataset}/${event.split}`;
        if (event.shared) {
          // One parse in shared memory: every other worker gets the same buffers.
          data.set(key, { type: 'setData', dataset: event.dataset, split: event.split, images: event.shared.images, labels: event.shared.labels, count: event.count });
        }
        if (ownLoads.delete(event.requestId)) return;
        emit(event.shared ? { type: 'dataReady', requestId: event.requestId, dataset: event.dataset, split: event.split, count: event.count } : event);
        return;
      }
      case 'dataProgress':
        if (ownLoads.has(event.requestId)) return;
        break;
      case 'dataFailed':
        // The worker holds nothing: a later run there asks again (and fails with the reason if it fails again).
        dataOf[worker].delete(`${event.dataset}/${event.split}`);
        if (ownLoads.delete(event.requestId)) return;
        break;
      case 'trainStarted':
        datasetOf.set(event.modelId, event.config.dataset);
        hold(event.modelId, worker, true);
        break;
      case 'trainResumed':
        hold(event.modelId, worker, true);
        break;
      case 'checkpoint':
        // Copies elsewhere are of an older epoch now: they are made again when needed.
        hold(event.checkpoint.modelId, worker, true);
        break;
      case 'trainDone':
        if (training.get(worker) === event.runToken) training.delete(worker);
        break;
      case 'modelLoaded':
        hold(event.model.modelId, worker, true);
        break;
      case 'error':
        // A run that failed to start (bad configuration, no data) frees its worker.
        if (event.runToken !== undefined && training.get(worker) === event.runToken) training.delete(worker);
        if (event.fatal) {
          // The crashed worker's jobs will never answer; the stores hear of the crash and ask again.
          training.delete(worker);
          dataOf[worker].clear();
          splitter.dropWorker(worker);
          predictions.dropWorker(worker);
        }
        break;
      case 'backendChoice':
        // One worker measured: the others use its choice instead of timing again.
        members.forEach((m, i) => { if (i !== worker) m.send({ type: 'useBackend', result: event.result }); });
        if (worker !== 0 && event.result.source !== 'measured') return;
        break;
      case 'workerRestarted':
        for (const [id, list] of holders) if (list.includes(worker) && !event.models.some((m) => m.modelId === id)) holders.set(id, list.filter((w) => w !== worker));
        break;
    }
    emit(event);
  }

  // ------------------------------------------------------------ commands

  const send = (command: WorkerCommand): void => {
    switch (command.type) {
      case 'init':
      {
        const first: Cmd<'init'> = { ...command, ...options.initExtras, type: 'init' };
        init = first;
        members.forEach((m, i) => m.send(i === 0 ? { ...first } : { ...first, idPrefix: `w${i}-` }));
        return;
      }
      case 'measureBackends':
        // Timed on one worker: workers timing at once would slow each other's figures down.
        for (const split of ['train', 'test']) ensureData(0, `${command.config.dataset}/${split}`);
        return members[0].send(command);
      case 'loadData': {
        // One worker fetches it (one that holds it answers at once); the others when a run goes to them.
        const key = `${command.dataset}/${command.split}`;
        sources.set(key, command);
        data.delete(key);
        let worker = dataOf.findIndex((set) => set.has(key));
        if (worker < 0) worker = 0;
        dataOf[worker].add(key);
        return members[worker].send({ ...command, shared: options.shareData === true });
      }
      case 'setData': {
        const key = `${command.dataset}/${command.split}`;
        const kept = options.shareData ? { ...command, images: shared(command.images), labels: shared(command.labels) } : command;
        data.set(key, kept);
        for (const set of dataOf) set.delete(key);
        // The test set goes everywhere (every worker evaluates); a training set only where a run starts.
        if (command.split === 'test') for (let i = 0; i < size; i++) ensureData(i, key);
        else ensureData(0, key);
        return;
      }
      case 'train':
        return trainOn(init ? freeWorker() : 0, command);
      case 'resumeTraining':
        return trainOn(holderOf(command.modelId) ?? freeWorker(), command);
      case 'pause':
      case 'resume':
      case 'stop':
        return members[runs.get(command.runToken) ?? 0].send(command);
      case 'loadModel': {
        // Loaded models are spread over the pool, so "every model at once" runs in parallel.
        const worker = init ? nextLoad++ % size : 0;
        return members[worker].send(command);
      }
      case 'restoreModel':
        hold(command.modelId, 0);
        return members[0].send(command);
      case 'predict':
      case 'attack':
      case 'minimalEpsilon':
      case 'exportModel':
        return members[workerFor([command.modelId])].send(command);
      case 'samples':
        return members[Array.isArray(command.modelIds) && command.modelIds.length > 0 ? workerFor(command.modelIds) : 0].send(command);
      case 'predictModels':
        return predictions.predictModels(command);
      case 'evaluate':
        return splitter.evaluate(command);
      case 'sweep':
        return splitter.sweep(command);
      case 'cancel': {
        if (splitter.cancel(command.requestId)) return;
        return members.forEach((m) => m.send(command));
      }
      default:
        // Debug commands go to the first worker (the page's debug hooks speak to it).
        return members[0].send(command);
    }
  };

  return {
    send,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    terminate() {
      for (const m of members) m.terminate();
      listeners.clear();
    },
    workers: () => size,
    member: (index) => members[index],
  };
}
