// Before/after of the sparse CPU path's kernels, in one process and interleaved (the machine is shared):
// extracts src/engine/sparseCpu.ts and src/engine/sparse/* as they were at an older commit (read-only
// `git show`), then times a training step, an evaluation of the test set and RigL's dense gradients of
// both versions on the same network and batches, and checks that they agree.
// Run: npx tsx tests/bench/sparseBeforeAfter.ts [commit]   (default: the engine commit 064e96c)
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { summarize } from '../../src/cli/bench/stats';
import { loadSplitNode, REPO_ROOT } from '../../src/data/loadNode';
import { initNetwork } from '../../src/engine/init';
import { createRng } from '../../src/engine/rng';
import { simdAvailable } from '../../src/engine/sparse/rowOps';
import { createSparseCpuPath } from '../../src/engine/sparseCpu';
import { DEFAULT_CONFIG, type ComputePath } from '../../src/engine/types';

const BEFORE = process.argv[2] ?? '064e96c';
const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' });

/** The old sparse path in a temp folder; imports of files it does not contain point at today's repo. */
function extractOld(commit: string, dir: string): string {
  const files = ['src/engine/sparseCpu.ts', ...git('ls-tree', '--name-only', `${commit}:src/engine/sparse/`).trim().split('\n').map((f) => `src/engine/sparse/${f}`)];
  const own = new Set(files);
  for (const file of files) {
    const code = git('show', `${commit}:${file}`).replace(/from '(\.{1,2}\/[^']+)'/g, (match, spec: string) => {
      const target = `${relative(REPO_ROOT, resolve(REPO_ROOT, dirname(file), spec))}.ts`;
      return own.has(target) ? match : `from '${resolve(REPO_ROOT, target.replace(/\.ts$/, ''))}'`;
    });
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), code);
  }
  return join(dir, 'src/engine/sparseCpu.ts');
}

const median = (xs: number[]) => summarize(xs).medianMs;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sparse-before-'));
  try {
    const old = (await import(pathToFileURL(extractOld(BEFORE, dir)).href)) as { createSparseCpuPath(): ComputePath };
    const [train, test] = await Promise.all([loadSplitNode('mnist', 'train'), loadSplitNode('mnist', 'test')]);
    const state = initNetwork({ ...DEFAULT_CONFIG }, createRng(1));
    const paths: Record<'before' | 'after', ComputePath> = { before: old.createSparseCpuPath(), after: createSparseCpuPath() };
    for (const p of Object.values(paths)) { p.load(state); p.setTrainData(train); p.setTestData(test); }
    const rng = createRng(2);
    const batches = Array.from({ length: 400 }, () => Int32Array.from({ length: 128 }, () => rng.int(train.count)));
    const load = loadavg().map((x) => x.toFixed(2)).join('/');
    const t = { step: { before: [] as number[], after: [] as number[] }, evaluate: { before: [] as number[], after: [] as number[] }, rigl: { before: [] as number[], after: [] as number[] } };
    // Both train identically, 10 steps per round, rounds alternating.
    for (let r = 0; r < 40; r++) {
      for (const [name, p] of Object.entries(paths) as Array<['before' | 'after', ComputePath]>) {
        const t0 = performance.now();
        for (let s = 0; s < 10; s++) p.trainStep(batches[r * 10 + s], DEFAULT_CONFIG.learningRate, DEFAULT_CONFIG.weightDecay);
        if (r > 0) t.step[name].push((performance.now() - t0) / 10);
      }
    }
    const loss = { before: await paths.before.takeMeanLoss(), after: await paths.after.takeMeanLoss() };
    const accuracy = { before: 0, after: 0 };
    for (let r = 0; r < 6; r++) {
      for (const [name, p] of Object.entries(paths) as Array<['before' | 'after', ComputePath]>) {
        let t0 = performance.now();
        accuracy[name] = (await p.evaluate()).accuracy;
        if (r > 0) t.evaluate[name].push(performance.now() - t0);
        t0 = performance.now();
        for (let l = 0; l < 3; l++) await p.denseGradientMagnitude(l, batches[0]);
        if (r > 0) t.rigl[name].push(performance.now() - t0);
      }
    }
    const rows = (['step', 'evaluate', 'rigl'] as const).map((k) => {
      const b = median(t[k].before);
      const a = median(t[k].after);
      return `| ${{ step: 'training step, batch 128', evaluate: 'evaluation, 10,000 test images', rigl: 'RigL dense gradients, 3 layers' }[k]} | ${b.toFixed(1)} ms | ${a.toFixed(1)} ms | ${(b / a).toFixed(1)}× |`;
    });
    console.log([
      `Sparse CPU path before (${BEFORE}) and after (working tree), MNIST, H=1000, d=1%; medians of interleaved rounds in one process.`,
      `Node ${process.versions.node}, load average ${load} at the start; kernels after: ${simdAvailable() ? 'WebAssembly SIMD' : 'JS'}.`,
      '',
      '| work | before | after | speed-up |',
      '|---|---|---|---|',
      ...rows,
      '',
      `Agreement after 400 identical steps: mean loss ${loss.before.toFixed(6)} vs ${loss.after.toFixed(6)}; test accuracy ${accuracy.before.toFixed(4)} vs ${accuracy.after.toFixed(4)}.`,
    ].join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
