// The grid's pieces on hand-made data: flags → models, seed ranges, the 95% interval, the cells that
// pool seeds and draws, the figure, the units of a plan and the progress lines.
import { describe, expect, it } from 'vitest';
import { gridCells, gridFromFlags, interval95, planGridModels } from '../../src/cli/grid';
import { gridCsv, gridMarkdown, gridSvg } from '../../src/cli/gridReport';
import { progressBar, progressLine } from '../../src/cli/progress';
import { parseSeedList } from '../../src/cli/reproduce';
import { estimatedCost } from '../../src/cli/scheduler';
import { configFor, mainSweeps, QUICK_SIZE } from '../../src/cli/reproducePlan';
import type { SweepRecord } from '../../src/cli/sweeps';
import { planUnits, type RunInfo, type SweepUnit } from '../../src/cli/units';

describe('grid flags', () => {
  it('is off without grid flags and fills defaults for the flags not given', () => {
    expect(gridFromFlags({ dataset: 'mnist' })).toBeNull();
    expect(gridFromFlags({ densities: '0.5%,1%,0.02' })).toEqual({
      strategies: ['set', 'static', 'rigl'], densities: [0.005, 0.01, 0.02], zetas: [0.3], weightDecays: [0.0001, 0],
    });
  });

  it('rejects bad lists with the flag named', () => {
    expect(() => gridFromFlags({ densities: '1%,x' })).toThrow(/--densities must be a comma-separated list/);
    expect(() => gridFromFlags({ densities: '2' })).toThrow(/--densities must be .* from 0.0001 to 1/);
    expect(() => gridFromFlags({ strategies: 'set,magic' })).toThrow(/--strategies takes set, rigl, static and dense, got "magic"/);
    expect(() => gridFromFlags({ zetas: '0.3,0.3' })).toThrow(/--zetas has a repeated value/);
  });

  it('reads seed ranges', () => {
    expect(parseSeedList('1-5')).toEqual([1, 2, 3, 4, 5]);
    expect(parseSeedList('3-3')).toEqual([3]);
    expect(() => parseSeedList('5-1')).toThrow(/must go up/);
  });

  it('plans one model per strategy × density × ζ × decay × seed, with its own density and ζ', () => {
    const grid = { strategies: ['set', 'static'] as const, densities: [0.01, 0.05], zetas: [0.2, 0.3], weightDecays: [1e-4, 0] };
    const models = planGridModels({ ...grid, strategies: [...grid.strategies] }, [1, 2]);
    // SET: 2 densities × 2 ζ × 2 decays × 2 seeds; static ignores ζ: 2 × 2 × 2.
    expect(models).toHaveLength(16 + 8);
    expect(new Set(models.map((m) => m.name)).size).toBe(models.length);
    const m = models.find((x) => x.name === 'set-nodecay-d5-z0.2-seed2')!;
    expect(m).toMatchObject({ strategy: 'set', weightDecay: 0, seed: 2, grid: { density: 0.05, zeta: 0.2 } });
    expect(configFor(m, 'mnist', QUICK_SIZE)).toMatchObject({ density: 0.05, zeta: 0.2, weightDecay: 0, seed: 2 });
  });
});

describe('95% interval', () => {
  it('is the t-interval of the mean, clipped to [0, 1]', () => {
    const i = interval95([0.5, 0.6, 0.7]);
    // sd = 0.1, t(2) = 4.303: half-width 4.303 · 0.1 / √3.
    expect(i.mean).toBeCloseTo(0.6, 12);
    expect(i.high - i.mean).toBeCloseTo((4.303 * 0.1) / Math.sqrt(3), 9);
    expect(interval95([0.7])).toEqual({ n: 1, mean: 0.7, low: 0.7, high: 0.7 });
    expect(interval95([0.0, 0.9])).toMatchObject({ low: 0, high: 1 });
  });
});

const record = (model: string, level: number, accuracies: number[]): SweepRecord => ({
  model, kind: 'removal', testImages: 100, repeats: accuracies.length, includeDense: false, seconds: 1,
  points: [{ level, accuracies, mean: 0, std: 0, min: 0, max: 0 }],
});

describe('grid cells and figure', () => {
  const models = [
    { name: 'set-d1-seed1', strategy: 'set', weightDecay: 1e-4, seed: 1, density: 0.01, zeta: 0.3, testAccuracy: 0.9, pixelGini: 0.3 },
    { name: 'set-d1-seed2', strategy: 'set', weightDecay: 1e-4, seed: 2, density: 0.01, zeta: 0.3, testAccuracy: 0.92, pixelGini: 0.34 },
    { name: 'static-d1-seed1', strategy: 'static', weightDecay: 1e-4, seed: 1, density: 0.01, zeta: 0.3, testAccuracy: 0.88, pixelGini: 0.18 },
    { name: 'set-d2-seed1', strategy: 'set', weightDecay: 0, seed: 1, density: 0.02, zeta: 0.3, testAccuracy: 0.93, pixelGini: null },
  ];
  const records = [
    record('set-d1-seed1', 0.3, [0.6, 0.7]), record('set-d1-seed2', 0.3, [0.8, 0.9]),
    record('static-d1-seed1', 0.3, [0.5, 0.5]), record('set-d2-seed1', 0.3, [0.75, 0.85]),
  ];
  const cells = gridCells(models, records);

  it('pools every seed\'s every draw of a cell', () => {
    expect(cells.map((c) => [c.strategy, c.density, c.weightDecay, c.seeds])).toEqual([
      ['set', 0.01, 1e-4, [1, 2]], ['static', 0.01, 1e-4, [1]], ['set', 0.02, 0, [1]],
    ]);
    expect(cells[0].perturbed).toEqual([{ kind: 'removal', level: 0.3, draws: 4, interval: interval95([0.6, 0.7, 0.8, 0.9]) }]);
    expect(cells[0].accuracy.mean).toBeCloseTo(0.91, 12);
    expect(cells[0].pixelGini?.mean).toBeCloseTo(0.32, 12);
    expect(cells[2].pixelGini).toBeNull();
    expect(gridCsv(cells).split('\n')[2]).toMatch(/^set,0\.01,0\.3,0\.0001,1 2,pixel_gini,,2,0\.32/);
    expect(gridCsv(cells).split('\n')[3]).toMatch(/^set,0\.01,0\.3,0\.0001,1 2,removal,0\.3,4,0\.7499999/);
    expect(gridMarkdown(cells)).toMatch(/\| SET \| 0\.0001 \| 1% \| 0\.3 \| 1, 2 \| 0\.910 \[/);
  });

  it('draws one line per strategy and decay, dashed without decay, with interval bars', () => {
    const svg = gridSvg(cells, 'mnist: a < b')!;
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain('mnist: a &lt; b');
    expect(svg.match(/<polyline/g)).toHaveLength(3);
    expect(svg.match(/stroke-dasharray/g)).toHaveLength(2);
    expect(svg).toContain('SET, decay 0.0001');
    expect(svg).toContain('static, decay 0.0001');
    expect(gridSvg(gridCells(models, []), 'none')).toBeNull();
  });
});

describe('units of a plan', () => {
  const run: RunInfo = { dataset: 'mnist', command: 'x', quick: true, size: { ...QUICK_SIZE }, seeds: [1], sweepSeed: 1, reuseModels: false, grid: null };
  const models = [
    { name: 'set-seed1', strategy: 'set' as const, weightDecay: 1e-4, seed: 1, main: true, ablation: false },
    { name: 'static-seed1', strategy: 'static' as const, weightDecay: 1e-4, seed: 1, main: true, ablation: false },
  ];

  it('trains first, then sweeps each model with every request of its list; ids are stable and change with the inputs', () => {
    const units = planUnits(run, models, 'out/plan.jsonl');
    // Every request of the main list, for each model (the list grows as perturbation kinds are added).
    const perModel = mainSweeps(run.size, run.sweepSeed).length;
    expect(perModel).toBeGreaterThanOrEqual(5);
    expect(units.map((u) => u.wave)).toEqual([0, 0, ...Array<number>(2 * perModel).fill(1)]);
    expect(units.map((u) => u.index)).toEqual(units.map((_, i) => i));
    expect(units[3].command).toBe('npm run lab -- run-unit --plan out/plan.jsonl --index 3');
    const sweep = units[2] as SweepUnit;
    expect(sweep).toMatchObject({ kind: 'sweep', model: 'set-seed1', needs: units[0].id, group: 'main', inputs: units[0].outputs });
    expect(planUnits(run, models, 'elsewhere/plan.jsonl').map((u) => u.id)).toEqual(units.map((u) => u.id));
    const more = planUnits({ ...run, size: { ...run.size, epochs: 3 } }, models, 'out/plan.jsonl');
    expect(more.every((u, i) => u.id !== units[i].id)).toBe(true);
  });
});

describe('ETA weights', () => {
  it('weigh a unit by its links and images: 5% trains at ~4× 1% (the dense output layer is shared), a sweep costs less than its training', () => {
    const grid = { strategies: ['set' as const], densities: [0.01, 0.05], zetas: [0.3], weightDecays: [1e-4] };
    const run: RunInfo = { dataset: 'mnist', command: 'x', quick: false, size: { ...QUICK_SIZE, hidden: 1000, trainLimit: null, testLimit: 5000 }, seeds: [1], sweepSeed: 1, reuseModels: false, grid };
    const units = planUnits(run, planGridModels(grid, [1]), 'p');
    const trainings = new Map(units.flatMap((u) => (u.kind === 'train' ? [[u.id, u.config] as const] : [])));
    const [train1, train5, sweep1] = [units[0], units[1], units[2]].map((u) => estimatedCost(u, trainings));
    expect(train5 / train1).toBeGreaterThan(3.5);
    expect(train5 / train1).toBeLessThan(5);
    expect(sweep1).toBeLessThan(train1 / 5);
    expect(estimatedCost(units[4], trainings) / sweep1).toBeCloseTo(train5 / train1, 9);
  });
});

describe('progress lines', () => {
  const event = { done: 3, total: 12, seconds: 2.25, elapsedSeconds: 65, etaSeconds: 195.4, unit: planUnits(
    { dataset: 'mnist', command: 'x', quick: true, size: { ...QUICK_SIZE }, seeds: [1], sweepSeed: 1, reuseModels: false, grid: null },
    [{ name: 'set-seed1', strategy: 'set', weightDecay: 1e-4, seed: 1, main: true, ablation: false }], 'p',
  )[0] };

  it('draws a bar and an ETA on a terminal, JSON otherwise', () => {
    expect(progressBar(3, 12, 8)).toBe('[##......]');
    expect(progressLine(event, true)).toBe('[#####...............]  3/12  train set-seed1 (2.3 s)  elapsed 1:05  ETA 3:15');
    expect(JSON.parse(progressLine(event, false))).toMatchObject({ event: 'unit-done', index: 0, kind: 'train', done: 3, total: 12, etaSeconds: 195.4 });
  });
});
