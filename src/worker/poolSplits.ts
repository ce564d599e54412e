// The pool's split requests: an evaluation as one job per worker (each model where it is held), a
// sweep as (model, level) jobs handed to each worker as it finishes one; answers reassembled in the
// order the page asked, a stale or failed job ending the whole request once; late answers dropped.
import type { SweepPoint } from '../engine/robustness';
import { nextRequestId, type WorkerCommand, type WorkerEvent } from './protocol';

type Cmd<T extends WorkerCommand['type']> = Extract<WorkerCommand, { type: T }>;
type Curve = { modelId: string; points: SweepPoint[] };
type Evaluation = Extract<WorkerEvent, { type: 'evaluation' }>['results'][number];

/** A request split into sub-requests; answered once, in the order the page asked. */
interface Split {
  requestId: number;
  /** Sub-requests still out, by sub id → the worker running it. */
  out: Map<number, number>;
  /** Hands `worker` its next job after it answered one; false when no job is left. */
  next(worker: number): boolean;
  onResult(sub: number, event: WorkerEvent): void;
  finish(): WorkerEvent;
  ended: boolean;
}

export interface SplitContext {
  size: number;
  send(worker: number, command: WorkerCommand): void;
  emit(event: WorkerEvent): void;
  holderOf(modelId: string): number | undefined;
  ensureModel(worker: number, modelId: string): boolean;
}

export function createSplitter(ctx: SplitContext) {
  const splits = new Map<number, Split>();
  /** Sub-request id → the split it belongs to; and sub-requests of ended splits, whose answers are dropped. */
  const subs = new Map<number, Split>();
  const retired = new Set<number>();

  const closeSplit = (split: Split, event: WorkerEvent | null) => {
    if (split.ended) return;
    split.ended = true;
    for (const [sub, worker] of split.out) {
      subs.delete(sub);
      retired.add(sub);
      ctx.send(worker, { type: 'cancel', requestId: sub });
    }
    split.out.clear();
    splits.delete(split.requestId);
    if (event) ctx.emit(event);
  };

  const dispatch = (split: Split, worker: number, sub: number, command: WorkerCommand) => {
    split.out.set(sub, worker);
    subs.set(sub, split);
    ctx.send(worker, command);
  };

  const onSubEvent = (split: Split, sub: number, event: WorkerEvent) => {
    if (event.type === 'sweepProgress') return split.onResult(sub, event);
    subs.delete(sub);
    if (event.type === 'stale' || event.type === 'error') split.out.delete(sub);
    if (event.type === 'stale') return closeSplit(split, { type: 'stale', requestId: split.requestId });
    if (event.type === 'error') return closeSplit(split, { ...event, requestId: split.requestId });
    split.onResult(sub, event);
    const worker = split.out.get(sub);
    split.out.delete(sub);
    if (worker !== undefined) split.next(worker);
    if (split.out.size === 0) closeSplit(split, split.finish());
  };

  /** Each model's evaluation on the worker that holds it (spread over the pool when none does). */
  const evaluate = (cmd: Cmd<'evaluate'>) => {
    if (!Array.isArray(cmd.modelIds) || cmd.modelIds.length === 0) return ctx.send(0, cmd);
    const results = new Map<string, Evaluation>();
    const split: Split = {
      requestId: cmd.requestId, out: new Map(), ended: false, next: () => false,
      onResult: (_sub, event) => { if (event.type === 'evaluation') for (const r of event.results) results.set(r.modelId, r); },
      finish: () => ({ type: 'evaluation', requestId: cmd.requestId, setting: cmd.setting, results: cmd.modelIds.map((id) => results.get(id) as Evaluation) }),
    };
    splits.set(cmd.requestId, split);
    const groups = new Map<number, string[]>();
    cmd.modelIds.forEach((id, k) => {
      const worker = ctx.holderOf(id) ?? k % ctx.size;
      ctx.ensureModel(worker, id);
      groups.set(worker, [...(groups.get(worker) ?? []), id]);
    });
    for (const [worker, ids] of groups) {
      const sub = nextRequestId();
      dispatch(split, worker, sub, { ...cmd, requestId: sub, modelIds: ids });
    }
  };

  /**
   * A sweep as (model, level) jobs, one per worker at a time (a worker's newer sweep supersedes its
   * older one); points reassembled in the order asked, so the curves are those of one worker.
   */
  const sweep = (cmd: Cmd<'sweep'>) => {
    const ok = Array.isArray(cmd.modelIds) && cmd.modelIds.length > 0 && Array.isArray(cmd.levels) && cmd.levels.length > 0 && Number.isInteger(cmd.repeats);
    if (!ok || ctx.size === 1) return ctx.send(0, cmd);
    const cells = new Map<string, { results?: SweepPoint; baseline?: SweepPoint }>();
    const progress = new Map<number, number>();
    const jobs = cmd.modelIds.flatMap((modelId) => cmd.levels.map((level, li) => ({ modelId, level, li })));
    const jobCount = jobs.length;
    const perJob = cmd.repeats;
    let total = jobCount * perJob;
    let sawBaseline = false;
    const jobOf = new Map<number, (typeof jobs)[number]>();
    const split: Split = {
      requestId: cmd.requestId, out: new Map(), ended: false,
      next: (worker) => start(worker),
      onResult: (sub, event) => {
        if (event.type === 'sweepProgress') {
          if (event.total > perJob) total = jobCount * event.total; // an attack's noise baseline doubles the work
          progress.set(sub, event.done);
          const done = [...progress.values()].reduce((a, b) => a + b, 0);
          ctx.emit({ type: 'sweepProgress', requestId: cmd.requestId, done, total });
          return;
        }
        if (event.type !== 'sweepResult') return;
        const job = jobOf.get(sub);
        if (!job) return;
        const key = `${job.modelId}\u0000${job.li}`;
        cells.set(key, { results: event.results[0]?.points[0], baseline: event.baseline?.[0]?.points[0] });
        if (event.baseline) sawBaseline = true;
      },
      finish: () => {
        const curve = (part: 'results' | 'baseline'): Curve[] =>
          cmd.modelIds.map((modelId) => ({ modelId, points: cmd.levels.map((_, li) => cells.get(`${modelId}\u0000${li}`)?.[part] as SweepPoint) }));
        return { type: 'sweepResult', requestId: cmd.requestId, kind: cmd.kind, results: curve('results'), ...(sawBaseline ? { baseline: curve('baseline') } : {}) };
      },
    };
    splits.set(cmd.requestId, split);
    /** The worker's next job goes out when its last one answers. */
    function start(worker: number): boolean {
      const job = jobs.shift();
      if (!job || split.ended) return false;
      const sub = nextRequestId();
      jobOf.set(sub, job);
      ctx.ensureModel(worker, job.modelId);
      dispatch(split, worker, sub, { ...cmd, requestId: sub, modelIds: [job.modelId], levels: [job.level] });
      return true;
    }
    for (let w = 0; w < ctx.size; w++) start(w);
  };

  return {
    evaluate,
    sweep,
    /** True when `event` answered a sub-request (then the page must not see it). */
    takes(event: WorkerEvent): boolean {
      if (!('requestId' in event) || event.requestId === undefined) return false;
      const split = subs.get(event.requestId);
      if (split) {
        onSubEvent(split, event.requestId, event);
        return true;
      }
      if (!retired.has(event.requestId)) return false;
      if (event.type !== 'sweepProgress') retired.delete(event.requestId);
      return true;
    },
    /** Ends the page's request `requestId` (answered stale); false when it is not a split one. */
    cancel(requestId: number): boolean {
      const split = splits.get(requestId);
      if (split) closeSplit(split, { type: 'stale', requestId });
      return split !== undefined;
    },
    /** A crashed worker's jobs never answer: their requests end quietly (the stores hear of the crash). */
    dropWorker(worker: number): void {
      for (const split of [...splits.values()]) if ([...split.out.values()].includes(worker)) closeSplit(split, null);
    },
  };
}
