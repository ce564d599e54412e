// The drawing panel's line to the worker: one request in flight at a time (so the newest input
// always wins and no model's answer is overtaken), predictions before queued attack jobs, answers
// matched by request id, a "stale" answer asked again, and a silent worker given up after a timeout.
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
  /** The command that runs a job now, a failure to report instead, or null to drop the job quietly. */
  start(job: DrawJob, requestId: number): WorkerCommand | { failure: string } | null;
  answered(sent: SentRequest, answer: DrawAnswer, current: boolean): void;
  failed(job: DrawJob, message: string): void;
}

const FILE = 'src/state/drawingRequests.ts';
/** A job answered "stale" (overtaken by another panel's request) is asked again this many times. */
export const MAX_STALE_RETRIES = 3;

export function createRequestLine(deps: RequestLineDeps) {
  /** Models still to predict the current input, in the order they were marked. */
  const dirty = new Set<string>();
  const jobs: Array<{ job: DrawJob; retries: number }> = [];
  let inFlight: (SentRequest & { retries: number; timer: ReturnType<typeof setTimeout> }) | null = null;

  const next = (): { job: DrawJob; retries: number } | null => {
    const first = dirty.values().next();
    if (!first.done) {
      dirty.delete(first.value);
      return { job: { kind: 'predict', modelId: first.value }, retries: 0 };
    }
    return jobs.shift() ?? null;
  };

  const pump = () => {
    while (!inFlight) {
      const item = next();
      if (!item) return;
      const requestId = deps.nextRequestId();
      const command = deps.start(item.job, requestId);
      if (command === null) continue;
      if ('failure' in command) {
        deps.failed(item.job, command.failure);
        continue;
      }
      const timer = setTimeout(() => {
        if (inFlight?.requestId !== requestId) return;
        inFlight = null;
        deps.failed(item.job, `${FILE}: the worker did not answer within ${Math.round(deps.timeoutMs / 1000)} s`);
        pump();
      }, deps.timeoutMs);
      inFlight = { job: item.job, requestId, version: deps.version(), settingLabel: deps.settingLabel(), retries: item.retries, timer };
      deps.client.send(command);
    }
  };

  const settle = () => {
    const done = inFlight;
    if (done) clearTimeout(done.timer);
    inFlight = null;
    return done;
  };

  const onEvent = (event: WorkerEvent) => {
    if (event.type === 'error' && event.fatal) {
      // The worker died: what was asked will never be answered.
      const done = settle();
      if (done) deps.failed(done.job, event.message);
      return;
    }
    if (!('requestId' in event) || event.requestId === undefined || event.requestId !== inFlight?.requestId) return;
    const done = settle() as NonNullable<typeof inFlight>;
    const current = done.version === deps.version();
    if (event.type === 'prediction' || event.type === 'attackResult' || event.type === 'minimalEpsilonResult') {
      deps.answered(done, event, current);
    } else if (event.type === 'stale' && current) {
      if (done.job.kind === 'predict') dirty.add(done.job.modelId);
      else if (done.retries < MAX_STALE_RETRIES) jobs.unshift({ job: done.job, retries: done.retries + 1 });
      else deps.failed(done.job, `${FILE}: the worker answered "stale" ${done.retries + 1} times`);
    } else if (event.type === 'error' && current) {
      deps.failed(done.job, event.message);
    }
    pump();
  };

  return {
    /** These models predict the current input (again). */
    predict(modelIds: Iterable<string>) {
      for (const id of modelIds) dirty.add(id);
      pump();
    },
    /** Queues an attack job, replacing a queued one of the same kind for the same model. */
    enqueue(job: DrawJob) {
      const index = jobs.findIndex((j) => j.job.kind === job.kind && j.job.modelId === job.modelId);
      if (index >= 0) jobs.splice(index, 1);
      jobs.push({ job, retries: 0 });
      pump();
    },
    /** Forgets queued work (a new input makes it pointless); the request in flight is answered as not current. */
    reset() {
      dirty.clear();
      jobs.length = 0;
    },
    /** Whether a model's prediction of the current input is still to come. */
    predicting(modelId: string): boolean {
      return dirty.has(modelId) || (inFlight?.job.kind === 'predict' && inFlight.job.modelId === modelId && inFlight.version === deps.version());
    },
    onEvent,
    dispose() {
      settle();
      dirty.clear();
      jobs.length = 0;
    },
  };
}
