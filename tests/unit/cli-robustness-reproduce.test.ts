// `lab reproduce`: the plan (trio + weight-decay ablation), flag handling, the ablation's figures on
// hand-made data, and a real --quick run end to end (models, results JSON, CSVs, results.md, reuse).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFlags } from '../../src/cli/args';
import { ablationGroups, inputConcentration, type AblationModelRow } from '../../src/cli/ablation';
import type { CommandIo } from '../../src/cli/command';
import { runLab } from '../../src/cli/commands';
import { parseSeedList, REPRODUCE_FLAGS, sizeFromFlags } from '../../src/cli/reproduce';
import { configFor, planModels, QUICK_SIZE } from '../../src/cli/reproducePlan';
import type { ModelIndex } from '../../src/cli/publishModels';
import type { ReproduceResults } from '../../src/cli/reproduceReport';
import { withNoiseBaseline } from '../../src/cli/sweeps';
import { parseModelFile } from '../../src/engine/modelFile';
import { DEFAULT_CONFIG, type NetworkState } from '../../src/engine/types';

function capture(): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

const dir = mkdtempSync(join(tmpdir(), 'lab-reproduce-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('reproduce plan', () => {
  it('trains the trio at the first seed, and the ablation once per (strategy, decay, seed)', () => {
    expect(planModels([3], false).map((m) => m.name)).toEqual(['set-seed3', 'static-seed3', 'dense-seed3']);
    const plan = planModels([1, 2], true);
    expect(plan.map((m) => m.name)).toEqual([
      'set-seed1', 'static-seed1', 'dense-seed1', 'set-seed2', 'static-seed2',
      'set-nodecay-seed1', 'static-nodecay-seed1', 'set-nodecay-seed2', 'static-nodecay-seed2',
    ]);
    expect(plan[0]).toEqual({ name: 'set-seed1', strategy: 'set', weightDecay: 1e-4, seed: 1, main: true, ablation: true });
    expect(plan[2]).toMatchObject({ strategy: 'dense', main: true, ablation: false });
    expect(plan[5]).toMatchObject({ strategy: 'set', weightDecay: 0, seed: 1, main: false, ablation: true });
  });

  it('reads seeds and sizes from flags, rejecting bad ones', () => {
    expect(parseSeedList('1, 2,7')).toEqual([1, 2, 7]);
    expect(() => parseSeedList('1,x')).toThrow('--seeds must be a comma-separated list of whole numbers');
    expect(() => parseSeedList('2,2')).toThrow('--seeds has a repeated seed');
    const parsed = parseFlags(['--dataset', 'mnist', '--quick', '--epochs', '3', '--repeats', '4'], REPRODUCE_FLAGS);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(sizeFromFlags(parsed.values)).toEqual({ ...QUICK_SIZE, epochs: 3, repeats: 4 });
    const withDense = parseFlags(['--dataset', 'mnist', '--dense-epochs', '1'], REPRODUCE_FLAGS);
    if (!withDense.ok) throw new Error(withDense.error);
    const size = sizeFromFlags(withDense.values);
    const [set, , dense] = planModels([1], false);
    expect(configFor(dense, 'mnist', size).epochs).toBe(1);
    expect(configFor(set, 'mnist', size)).toEqual({ ...DEFAULT_CONFIG, strategy: 'set', seed: 1 });
    // --pruning by-sign reaches the SET models only: static and dense never prune, and keep reusable files.
    const bySign = parseFlags(['--dataset', 'mnist', '--pruning', 'by-sign'], REPRODUCE_FLAGS);
    if (!bySign.ok) throw new Error(bySign.error);
    const signSize = sizeFromFlags(bySign.values);
    const [set2, staticModel, dense2] = planModels([1], false);
    expect(configFor(set2, 'mnist', signSize).pruning).toBe('by-sign');
    expect(configFor(staticModel, 'mnist', signSize).pruning).toBe('magnitude');
    expect(configFor(dense2, 'mnist', signSize).pruning).toBe('magnitude');
    expect(parseFlags(['--dataset', 'mnist', '--pruning', 'random'], REPRODUCE_FLAGS).ok).toBe(false);
  });

  it('rejects bad invocations with exit 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['reproduce'], /--dataset is required/],
      [['reproduce', '--dataset', 'cifar'], /--dataset must be one of mnist, fashion-mnist/],
      [['reproduce', '--dataset', 'mnist', '--seeds', '1,b'], /--seeds must be a comma-separated list/],
      [['reproduce', '--dataset', 'mnist', '--epochs', '0'], /--epochs must be from 1 to 1000, got 0/],
    ];
    for (const [argv, message] of cases) {
      const io = capture();
      expect(await runLab(argv, io)).toBe(2);
      expect(io.stderr.join('\n')).toMatch(message);
    }
  });

  it('adds one noise sweep at the adversarial levels, or marks an existing one as the baseline', () => {
    const fgsm = { kind: 'fgsm' as const, levels: [0, 0.1], repeats: 1, seed: 1 };
    const pgd = { kind: 'pgd' as const, levels: [0, 0.2], repeats: 2, seed: 1 };
    expect(withNoiseBaseline([fgsm, pgd]).map((r) => [r.kind, r.levels, r.baselineFor])).toEqual([
      ['fgsm', [0, 0.1], undefined], ['pgd', [0, 0.2], undefined], ['noise', [0, 0.1, 0.2], ['fgsm', 'pgd']],
    ]);
    const noise = { kind: 'noise' as const, levels: [0, 0.1, 0.2], repeats: 3, seed: 1 };
    expect(withNoiseBaseline([fgsm, noise])[1]).toEqual({ ...noise, baselineFor: ['fgsm'] });
    expect(withNoiseBaseline([{ kind: 'removal', levels: [0], repeats: 1, seed: 1 }])).toHaveLength(1);
  });
});

describe('ablation figures', () => {
  it('measures how the input links concentrate on a hand-made first layer', () => {
    // 784 × 2 layer: pixel 0 has both links, pixel 1 one, the 782 others none.
    const layer = { nIn: 784, nOut: 2, links: Int32Array.from([0, 1, 2]), weights: new Float32Array(3), bias: new Float32Array(2) };
    const state: NetworkState = { layers: [layer], moments: [], step: 0 };
    const c = inputConcentration(state)!;
    expect(c.isolatedPixels).toBe(782);
    // Gini of [2, 1, 0 × 782]: Σ(2i − n − 1)·x_i / (n·Σx) with the two non-zero values last.
    const n = 784;
    expect(c.pixelGini).toBeCloseTo(((2 * (n - 1) - n - 1) * 1 + (2 * n - n - 1) * 2) / (n * 3), 12);
    expect(inputConcentration({ layers: [{ ...layer, links: null, weights: new Float32Array(1568) }], moments: [], step: 0 })).toBeNull();
  });

  it('averages each (strategy, decay) over its seeds', () => {
    const row = (strategy: string, weightDecay: number, seed: number, accuracy: number, gini: number): AblationModelRow => ({
      name: `${strategy}-${weightDecay}-${seed}`, strategy, weightDecay, seed, accuracy,
      removal: [accuracy - 0.1, accuracy - 0.3, accuracy - 0.5], shuffle: [accuracy - 0.2, accuracy - 0.4, accuracy - 0.6], pixelGini: gini, isolatedPixels: seed * 10,
    });
    const groups = ablationGroups([row('set', 1e-4, 1, 0.9, 0.3), row('static', 1e-4, 1, 0.8, 0.2), row('set', 1e-4, 2, 0.7, 0.5)]);
    expect(groups.map((g) => [g.strategy, g.seeds])).toEqual([['set', [1, 2]], ['static', [1]]]);
    expect(groups[0].accuracy.mean).toBeCloseTo(0.8, 12);
    expect(groups[0].accuracy.std).toBeCloseTo(Math.sqrt(0.02), 12);
    expect(groups[0].removal[1].mean).toBeCloseTo(0.5, 12);
    expect(groups[0].pixelGini.mean).toBeCloseTo(0.4, 12);
    expect(groups[0].isolatedPixels).toEqual({ mean: 15, std: Math.sqrt(50) });
    expect(groups[1].accuracy).toEqual({ mean: 0.8, std: 0 });
  });
});

describe('lab reproduce --quick end to end', () => {
  const out = join(dir, 'quick');

  it('trains the trio and the ablation, runs every sweep and writes the results', async () => {
    const io = capture();
    const code = await runLab(['reproduce', '--dataset', 'mnist', '--quick', '--ablation', '--seeds', '1,2', '--repeats', '1', '--dense-epochs', '1', '--out-dir', out], io);
    // Besides `[mnist m:ss]` lines, stderr holds one progress line per unit: JSON, as it is not a terminal.
    expect(io.stderr.filter((l) => !l.startsWith('[mnist ') && !l.startsWith('{"event":"unit-done"'))).toEqual([]);
    expect(code).toBe(0);
    expect(io.stdout[0]).toMatch(/^lab reproduce: mnist done in [\d.]+ min/);
    for (const f of ['results.json', 'models.csv', 'sweeps.csv', 'ablation.csv', 'results.md']) expect(existsSync(join(out, f))).toBe(true);

    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as ReproduceResults;
    expect(results).toMatchObject({ format: 'rewire-lab-reproduction', dataset: 'mnist', quick: true, partial: false, seeds: [1, 2] });
    expect(results.models).toHaveLength(9);
    for (const m of results.models) {
      const parsed = parseModelFile(readFileSync(join(out, m.file)), m.file);
      if (!parsed.ok) throw new Error(parsed.error);
      const epochs = m.strategy === 'dense' ? 1 : QUICK_SIZE.epochs;
      expect(parsed.model.config).toMatchObject({ strategy: m.strategy, weightDecay: m.weightDecay, seed: m.seed, hidden: QUICK_SIZE.hidden, epochs });
      expect(m.accuracyByEpoch).toHaveLength(epochs);
      expect(parsed.model.testAccuracy).toBe(m.testAccuracy);
      // Sparse models keep every epoch's rewiring; dense ones have none to keep.
      expect(parsed.model.wiring?.length ?? null).toBe(m.strategy === 'dense' ? null : epochs);
      // Well above chance (0.1): every model learned something in its 124 quick steps.
      expect(m.testAccuracy).toBeGreaterThan(0.3);
    }
    // Ten sweeps for each of the trio (five targeted); noise is the adversarial curves' baseline.
    const kinds = ['removal', 'shuffle', 'fgsm', 'pgd', 'noise', 'targeted-removal:strongest', 'node-removal:random', 'node-removal:degree', 'node-removal:strength', 'pixel-removal:degree'];
    expect(results.sweeps.map((s) => `${s.model}:${s.kind}${s.order ? `:${s.order}` : ''}`)).toEqual(['set-seed1', 'static-seed1', 'dense-seed1']
      .flatMap((m) => kinds.map((k) => `${m}:${k}`)));
    expect(results.sweeps.find((s) => s.kind === 'noise')?.baselineFor).toEqual(['fgsm', 'pgd']);
    const dense = results.sweeps.find((s) => s.model === 'dense-seed1' && s.kind === 'removal')!;
    expect(dense.points[9].mean).toBeLessThan(dense.points[0].mean);

    const ablation = results.ablation!;
    expect(ablation.groups.map((g) => [g.strategy, g.weightDecay, g.seeds])).toEqual([
      ['set', 1e-4, [1, 2]], ['static', 1e-4, [1, 2]], ['set', 0, [1, 2]], ['static', 0, [1, 2]],
    ]);
    // The seed-1 SET row reuses the main removal curve at 10/30/50%.
    const setRow = ablation.models.find((m) => m.name === 'set-seed1')!;
    const removal = results.sweeps.find((s) => s.model === 'set-seed1' && s.kind === 'removal')!;
    expect(setRow.removal).toEqual([0.1, 0.3, 0.5].map((l) => removal.points.find((p) => p.level === l)!.mean));
    expect(setRow.pixelGini).toBe(results.models[0].pixelGini);

    const md = readFileSync(join(out, 'results.md'), 'utf8');
    expect(md).toMatch(/^# Rewire Lab reproduction: mnist \(quick size\)/);
    expect(md).toMatch(/2 epochs \(the dense model: 1\), 2000 training images/);
    expect(md).toMatch(/\| set-seed1 \| set \| 0\.0001 \| 1 \| 2 \| 0\.\d{4} \|/);
    expect(md).toMatch(/\*\*PGD \(L∞ ε\): accuracy on 100 test images, 1 seed × 1 draw, 5 steps; mean ± sd \[95% CI of the mean\]\*\*/);
    expect(md).toMatch(/\*\*hidden-neuron removal \(fraction of each hidden layer's neurons\), hubs \(most links\) first: accuracy on/);
    expect(md).toMatch(/\| SET \(adaptive\) \| 0 \| 1, 2 \|/);
    expect(readFileSync(join(out, 'ablation.csv'), 'utf8').trim().split('\n')).toHaveLength(1 + 8);
  });

  it('publishes the trio and MNIST\'s decay-off pair with an index', async () => {
    const to = join(dir, 'public-models');
    const io = capture();
    expect(await runLab(['publish-models', '--from', out, '--to', to], io)).toBe(0);
    const index = JSON.parse(readFileSync(join(to, 'index.json'), 'utf8')) as ModelIndex;
    expect(index.format).toBe('rewire-lab-model-index');
    expect(index.models.map((m) => [m.file, m.strategy, m.weightDecay])).toEqual([
      ['mnist-set.rlm', 'set', 1e-4], ['mnist-static.rlm', 'static', 1e-4], ['mnist-dense.rlm', 'dense', 1e-4],
      ['mnist-set-nodecay.rlm', 'set', 0], ['mnist-static-nodecay.rlm', 'static', 0],
    ]);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as ReproduceResults;
    for (const entry of index.models) {
      const bytes = readFileSync(join(to, entry.file));
      expect(entry.sizeBytes).toBe(bytes.length);
      const source = results.models.find((m) => m.strategy === entry.strategy && m.weightDecay === entry.weightDecay && m.seed === 1)!;
      expect(entry.testAccuracy).toBe(source.testAccuracy);
      expect(entry.links).toEqual(source.strategy === 'dense' ? [784 * 64, 64 * 64, 64 * 64] : source.links);
    }
    const bad = capture();
    expect(await runLab(['publish-models', '--from', join(dir, 'nowhere'), '--to', to], bad)).toBe(2);
    expect(bad.stderr.join('\n')).toMatch(/nowhere\/results\.json: cannot be read as JSON/);
  });

  it('reuses matching model files instead of training again', async () => {
    const before = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as ReproduceResults;
    const io = capture();
    expect(await runLab(['reproduce', '--dataset', 'mnist', '--quick', '--reuse-models', '--verbose', '--repeats', '1', '--dense-epochs', '1', '--attack-limit', '20', '--out-dir', out], io)).toBe(0);
    const after = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as ReproduceResults;
    expect(after.models.map((m) => m.reused)).toEqual([true, true, true]);
    expect(after.models.map((m) => m.testAccuracy)).toEqual(before.models.slice(0, 3).map((m) => m.testAccuracy));
    expect(after.ablation).toBeNull();
    expect(io.stderr.filter((l) => /reusing/.test(l))).toHaveLength(3);
  });
});
