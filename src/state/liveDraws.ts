// Extra draws of the Robustness panel's live accuracy (issue 17: every robustness figure carries its
// draws and a 95% interval). The first draw (seed LIVE_SEED) answers at once, as before; when the
// setting makes random choices, draws 2…N follow one request at a time (each split over the pool by
// model), so a slider move cancels them at once and never waits behind them.
import { ci95, type PerturbationSetting } from '../engine/robustness';
import type { LabClient } from '../worker/client';
import { nextRequestId, type WorkerEvent } from '../worker/protocol';

export const DEFAULT_LIVE_DRAWS = 3;
export const MAX_LIVE_DRAWS = 10;

/** The live accuracies of the shown setting, draw by draw (draw d used seed LIVE_SEED + d). */
export interface LiveDraws {
  /** Draws this setting gets: 1 when it makes no random choice. */
  wanted: number;
  accuracies: Record<string, number[]>;
}

/**
 * True when another seed can give another perturbed network: links at random, shuffling, neurons at
 * random or by degree (equal degrees are broken at random), pixels cut, uniform noise and PGD's random
 * start. Largest/smallest |w| first, neurons by strength and FGSM are deterministic.
 */
export function isStochastic(setting: PerturbationSetting): boolean {
  if (setting.removal > 0 && (setting.removalOrder ?? 'random') === 'random') return true;
  if (setting.shuffle > 0) return true;
  if (setting.nodes !== undefined && setting.nodes.fraction > 0 && setting.nodes.order !== 'strength') return true;
  if (setting.pixels !== undefined && setting.pixels.fraction > 0) return true;
  return setting.attack.epsilon > 0 && setting.attack.kind !== 'fgsm';
}

/** A model's draws in words: "3 draws: mean 63.2% [95% CI 60.1–66.3%]", or why there is one. */
export function drawsText(accuracies: readonly number[] | undefined, wanted: number, seed: number | null): string {
  const of = seed === null ? '' : ` of the network trained with seed ${seed}`;
  if (!accuracies || accuracies.length === 0) return '';
  if (wanted <= 1) return `1 draw${of}: this setting makes no random choice`;
  const n = accuracies.length;
  if (n < wanted) return `draw ${n} of ${wanted}${of}; more draws coming…`;
  const ci = ci95(accuracies);
  const mean = accuracies.reduce((a, b) => a + b, 0) / n;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  // Accuracies live in [0, 1]; a t-interval of a few draws can reach past either end.
  return `${n} draws${of}: mean ${pct(mean)} [95% CI ${ci ? `${pct(Math.max(0, ci.low))}–${pct(Math.min(1, ci.high))}` : 'n/a'}]`;
}

/** Sends draws 2…wanted of one evaluation, one after another; `onDraw` gets each draw's accuracies. */
export function createExtraDraws(client: LabClient, onDraw: (accuracies: Record<string, number>) => void) {
  let current: { requestId: number; draw: number; wanted: number; send(draw: number): void } | null = null;

  const cancel = () => {
    if (current) client.send({ type: 'cancel', requestId: current.requestId });
    current = null;
  };

  return {
    /** Starts draw 1 (the second) of `wanted`; the seeds are `seed + draw`. */
    start(modelIds: string[], setting: PerturbationSetting, seed: number, limit: number | null, wanted: number) {
      cancel();
      if (wanted <= 1) return;
      const send = (draw: number) => {
        const requestId = nextRequestId();
        current = { requestId, draw, wanted, send };
        client.send({ type: 'evaluate', requestId, modelIds, setting, seed: seed + draw, ...(limit !== null ? { limit } : {}) });
      };
      send(1);
    },
    cancel,
    /** True when `event` answered one of these draws (the store must not read it as its own). */
    takes(event: WorkerEvent): boolean {
      if (!current || !('requestId' in event) || event.requestId !== current.requestId) return false;
      const { draw, wanted, send } = current;
      if (event.type === 'evaluation') {
        current = null;
        onDraw(Object.fromEntries(event.results.map((r) => [r.modelId, r.accuracy])));
        if (draw + 1 < wanted) send(draw + 1);
      } else if (event.type === 'stale' || event.type === 'error') {
        current = null; // superseded (a newer slider value) or failed: the draws so far stay shown
      }
      return true;
    },
  };
}
