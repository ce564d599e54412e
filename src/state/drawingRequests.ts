// The drawing panel's line to the worker(s). Predictions of every model go out at once as one
// `predictModels` request (the pool sends one request per worker holding the models, so they compute
// at the same time); a newer input's request supersedes an older one model by model, in the worker
// and here. Attacks and smallest-ε searches go out per model, one at a time for each model and only
// once that model has predicted the current input. Answers are matched by request id and model; a
// "stale" answer is asked again; a silent worker is given up after a timeout.
import type { LabClient } from '../worker/client';
import type { WorkerCommand, WorkerEvent } from '../worker/protocol';
import type { AttackKind } from './drawingOutcomes';

export type DrawJob =
  | { kind: 'predict'; modelId: string }
  | { kind: 'attack' | 'minimal'; modelId: string; attackKind: AttackKind; epsilon: number; target: number | null };

export type DrawAnswer = Extract<WorkerEvent, { type: 'prediction' | 'attackResult' | 'minimalEpsilonResult' }>;

/** A request as it was sent: the job, the input version and the structural setting it was asked under. */
export interface SentRequest { job: DrawJob; requestId: number; version: number; settingLabel: string | null }

export interface RequestLineDeps {
  client: LabClient;
  timeoutMs: number;
  nextRequestId(): number;
  /** The current input version; an answer for an older one arrives with `current` false. */
  version(): number;
  /** The label of the structural setting requests are sent under now. */
  settingLabel(): string | null;
  /** The `predictModels` command for these models now, a failure to report for each, or null to drop them quietly. */
  startPredict(modelIds: string[], requestId: number): WorkerCommand | { failure: string } | null;
  /** The command that runs an attack job now, a failure to report instead, or null to drop the job quietly. */
  start(job: DrawJob, requestId: number): WorkerCommand | { failure: string } | null;
  answered(sent: SentRequest, answer: DrawAnswer, current: boolean): void;
  failed(job: DrawJob, message: string): void;
}

const FILE = 'src/state/drawingRequests.ts';
/** A job answered "stale" (overtaken by another panel's request) is asked again this many times. */
export const MAX_STALE_RETRIES = 3;

type Timer = ReturnType<typeof setTimeout>;
/** One `predictModels` request: the models still to answer it, with their stale retries. */
interface PredictRequest { requestId: number; version: number; settingLabel: string | null; models: Map<string, number>; timer: Timer }
type AttackRequest = SentRequest & { retries: number; timer: Timer };

export function createRequestLine(deps: RequestLineDeps) {
  /** Each model's newest prediction request (older ones answer for it only if nothing newer has). */
  const pending = new Map<string, PredictRequest>();
  const requests = new Map<number, PredictRequest>();
  /** Attack jobs not yet sent, in order; and the one in flight per model. */
  const jobs: Array<{ job: DrawJob; retries: number }> = [];
  const attacking = new Map<string, AttackRequest>();

  const predictJob = (modelId: string): DrawJob => ({ kind: 'predict', modelId });

  /**
   * Forgets a request once each of its models has been answered by it or by a newer request: until then
   * an older input's answer still shows (marked as updating) while the user keeps drawing.
   */
  const prune = (request: PredictRequest) => {
    if (request.models.size > 0) return;
    clearTimeout(request.timer);
    requests.delete(request.requestId);
  };

  /** A model answered by `request`: older requests no longer need to answer it. */
  const settled = (modelId: string, request: PredictRequest) => {
    request.models.delete(modelId);
    for (const older of [...requests.values()]) {
      if (older.requestId >= request.requestId || !older.models.delete(modelId)) continue;
      prune(older);
    }
  };

  const sendPredict = (modelIds: Iterable<string>, retries = new Map<string, number>()) => {
    const ids = [...new Set(modelIds)];
    if (ids.length === 0) return;
    const requestId = deps.nextRequestId();
    const command = deps.startPredict(ids, requestId);
    if (command === null) return;
    if ('failure' in command) {
      for (const id of ids) deps.failed(predictJob(id), command.failure);
      return;
    }
    const timer = setTimeout(() => {
      const request = requests.get(requestId);
      if (!request) return;
      for (const id of request.models.keys()) {
        if (pending.get(id) !== request) continue;
        pending.delete(id);
        deps.failed(predictJob(id), `${FILE}: the worker did not answer within ${Math.round(deps.timeoutMs / 1000)} s`);
      }
      request.models.clear();
      prune(request);
      pump();
    }, deps.timeoutMs);
    const request: PredictRequest = {
      requestId, version: deps.version(), settingLabel: deps.settingLabel(),
      models: new Map(ids.map((id) => [id, retries.get(id) ?? 0])), timer,
    };
    requests.set(requestId, request);
    for (const id of ids) pending.set(id, request);
    deps.client.send(command);
  };

  /** Sends every queued attack job whose model is free (its prediction in, no attack of its own out). */
  const pump = () => {
    for (let k = 0; k < jobs.length;) {
      const { job, retries } = jobs[k];
      if (attacking.has(job.modelId) || pending.get(job.modelId)?.version === deps.version()) {
        k++;
        continue;
      }
      jobs.splice(k, 1);
      const requestId = deps.nextRequestId();
      const command = deps.start(job, requestId);
      if (command === null) continue;
      if ('failure' in command) {
        deps.failed(job, command.failure);
        continue;
      }
      const timer = setTimeout(() => {
        if (attacking.get(job.modelId)?.requestId !== requestId) return;
        attacking.delete(job.modelId);
        deps.failed(job, `${FILE}: the worker did not answer within ${Math.round(deps.timeoutMs / 1000)} s`);
        pump();
      }, deps.timeoutMs);
      attacking.set(job.modelId, { job, requestId, version: deps.version(), settingLabel: deps.settingLabel(), retries, timer });
      deps.client.send(command);
    }
  };

  const onPredictions = (request: PredictRequest, event: WorkerEvent) => {
    const current = request.version === deps.version();
    const sent = (modelId: string): SentRequest => ({ job: predictJob(modelId), requestId: request.requestId, version: request.version, settingLabel: request.settingLabel });
    if (event.type === 'predictions') {
      for (const r of event.results) {
        if (!request.models.has(r.modelId)) continue; // a newer request answered it already
        const waiting = pending.get(r.modelId) === request;
        if (waiting) pending.delete(r.modelId);
        settled(r.modelId, request);
        if (r.error !== undefined) {
          if (waiting) deps.failed(predictJob(r.modelId), r.error);
        } else if (r.logits) {
          deps.answered(sent(r.modelId), { type: 'prediction', requestId: request.requestId, modelId: r.modelId, logits: r.logits, count: event.count }, current);
        }
      }
    } else if (event.type === 'stale' || event.type === 'error') {
      const again = new Map<string, number>();
      for (const [id, retries] of request.models) {
        if (pending.get(id) !== request) continue;
        pending.delete(id);
        if (event.type === 'error') deps.failed(predictJob(id), event.message);
        else if (!current) continue;
        else if (retries < MAX_STALE_RETRIES) again.set(id, retries + 1);
        else deps.failed(predictJob(id), `${FILE}: the worker answered "stale" ${retries + 1} times`);
      }
      request.models.clear();
      sendPredict(again.keys(), again);
    } else {
      return;
    }
    prune(request);
  };

  const onAttack = (done: AttackRequest, event: WorkerEvent) => {
    if (event.type !== 'attackResult' && event.type !== 'minimalEpsilonResult' && event.type !== 'stale' && event.type !== 'error') return;
    clearTimeout(done.timer);
    attacking.delete(done.job.modelId);
    const current = done.version === deps.version();
    if (event.type === 'attackResult' || event.type === 'minimalEpsilonResult') {
      deps.answered(done, event, current);
    } else if (event.type === 'stale' && current) {
      if (done.retries < MAX_STALE_RETRIES) jobs.unshift({ job: done.job, retries: done.retries + 1 });
      else deps.failed(done.job, `${FILE}: the worker answered "stale" ${done.retries + 1} times`);
    } else if (event.type === 'error' && current) {
      deps.failed(done.job, event.message);
    }
  };

  const failEverything = (message: string) => {
    for (const [id] of pending) deps.failed(predictJob(id), message);
    for (const request of requests.values()) clearTimeout(request.timer);
    pending.clear();
    requests.clear();
    for (const done of attacking.values()) {
      clearTimeout(done.timer);
      deps.failed(done.job, message);
    }
    attacking.clear();
  };

  const onEvent = (event: WorkerEvent) => {
    if (event.type === 'error' && event.fatal) {
      // The worker died: what was asked will never be answered.
      failEverything(event.message);
      return;
    }
    if (!('requestId' in event) || event.requestId === undefined) return;
    const request = requests.get(event.requestId);
    if (request) onPredictions(request, event);
    else {
      const done = [...attacking.values()].find((a) => a.requestId === event.requestId);
      if (!done) return;
      onAttack(done, event);
    }
    pump();
  };

  return {
    /** These models predict the current input (again), all in one request. */
    predict(modelIds: Iterable<string>) {
      sendPredict(modelIds);
      pump();
    },
    /** Queues an attack job, replacing a queued one of the same kind for the same model. */
    enqueue(job: DrawJob) {
      const index = jobs.findIndex((j) => j.job.kind === job.kind && j.job.modelId === job.modelId);
      if (index >= 0) jobs.splice(index, 1);
      jobs.push({ job, retries: 0 });
      pump();
    },
    /** Forgets queued attack jobs (a new input makes them pointless); requests out are answered as not current. */
    reset() {
      jobs.length = 0;
    },
    /** Whether a model's prediction of the current input is still to come. */
    predicting(modelId: string): boolean {
      return pending.get(modelId)?.version === deps.version();
    },
    onEvent,
    dispose() {
      for (const request of requests.values()) clearTimeout(request.timer);
      for (const done of attacking.values()) clearTimeout(done.timer);
      pending.clear();
      requests.clear();
      attacking.clear();
      jobs.length = 0;
    },
  };
}
