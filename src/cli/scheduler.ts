// Runs a plan's units on N processes: in this process for N = 1, else on N child processes
// (unitWorker.ts) fed one unit at a time; a sweep starts as soon as its model is trained. Units
// already done are skipped, so an interrupted run resumes; results never depend on N or the order.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../data/loadNode';
import type { DatasetName, TrainConfig } from '../engine/types';
import { readUnitOutput, runUnit } from './unitRun';
import type { Unit } from './units';

export interface UnitFinished {
  unit: Unit;
  /** Units finished (run or found done) so far, and in all. */
  done: number;
  total: number;
  seconds: number;
  elapsedSeconds: number;
  /** Remaining time at the pace of the units run so far, weighed by their estimated cost (null before the first). */
  etaSeconds: number | null;
}

/**
 * A unit's rough cost, for the ETA only: multiply-adds per image (links of the three sparse layers,
 * or their dense size) times the images it passes through. A 5% training weighs ~4× a 1% one, and a
 * sweep weighs little next to a training (measured here: 1% 16 s, 5% 75 s per training).
 */
export function estimatedCost(unit: Unit, trainings: ReadonlyMap<string, TrainConfig>): number {
  const size = unit.run.size;
  const h = size.hidden;
  const config = unit.kind === 'train' ? unit.config : trainings.get(unit.needs);
  const density = config?.density ?? size.density;
  const sparseLinks = (784 * h + 2 * h * h) * (config?.strategy === 'dense' ? 1 : density);
  const perImage = sparseLinks + 10 * h;
  if (unit.kind === 'train') {
    // Forward and backward (×3) over the training set, plus each epoch's test pass.
    return unit.config.epochs * (3 * (size.trainLimit ?? 60000) + 10000) * perImage;
  }
  const r = unit.request;
  const images = r.limit ?? 10000;
  const passes = r.kind === 'pgd' ? 3 * (r.steps ?? 10) + 1 : r.kind === 'fgsm' ? 4 : 1;
  return r.levels.length * Math.max(1, r.repeats) * images * passes * perImage;
}

export interface ScheduleOptions {
  jobs: number;
  /** Detailed lines (epochs, levels); may be dropped by the caller. */
  log: (line: string) => void;
  onSkipped?: (count: number) => void;
  onFinished?: (event: UnitFinished) => void;
}

/** Messages between the scheduler and a worker process. */
export type ToWorker = { type: 'run'; folder: string; unit: Unit } | { type: 'warm'; dataset: DatasetName; splits: Array<'train' | 'test'> };
export type FromWorker = { type: 'log'; line: string } | { type: 'done'; id: string } | { type: 'failed'; id: string; message: string };

const WORKER = fileURLToPath(new URL('./unitWorker.ts', import.meta.url));

/** Runs every unit not yet done; throws after the running ones finish if any unit failed. */
export async function runUnits(folder: string, units: readonly Unit[], opts: ScheduleOptions): Promise<{ ran: number; skipped: number }> {
  const done = new Set<string>();
  for (const unit of units) if ((await readUnitOutput(folder, unit)) !== null) done.add(unit.id);
  const skipped = done.size;
  if (skipped > 0) opts.onSkipped?.(skipped);
  const pending = units.filter((u) => !done.has(u.id));
  const trainings = new Map(units.flatMap((u) => (u.kind === 'train' ? [[u.id, u.config] as const] : [])));
  const t0 = performance.now();
  let ran = 0;
  let costDone = 0;
  let costLeft = pending.reduce((sum, u) => sum + estimatedCost(u, trainings), 0);
  const failures: string[] = [];
  const finish = (unit: Unit, seconds: number) => {
    done.add(unit.id);
    ran++;
    const cost = estimatedCost(unit, trainings);
    costDone += cost;
    costLeft -= cost;
    const elapsedSeconds = (performance.now() - t0) / 1000;
    const etaSeconds = costDone > 0 ? (elapsedSeconds / costDone) * Math.max(0, costLeft) : null;
    opts.onFinished?.({ unit, done: done.size, total: units.length, seconds, elapsedSeconds, etaSeconds });
  };
  // The costliest ready unit first (the dense training, the 5% models), so no long unit starts last
  // and keeps one process busy while the others idle; the order never changes the results.
  const nextReady = () => {
    let best = -1;
    for (let i = 0; i < pending.length; i++) {
      const u = pending[i];
      if (u.kind === 'sweep' && !done.has(u.needs)) continue;
      if (best < 0 || estimatedCost(u, trainings) > estimatedCost(pending[best], trainings)) best = i;
    }
    return best < 0 ? undefined : pending.splice(best, 1)[0];
  };

  if (opts.jobs <= 1 || pending.length <= 1) {
    for (let unit = nextReady(); unit !== undefined && failures.length === 0; unit = nextReady()) {
      const started = performance.now();
      try {
        await runUnit(folder, unit, opts.log);
        finish(unit, (performance.now() - started) / 1000);
      } catch (e) {
        failures.push(`${unit.id}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  } else {
    const workers = Array.from({ length: Math.min(opts.jobs, pending.length) }, () => startWorker(opts.log) as WorkerState);
    await new Promise<void>((resolve) => {
      let busy = 0;
      const idle: WorkerState[] = [];
      // Hands ready units to idle workers; once nothing runs and nothing can start, the run is over.
      const pump = () => {
        while (idle.length > 0 && failures.length === 0) {
          const unit = nextReady();
          if (unit === undefined) break;
          const worker = idle.pop() as WorkerState;
          worker.unit = unit;
          worker.started = performance.now();
          busy++;
          worker.send({ type: 'run', folder, unit } satisfies ToWorker);
        }
        if (busy === 0) resolve();
      };
      const warm: ToWorker = { type: 'warm', dataset: units[0].run.dataset, splits: pending.some((u) => u.kind === 'train') ? ['test', 'train'] : ['test'] };
      for (const worker of workers) {
        worker.send(warm);
        worker.on('message', (message: FromWorker) => {
          if (message.type === 'log') return opts.log(message.line);
          const unit = worker.unit as Unit;
          worker.unit = undefined;
          busy--;
          if (message.type === 'done') finish(unit, (performance.now() - worker.started) / 1000);
          else failures.push(`${unit.id}: ${message.message}`);
          idle.push(worker);
          pump();
        });
        worker.on('exit', (code, signal) => {
          if (worker.unit !== undefined) {
            failures.push(`${worker.unit.id}: its worker process ended (${signal ?? `exit ${code}`})`);
            worker.unit = undefined;
            busy--;
          }
          const i = idle.indexOf(worker);
          if (i >= 0) idle.splice(i, 1);
          pump();
        });
        idle.push(worker);
      }
      pump();
    });
    for (const worker of workers) if (worker.connected) worker.disconnect();
  }
  if (failures.length > 0) throw new Error(`${failures.length} unit${failures.length === 1 ? '' : 's'} failed: ${failures.join('; ')}`);
  if (pending.length > 0) throw new Error(`${pending.length} units could not start (their models are missing): ${pending.slice(0, 5).map((u) => u.id).join(', ')}`);
  return { ran, skipped };
}

type WorkerState = ChildProcess & { unit?: Unit; started: number };

function startWorker(log: (line: string) => void): ChildProcess {
  // tsx runs the TypeScript worker; cwd at the repository root so `--import tsx` resolves there.
  const child = fork(WORKER, [], { cwd: REPO_ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    for (const line of text.split('\n')) if (line.trim() !== '') log(`worker ${child.pid}: ${line}`);
  });
  return child;
}
