// Issue 16 §5: `lab reproduce --quick` with --jobs 1 and --jobs 2 in one run, and a quick grid (only
// sparse units, so it divides evenly) the same way; checks that both runs wrote the same sweeps.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../data/loadNode';
import { emptyPart, messageOf, type PartResult } from './context';
import { figure } from './report';

const SECTION = '6 reproduce --jobs';

const WORKLOADS = [
  {
    id: 'quick', label: 'reproduce --quick', args: ['--dataset', 'mnist', '--quick'], compare: 'sweeps.csv',
    note: 'the trio at the quick size: 3 trainings + 15 sweeps; the dense training (~60% of the serial time) bounds the speedup',
  },
  {
    id: 'gridQuick', label: 'reproduce --quick grid', args: ['--dataset', 'mnist', '--quick', '--densities', '5%,10%', '--seeds', '1-3'], compare: 'grid-sweeps.csv',
    note: 'a quick grid: SET/static/RigL × 2 densities × decay on/off × 3 seeds = 36 trainings + 72 sweeps, sparse only',
  },
] as const;

/**
 * One `lab reproduce` in its own process, as a user runs it: both settings pay their own start-up and
 * dataset parsing (run in this process, --jobs 1 would reuse the splits an earlier run parsed).
 */
function timedRun(args: readonly string[], jobs: number, outDir: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/lab.ts', 'reproduce', ...args, '--jobs', String(jobs), '--out-dir', outDir], {
      cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'],
    });
    let tail = '';
    child.stderr.on('data', (d: Buffer) => (tail = (tail + d.toString()).slice(-600)));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve((performance.now() - t0) / 1000);
      else reject(new Error(`reproduce --jobs ${jobs} exited ${code}: ${tail.trim().split('\n').slice(-2).join(' | ')}`));
    });
  });
}

export async function benchReproduceJobs(ctx: { quick: boolean; log(message: string): void }): Promise<PartResult> {
  const part = emptyPart();
  const dir = await mkdtemp(join(tmpdir(), 'lab-bench-reproduce-'));
  try {
    for (const w of ctx.quick ? WORKLOADS.slice(0, 1) : WORKLOADS) {
      try {
        ctx.log(`${w.label}: --jobs 1…`);
        const one = await timedRun(w.args, 1, join(dir, `${w.id}-1`));
        ctx.log(`${w.label}: --jobs 1 took ${one.toFixed(1)} s; --jobs 2…`);
        const two = await timedRun(w.args, 2, join(dir, `${w.id}-2`));
        ctx.log(`${w.label}: --jobs 2 took ${two.toFixed(1)} s`);
        const [a, b] = await Promise.all([1, 2].map((j) => readFile(join(dir, `${w.id}-${j}`, w.compare), 'utf8')));
        if (a !== b) part.problems.push(`${w.label}: --jobs 1 and --jobs 2 wrote different ${w.compare}`);
        part.figures.push(
          figure({ id: `reproduce.${w.id}Jobs1Seconds`, section: SECTION, label: `${w.label}, --jobs 1`, value: one, unit: 's' }),
          figure({ id: `reproduce.${w.id}Jobs2Seconds`, section: SECTION, label: `${w.label}, --jobs 2`, value: two, unit: 's' }),
          figure({ id: `reproduce.${w.id}Speedup`, section: SECTION, label: `${w.label}: --jobs 2 speedup`, value: one / two, unit: '×', target: { op: '>=', value: 1.7 }, note: w.note }),
        );
        part.details[w.id] = { jobs1Seconds: one, jobs2Seconds: two, sameResults: a === b, args: w.args };
      } catch (e) {
        part.problems.push(`${w.label}: ${messageOf(e)}`);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return part;
}
