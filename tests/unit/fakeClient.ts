// The stores' side of the worker for unit tests: records every command sent and lets a test play the
// worker's events back, without a worker.
import type { LabClient, WorkerListener } from '../../src/worker/client';
import type { Clock } from '../../src/state/robustness';
import type { WorkerCommand, WorkerEvent } from '../../src/worker/protocol';

export type Cmd<T extends WorkerCommand['type']> = Extract<WorkerCommand, { type: T }>;

export class FakeClient implements LabClient {
  sent: WorkerCommand[] = [];
  private readonly listeners = new Set<WorkerListener>();
  send(cmd: WorkerCommand) { this.sent.push(cmd); }
  subscribe(l: WorkerListener) { this.listeners.add(l); return () => { this.listeners.delete(l); }; }
  terminate() { this.listeners.clear(); }
  /** Delivers `e` to every store listening, as the worker's message would be. */
  emit(e: WorkerEvent) { for (const l of [...this.listeners]) l(e); }
  /** The types of the commands sent, in order. */
  types() { return this.sent.map((c) => c.type); }
  /** Every command of one type, in order. */
  of<T extends WorkerCommand['type']>(type: T): Array<Cmd<T>> { return this.sent.filter((c): c is Cmd<T> => c.type === type); }
  /** The latest command of one type (undefined when none was sent). */
  last<T extends WorkerCommand['type']>(type: T): Cmd<T> { return this.of(type).at(-1) as Cmd<T>; }
}

/** A clock the test moves by hand: timers fire only inside advance(). */
export function manualClock(): Clock & { advance(ms: number): void } {
  let now = 10_000;
  let timers: Array<{ at: number; fn: () => void; id: number }> = [];
  let nextId = 1;
  return {
    now: () => now,
    setTimeout(fn, ms) { const id = nextId++; timers.push({ at: now + ms, fn, id }); return id; },
    clearTimeout(handle) { timers = timers.filter((t) => t.id !== handle); },
    advance(ms) {
      now += ms;
      const due = timers.filter((t) => t.at <= now);
      timers = timers.filter((t) => t.at > now);
      for (const t of due) t.fn();
    },
  };
}
