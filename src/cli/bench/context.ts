// What every part of `lab bench` shares: the datasets, the default configuration, the run size
// (quick or full), a progress log on stderr, and the result each part hands back.
import { IMAGE_SIZE } from '../../engine/constants';
import { initNetwork } from '../../engine/init';
import { createRng, shuffleInPlace } from '../../engine/rng';
import type { DataArrays, NetworkState, TrainConfig } from '../../engine/types';
import type { Figure } from './report';

export interface BenchContext {
  train: DataArrays;
  test: DataArrays;
  /** DEFAULT_CONFIG: MNIST, H = 1000, density 1%, batch 128. */
  config: TrainConfig;
  quick: boolean;
  /** Progress lines (stderr), never part of the JSON. */
  log(message: string): void;
}

export interface PartResult {
  figures: Figure[];
  details: Record<string, unknown>;
  problems: string[];
}

export function emptyPart(): PartResult {
  return { figures: [], details: {}, problems: [] };
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The initial network of `config` (seeded: every path starts from the same weights). */
export function initialState(config: TrainConfig): NetworkState {
  return initNetwork(config, createRng(config.seed).fork());
}

/** Consecutive batches of a seeded permutation of the first `pool` images; the array is reused by the next call. */
export function batchSource(pool: number, batchSize: number, seed: number): (run: number) => Int32Array {
  const order = new Int32Array(pool);
  for (let i = 0; i < pool; i++) order[i] = i;
  shuffleInPlace(order, createRng(seed));
  const perPass = Math.floor(pool / batchSize);
  const batch = new Int32Array(batchSize);
  return (run) => {
    const start = (run % perPass) * batchSize;
    batch.set(order.subarray(start, start + batchSize));
    return batch;
  };
}

/** The first `count` images of a dataset (views, no copy). */
export function firstImages(data: DataArrays, count: number): DataArrays {
  const n = Math.min(count, data.count);
  return { images: data.images.subarray(0, n * IMAGE_SIZE), labels: data.labels.subarray(0, n), count: n };
}
