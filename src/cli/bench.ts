// `lab bench` (`npm run bench`): the performance harness of issue 8. Measures the Node figures
// (training step, epoch, rewiring, perturbation latency) and the browser figures (headless Chromium),
// prints one JSON object on stdout and a table on stderr, and with --write keeps both in docs/bench/.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadSplitNode, REPO_ROOT } from '../data/loadNode';
import { DEFAULT_CONFIG } from '../engine/types';
import type { FlagSpec, FlagValues } from './args';
import { EXIT_FAILURE, EXIT_OK } from './command';
import type { Command, CommandIo } from './command';
import { type BenchContext, messageOf, type PartResult } from './bench/context';
import { describeMachine, loadAverage } from './bench/machine';
import { benchPerturbation } from './bench/nodePerturb';
import { benchRewire } from './bench/nodeRewire';
import { benchReproduceJobs } from './bench/reproduceJobs';
import { benchTraining } from './bench/nodeTraining';
import { type BenchReport, formatTable } from './bench/report';

export const BENCH_FLAGS: readonly FlagSpec[] = [
  { name: 'quick', type: 'boolean', help: 'a fast smoke run (fewer repeats, smaller sets; about a minute)' },
  { name: 'only', type: 'string', choices: ['node', 'browser', 'reproduce', 'pool'], help: 'run only the Node figures (§1–3), only the browser ones (§4–6), only `reproduce --jobs 1` vs `--jobs 2` (§6), or only the page\'s worker pool (§6: 1 vs 2 workers, memory, backend choice)' },
  { name: 'write', type: 'boolean', help: 'also write docs/bench/latest.json and docs/bench/latest.md' },
  { name: 'table', type: 'boolean', help: 'print the table on stdout instead of the JSON (the JSON still goes to --write)' },
];

export const benchCommand: Command = {
  name: 'bench',
  summary: 'measure training, rewiring, perturbation and page speed (issue 8) and print them as JSON',
  flags: BENCH_FLAGS,
  run: runBench,
};

export const BENCH_DIR = join(REPO_ROOT, 'docs', 'bench');

/**
 * tfjs and Chromium's helpers may print to console.log, which would corrupt the JSON on stdout:
 * while the bench runs, console.log and console.info go to stderr.
 */
function keepStdoutForJson(): () => void {
  const { log, info } = console;
  const toStderr = (...args: unknown[]) => process.stderr.write(`${args.map((a) => (typeof a === 'string' ? a : String(a))).join(' ')}\n`);
  console.log = toStderr;
  console.info = toStderr;
  return () => {
    console.log = log;
    console.info = info;
  };
}

function merge(report: BenchReport, name: string, part: PartResult): void {
  report.figures.push(...part.figures);
  report.details[name] = part.details;
  report.problems.push(...part.problems);
}

async function nodeParts(report: BenchReport, quick: boolean, io: CommandIo): Promise<void> {
  const log = (m: string) => io.err(m);
  log('loading MNIST…');
  const [train, test] = await Promise.all([loadSplitNode('mnist', 'train'), loadSplitNode('mnist', 'test')]);
  const ctx: BenchContext = { train, test, config: { ...DEFAULT_CONFIG }, quick, log };
  const training = await benchTraining(ctx);
  merge(report, 'training', training);
  if (training.epoch === null) {
    report.problems.push('rewiring and perturbation figures need the trained epoch, which failed');
    return;
  }
  merge(report, 'rewire', await benchRewire(ctx, training.epoch));
  merge(report, 'perturbation', await benchPerturbation(ctx, training.epoch.trained));
}

async function browserParts(report: BenchReport, quick: boolean, io: CommandIo, poolOnly = false): Promise<void> {
  // Loaded only here: playwright-core and esbuild are needed for the browser figures alone.
  const { benchBrowser, benchPool } = await import('./bench/browser');
  const opts = { quick, log: (m: string) => io.err(m) };
  merge(report, 'browser', await (poolOnly ? benchPool(opts) : benchBrowser(opts)));
}

async function runBench(values: FlagValues, io: CommandIo): Promise<number> {
  const quick = values.quick === true;
  const only = values.only as 'node' | 'browser' | 'reproduce' | 'pool' | undefined;
  const t0 = performance.now();
  const report: BenchReport = {
    benchmark: 'rewire-lab', schema: 1, mode: quick ? 'quick' : 'full', startedAt: new Date().toISOString(), seconds: 0,
    machine: describeMachine(REPO_ROOT), figures: [], details: {}, problems: [],
  };
  const restore = keepStdoutForJson();
  try {
    if (only === undefined || only === 'node') {
      try {
        await nodeParts(report, quick, io);
      } catch (e) {
        report.problems.push(`node figures: ${messageOf(e)}`);
      }
    }
    if (only === undefined || only === 'reproduce') {
      try {
        merge(report, 'reproduce', await benchReproduceJobs({ quick, log: (m) => io.err(m) }));
      } catch (e) {
        report.problems.push(`reproduce figures: ${messageOf(e)}`);
      }
    }
    if (only === undefined || only === 'browser' || only === 'pool') {
      try {
        await browserParts(report, quick, io, only === 'pool');
      } catch (e) {
        report.problems.push(`browser figures: ${messageOf(e)}`);
      }
    }
  } finally {
    restore();
  }
  report.machine.loadAverageEnd = loadAverage();
  report.seconds = Math.round((performance.now() - t0) / 100) / 10;
  const json = JSON.stringify(report, null, 2);
  const table = formatTable(report);
  if (values.table === true) io.out(table);
  else {
    io.out(json);
    io.err(table);
  }
  if (values.write === true) {
    try {
      await mkdir(BENCH_DIR, { recursive: true });
      await writeFile(join(BENCH_DIR, 'latest.json'), `${json}\n`);
      await writeFile(join(BENCH_DIR, 'latest.md'), markdown(report, table));
      io.err(`wrote ${join('docs', 'bench', 'latest.json')} and latest.md`);
    } catch (e) {
      io.err(`lab bench: cannot write docs/bench/: ${messageOf(e)}`);
      return EXIT_FAILURE;
    }
  }
  return report.figures.length > 0 ? EXIT_OK : EXIT_FAILURE;
}

function markdown(report: BenchReport, table: string): string {
  return [
    '# `npm run bench` — latest results',
    '',
    `Run ${report.startedAt} (${report.mode}), commit ${report.machine.commit ?? 'unknown'}${report.machine.dirty ? ' with uncommitted changes' : ''}.`,
    'Regenerate with `npm run bench -- --write`; the figures, targets and notes are in latest.json.',
    '',
    '```text',
    table,
    '```',
    '',
  ].join('\n');
}
