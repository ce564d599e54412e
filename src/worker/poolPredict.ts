// The pool's Draw-panel predictions: one `predictModels` request becomes one request per worker that
// holds some of the models, sent at once, so the workers compute at the same time. Each worker's
// answer goes to the page as it arrives (under the page's request id); the page matches answers by
// model, so it needs no reassembly and a fast worker's models show before a slow one's.
import { nextRequestId, type WorkerCommand, type WorkerEvent } from './protocol';

type Cmd<T extends WorkerCommand['type']> = Extract<WorkerCommand, { type: T }>;

export interface PredictSplitContext {
  size: number;
  send(worker: number, command: WorkerCommand): void;
  emit(event: WorkerEvent): void;
  holderOf(modelId: string): number | undefined;
  ensureModel(worker: number, modelId: string): boolean;
}

export function createPredictSplitter(ctx: PredictSplitContext) {
  /** Sub-request id → the page's request id and the worker asked. */
  const subs = new Map<number, { requestId: number; worker: number }>();

  /** Groups the models by the worker holding them (spread over the pool when none does), in the order asked. */
  const groups = (modelIds: string[]): Map<number, string[]> => {
    const byWorker = new Map<number, string[]>();
    modelIds.forEach((id, k) => {
      const worker = ctx.holderOf(id) ?? k % ctx.size;
      ctx.ensureModel(worker, id);
      byWorker.set(worker, [...(byWorker.get(worker) ?? []), id]);
    });
    return byWorker;
  };

  return {
    predictModels(cmd: Cmd<'predictModels'>): void {
      if (!Array.isArray(cmd.modelIds) || cmd.modelIds.length === 0) return ctx.send(0, cmd);
      const byWorker = groups(cmd.modelIds);
      if (byWorker.size === 1) {
        // One worker holds them all: it answers under the page's own id.
        const [[worker, ids]] = [...byWorker];
        return ctx.send(worker, { ...cmd, modelIds: ids });
      }
      // Each worker gets its own copy of the pixels, made before any is sent: a command's arrays are transferred.
      const parts = [...byWorker].map(([worker, ids], k) => ({ worker, ids, pixels: k === 0 ? cmd.pixels : cmd.pixels.slice() }));
      for (const { worker, ids, pixels } of parts) {
        const sub = nextRequestId();
        subs.set(sub, { requestId: cmd.requestId, worker });
        ctx.send(worker, { ...cmd, requestId: sub, modelIds: ids, pixels });
      }
    },
    /** True when `event` answered a sub-request: it went to the page under the page's id. */
    takes(event: WorkerEvent): boolean {
      if (!('requestId' in event) || event.requestId === undefined) return false;
      const sub = subs.get(event.requestId);
      if (!sub) return false;
      subs.delete(event.requestId);
      ctx.emit({ ...event, requestId: sub.requestId } as WorkerEvent);
      return true;
    },
    /** A crashed worker never answers: its sub-requests are forgotten (the page hears of the crash). */
    dropWorker(worker: number): void {
      for (const [id, sub] of subs) if (sub.worker === worker) subs.delete(id);
    },
  };
}
