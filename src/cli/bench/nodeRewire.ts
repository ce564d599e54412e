// Issue 8 §2: one rewire of all sparse layers on the sparse CPU path, SET and RigL (with its dense
// gradients), as a fraction of an epoch. Timed as the training loop spends it at an epoch's end:
// read the state back, (RigL) dense gradients, rewire, load the rewired state.
import { rewireNetwork } from '../../engine/rewire';
import { createRng } from '../../engine/rng';
import { createSparseCpuPath } from '../../engine/sparseCpu';
import { NUM_SPARSE_LAYERS } from '../../engine/types';
import type { NetworkState, Strategy } from '../../engine/types';
import { batchSource, type BenchContext, emptyPart, type PartResult } from './context';
import type { EpochOutcome } from './nodeTraining';
import { figure } from './report';
import { summarize, type TimingStats } from './stats';

const SECTION = '2 rewiring';

export interface RewireTimings {
  /** save + gradients + rewire + load, per repeat. */
  total: TimingStats;
  /** The parts, medians in ms. */
  saveMs: number;
  gradientMs: number;
  rewireMs: number;
  loadMs: number;
}

async function timeRewire(ctx: BenchContext, trained: NetworkState, strategy: Strategy, repeats: number): Promise<RewireTimings> {
  // epochs > 1 so that epoch 1 is not the last one (the loop never rewires after the last epoch).
  const config = { ...ctx.config, strategy, epochs: 10 };
  const path = createSparseCpuPath();
  const parts = { save: [] as number[], gradient: [] as number[], rewire: [] as number[], load: [] as number[], total: [] as number[] };
  try {
    path.setTrainData(ctx.train);
    const batch = batchSource(ctx.train.count, config.batchSize, config.seed)(0).slice();
    // One untimed round warms the JIT, as every epoch after the first finds it.
    for (let r = -1; r < repeats; r++) {
      path.load(trained);
      const rng = createRng(config.seed + r + 1);
      const t0 = performance.now();
      const state = await path.save();
      const t1 = performance.now();
      let gradients: Float32Array[] | undefined;
      if (strategy === 'rigl') {
        gradients = [];
        for (let l = 0; l < NUM_SPARSE_LAYERS; l++) gradients.push(await path.denseGradientMagnitude(l, batch));
      }
      const t2 = performance.now();
      rewireNetwork(state, config, 1, rng, gradients);
      const t3 = performance.now();
      path.load(state);
      const t4 = performance.now();
      if (r < 0) continue;
      parts.save.push(t1 - t0);
      parts.gradient.push(t2 - t1);
      parts.rewire.push(t3 - t2);
      parts.load.push(t4 - t3);
      parts.total.push(t4 - t0);
    }
  } finally {
    path.dispose();
  }
  return {
    total: summarize(parts.total),
    saveMs: summarize(parts.save).medianMs,
    gradientMs: summarize(parts.gradient).medianMs,
    rewireMs: summarize(parts.rewire).medianMs,
    loadMs: summarize(parts.load).medianMs,
  };
}

export async function benchRewire(ctx: BenchContext, epoch: EpochOutcome): Promise<PartResult> {
  const part = emptyPart();
  const repeats = ctx.quick ? 2 : 5;
  const trainMs = epoch.trainSeconds * 1000;
  for (const strategy of ['set', 'rigl'] as const) {
    ctx.log(`§2 rewiring (${strategy})…`);
    const t = await timeRewire(ctx, epoch.trained, strategy, repeats);
    part.details[strategy] = t;
    const name = strategy === 'set' ? 'SET' : 'RigL';
    const breakdown = `save ${t.saveMs.toFixed(1)} + ${strategy === 'rigl' ? `dense gradients ${t.gradientMs.toFixed(0)} + ` : ''}rewire ${t.rewireMs.toFixed(1)} + load ${t.loadMs.toFixed(1)} ms`;
    part.figures.push(figure({ id: `rewire.${strategy}Ms`, section: SECTION, label: `${name}: ms per rewire of all sparse layers`, value: t.total.medianMs, unit: 'ms', note: `median of ${t.total.runs}: ${breakdown}` }));
    part.figures.push(figure({
      id: `rewire.${strategy}EpochPercent`, section: SECTION, label: `${name}: rewire as % of an epoch`,
      value: (100 * t.total.medianMs) / trainMs, unit: '%', target: { op: '<=', value: 2 },
      note: `of the epoch's training time (${epoch.trainSeconds.toFixed(1)} s, evaluation excluded)`,
    }));
  }
  part.details.zeta = ctx.config.zeta;
  part.details.links = epoch.trained.layers.slice(0, NUM_SPARSE_LAYERS).map((l) => l.links?.length ?? 0);
  return part;
}
