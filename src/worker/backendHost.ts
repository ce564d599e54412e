// The worker's side of the measured backend choice: which paths can be timed here (the GPU backend in
// use, unless it is a software rasteriser; WebGL too beside WebGPU, unless its renderer is a software
// one; and the sparse CPU path), timing them at a run's size, and the remembered choice for this
// adapter and size when the page passed one along.
import type { BorrowedBackend } from '../engine/backend';
import { chooseBackend, choiceKey, recallChoice, timeSteps, type BackendChoiceResult, type Candidate } from '../engine/backendChoice';
import { initNetwork } from '../engine/init';
import { createRng } from '../engine/rng';
import { createSparseCpuPath } from '../engine/sparseCpu';
import type { ComputePath, DataArrays, NetworkState, TrainConfig } from '../engine/types';
import type { AdapterInfo, BackendName } from './protocol';

/** Steps timed per path (after one warm-up step): enough to average out a scheduler hiccup. */
export const TIMED_STEPS = 6;

export interface ChoiceContext {
  backend: BackendName;
  adapter?: AdapterInfo;
  software?: boolean;
  skippedSoftware?: boolean;
  /** The fused step failed its self-check here: WebGPU runs the plain ops. */
  fusedOk: boolean | null;
  makePath(backend: BackendName): ComputePath;
  /** Lends WebGL for timing beside WebGPU (engine/backend.ts's borrowBackend); absent: WebGL is not timed. */
  borrow?(name: 'webgl'): Promise<BorrowedBackend>;
}

export function adapterName(ctx: Pick<ChoiceContext, 'backend' | 'adapter'>): string {
  const a = ctx.adapter;
  return a ? [a.vendor, a.architecture, a.description].filter((x) => x && x !== 'unknown').join(' ') || ctx.backend : ctx.backend;
}

/** Whether there is anything to choose between: a hardware GPU beside the sparse CPU path. */
export function hasGpuToTime(ctx: ChoiceContext): boolean {
  return ctx.backend !== 'cpu' && ctx.software !== true;
}

function candidates(ctx: ChoiceContext): Candidate[] {
  const list: Candidate[] = [];
  if (ctx.backend === 'webgpu') {
    list.push({ backend: 'webgpu', label: ctx.fusedOk === false ? 'WebGPU plain' : 'WebGPU fused', ...(ctx.software ? { skip: 'a software rasteriser, not timed' } : {}), open: () => Promise.resolve(ctx.makePath('webgpu')) });
    if (ctx.borrow && !ctx.software) list.push(webGlBeside(ctx, ctx.borrow));
  } else if (ctx.backend === 'webgl') {
    list.push({ backend: 'webgl', label: 'WebGL', ...(ctx.software ? { skip: 'a software rasteriser, not timed' } : {}), open: () => Promise.resolve(ctx.makePath('webgl')) });
  } else if (ctx.skippedSoftware) {
    list.push({ backend: 'webgpu', label: 'GPU', skip: 'a software rasteriser, passed over without timing', open: () => Promise.reject(new Error('not timed')) });
  }
  list.push({ backend: 'cpu', label: 'sparse CPU', open: () => Promise.resolve(createSparseCpuPath()) });
  return list;
}

/**
 * WebGL timed beside WebGPU: tfjs switches to it for the timing and back after. Its renderer is only
 * known once its context exists: a software one (SwiftShader, llvmpipe) is passed over untimed.
 */
function webGlBeside(ctx: ChoiceContext, borrow: NonNullable<ChoiceContext['borrow']>): Candidate {
  let release: (() => Promise<void>) | null = null;
  return {
    backend: 'webgl',
    label: 'WebGL',
    open: async () => {
      const lent = await borrow('webgl');
      if (!lent.ok) throw new Error(lent.software ? `${lent.reason}; passed over without timing` : lent.reason);
      release = lent.release;
      return ctx.makePath('webgl');
    },
    close: async () => {
      const back = release;
      release = null;
      await back?.();
    },
  };
}

/** Times one candidate (real training steps); the backend in use is given back whatever happens. */
async function timeCandidate(c: Candidate, start: NetworkState, train: DataArrays, config: TrainConfig): Promise<number> {
  try {
    return await timeSteps(await c.open(), start, train, config, TIMED_STEPS);
  } finally {
    await c.close?.();
  }
}

/** The choice for `config`: remembered (unless `force`), or measured now on `train`. */
export async function decideBackend(
  ctx: ChoiceContext, config: TrainConfig, train: DataArrays, remembered: Record<string, string>, force: boolean,
  time: (c: Candidate, start: NetworkState) => Promise<number> = (c, start) => timeCandidate(c, start, train, config),
): Promise<{ key: string; result: BackendChoiceResult }> {
  const key = choiceKey(adapterName(ctx), config);
  const memory = { get: (k: string) => remembered[k] ?? null, set: () => {} };
  const start = initNetwork(config, createRng(config.seed));
  const result = await chooseBackend({
    candidates: candidates(ctx),
    remembered: force ? null : recallChoice(memory, key),
    time: (c) => time(c, start),
  });
  return { key, result };
}
