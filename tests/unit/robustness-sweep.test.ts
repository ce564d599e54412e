// Robustness sweeps on a REAL tiny model (SET, H = 96, trained for seconds on the sparse CPU path):
// link removal, weight shuffling, FGSM, PGD and the noise baseline behave as the science says.
import { beforeAll, describe, expect, it } from 'vitest';
import { runSweep } from '../../src/cli/sweeps';
import { loadSplitNode } from '../../src/data/loadNode';
import { IMAGE_SIZE } from '../../src/engine/constants';
import { cloneNetwork } from '../../src/engine/init';
import { accuracyUnder, NO_PERTURBATION, sweep, type SweepPoint } from '../../src/engine/robustness';
import { createSparseCpuPath } from '../../src/engine/sparseCpu';
import { createTrainingRun } from '../../src/engine/train';
import { DEFAULT_CONFIG } from '../../src/engine/types';
import type { ComputePath, DataArrays, NetworkState } from '../../src/engine/types';

let state: NetworkState;
let test: DataArrays;
let clean: number;
const path: ComputePath = createSparseCpuPath();

/** The first `n` images of a split, as their own dataset. */
function head(data: DataArrays, n: number): DataArrays {
  return { images: data.images.slice(0, n * IMAGE_SIZE), labels: data.labels.slice(0, n), count: n };
}

beforeAll(async () => {
  const [train, fullTest] = await Promise.all([loadSplitNode('mnist', 'train'), loadSplitNode('mnist', 'test')]);
  test = head(fullTest, 1000);
  // At H = 96 a 1% density would leave ~92 links between hidden layers; 10% makes a network that learns.
  const config = { ...DEFAULT_CONFIG, hidden: 96, density: 0.1, epochs: 3, batchSize: 32, trainLimit: 3000, seed: 3 };
  const result = await createTrainingRun(config, createSparseCpuPath(), train, test).run();
  expect(result.error).toBeUndefined();
  state = result.state;
  path.load(state);
  clean = (await path.evaluate(test)).accuracy;
  expect(clean).toBeGreaterThan(0.8);
});

const means = (points: SweepPoint[]) => points.map((p) => p.mean);

describe('structural sweeps on a trained model', () => {
  it('removal: level 0 is the unperturbed accuracy exactly, all links removed is chance, and accuracy falls', async () => {
    const before = cloneNetwork(state);
    const levels = [0, 0.25, 0.5, 0.75, 1];
    const points = (await sweep(path, state, test, { kind: 'removal', levels, repeats: 3, seed: 5 }))!;
    expect(points.map((p) => p.level)).toEqual(levels);
    expect(points[0].mean).toBe(clean);
    // With no link left in the three first layers, every image gets the same prediction.
    expect(points[4].mean).toBeLessThan(0.2);
    // The same network for every seed once all links are gone: the spread over repeats is zero.
    expect(points[4].std).toBe(0);
    expect(new Set(points[4].accuracies).size).toBe(1);
    const m = means(points);
    for (let i = 1; i < m.length; i++) expect(m[i]).toBeLessThanOrEqual(m[i - 1] + 0.02);
    expect(m[0] - m[3]).toBeGreaterThan(0.2);
    // Intermediate levels are random: the repeats differ.
    expect(points[2].std).toBeGreaterThan(0);
    // Non-destructive: the trained state is untouched.
    expect(state).toEqual(before);
  });

  it('shuffling: level 0 keeps the accuracy, shuffling every weight destroys it', async () => {
    const points = (await sweep(path, state, test, { kind: 'shuffle', levels: [0, 0.3, 1], repeats: 2, seed: 9 }))!;
    expect(points[0].mean).toBe(clean);
    expect(points[0].std).toBe(0);
    expect(points[1].mean).toBeLessThan(clean);
    expect(points[2].mean).toBeLessThan(clean - 0.4);
  });

  it('a sweep is reproducible for a seed, and level by level equals all levels at once', async () => {
    const opts = { kind: 'removal' as const, levels: [0.2, 0.4], repeats: 2, seed: 21 };
    const all = (await sweep(path, state, test, opts))!;
    const again = (await sweep(path, state, test, opts))!;
    expect(again).toEqual(all);
    const record = await runSweep(path, { name: 'tiny', state }, test, opts);
    expect(record.points).toEqual(all);
    expect(record).toMatchObject({ model: 'tiny', kind: 'removal', testImages: 1000, repeats: 2, includeDense: false });
  });
});

describe('adversarial sweeps on a trained model', () => {
  const limit = 300;
  const epsilons = [0, 0.05, 0.1, 0.2];
  let fgsm: SweepPoint[];
  let pgd: SweepPoint[];
  let noise: SweepPoint[];

  beforeAll(async () => {
    fgsm = (await sweep(path, state, test, { kind: 'fgsm', levels: epsilons, repeats: 2, seed: 1, limit }))!;
    pgd = (await sweep(path, state, test, { kind: 'pgd', levels: epsilons, repeats: 2, seed: 1, limit, steps: 10 }))!;
    noise = (await sweep(path, state, test, { kind: 'noise', levels: epsilons, repeats: 3, seed: 1, limit }))!;
  });

  it('ε = 0 is the clean accuracy on the subset, for every attack', async () => {
    path.load(state);
    const subset = (await path.evaluate(head(test, limit))).accuracy;
    for (const curve of [fgsm, pgd, noise]) {
      expect(curve[0].mean).toBe(subset);
      expect(curve[0].std).toBe(0);
    }
    const direct = await accuracyUnder(path, state, test, NO_PERTURBATION, 1, { limit });
    expect(direct!.accuracy).toBe(subset);
  });

  it('FGSM at ε = 0.2 takes accuracy far below clean, and FGSM has no randomness', () => {
    expect(fgsm[3].mean).toBeLessThan(fgsm[0].mean / 2);
    for (const p of fgsm) expect(p.std).toBe(0);
    const m = means(fgsm);
    for (let i = 1; i < m.length; i++) expect(m[i]).toBeLessThanOrEqual(m[i - 1]);
  });

  it('PGD is at least as strong as FGSM on average', () => {
    const avg = (xs: number[]) => xs.slice(1).reduce((a, b) => a + b, 0) / (xs.length - 1);
    expect(avg(means(pgd))).toBeLessThanOrEqual(avg(means(fgsm)) + 0.01);
    expect(pgd[3].mean).toBeLessThanOrEqual(fgsm[3].mean + 0.01);
  });

  it('uniform noise of the same ε hurts far less than FGSM', () => {
    for (let i = 1; i < epsilons.length; i++) expect(noise[i].mean).toBeGreaterThanOrEqual(fgsm[i].mean);
    expect(noise[3].mean).toBeGreaterThan(fgsm[3].mean + 0.3);
    expect(noise[3].mean).toBeGreaterThan(noise[0].mean - 0.15);
  });
});
