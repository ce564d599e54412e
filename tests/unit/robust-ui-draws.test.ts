// The live accuracy's draws and 95% interval: a setting with random choices gets draws 2…N after the
// first answer (seeds LIVE_SEED + d, one request at a time), a deterministic one says it needs one, a
// slider move cancels the draws in flight; the card's words carry the draws, the seed and the interval.
import { describe, expect, it } from 'vitest';
import { ci95, NO_PERTURBATION } from '../../src/engine/robustness';
import { DEFAULT_CONFIG } from '../../src/engine/types';
import { DEFAULT_LIVE_DRAWS, drawsText, isStochastic } from '../../src/state/liveDraws';
import { EVALUATE_INTERVAL_MS, LIVE_SEED } from '../../src/state/robustness';
import type { FakeClient, Cmd } from './fakeClient';
import { robustnessLab, trainModel } from './robustnessHarness';

async function setup() {
  const { client, store, clock } = await robustnessLab();
  for (const modelId of ['m1', 'm2']) trainModel(client, modelId, { ...DEFAULT_CONFIG, seed: 4 }, 1);
  store.getState().setVisible(true);
  return { client, store, clock };
}

const answer = (client: FakeClient, cmd: Cmd<'evaluate'>, acc: Record<string, number>) => client.emit({
  type: 'evaluation', requestId: cmd.requestId, setting: cmd.setting,
  results: cmd.modelIds.map((modelId) => ({ modelId, accuracy: acc[modelId], perClass: new Float32Array(10) })),
});

describe('live accuracy draws', () => {
  it('a setting with random choices gets draws 2…N one request at a time, with seeds LIVE_SEED + d', async () => {
    const { client, store, clock } = await setup();
    clock.advance(1000);
    store.getState().setSlider('removal', 0.3);
    const first = client.last('evaluate');
    expect(first.seed).toBe(LIVE_SEED);
    answer(client, first, { m1: 0.6, m2: 0.5 });
    expect(store.getState().live).toMatchObject({ status: 'ready', accuracies: { m1: 0.6, m2: 0.5 } });
    expect(store.getState().live.draws).toEqual({ wanted: DEFAULT_LIVE_DRAWS, accuracies: { m1: [0.6], m2: [0.5] } });
    const second = client.last('evaluate');
    expect(second.requestId).toBeGreaterThan(first.requestId);
    expect(second).toMatchObject({ modelIds: ['m1', 'm2'], seed: LIVE_SEED + 1, setting: first.setting });
    answer(client, second, { m1: 0.64, m2: 0.52 });
    const third = client.last('evaluate');
    expect(third.seed).toBe(LIVE_SEED + 2);
    answer(client, third, { m1: 0.68, m2: 0.54 });
    expect(client.of('evaluate')).toHaveLength(4); // the clean one, then three draws of removal 0.3
    const { live } = store.getState();
    expect(live.draws?.accuracies).toEqual({ m1: [0.6, 0.64, 0.68], m2: [0.5, 0.52, 0.54] });
    // The big number stays the first draw (the one the sample grid shows).
    expect(live.accuracies.m1).toBe(0.6);
    const ci = ci95([0.6, 0.64, 0.68]);
    expect(drawsText(live.draws?.accuracies.m1, 3, 4)).toBe(
      `3 draws of the network trained with seed 4: mean 64.0% [95% CI ${((ci?.low as number) * 100).toFixed(1)}%–${((ci?.high as number) * 100).toFixed(1)}%]`,
    );
    expect(drawsText([0.6], 3, null)).toBe('draw 1 of 3; more draws coming…');
  });

  it('a slider move cancels the draws in flight; their late answer is ignored', async () => {
    const { client, store, clock } = await setup();
    clock.advance(1000);
    store.getState().setSlider('shuffle', 0.2);
    answer(client, client.last('evaluate'), { m1: 0.7, m2: 0.6 });
    const extra = client.last('evaluate');
    expect(extra.seed).toBe(LIVE_SEED + 1);
    clock.advance(1000);
    store.getState().setSlider('shuffle', 0.4);
    expect(client.last('cancel').requestId).toBe(extra.requestId);
    const fresh = client.last('evaluate');
    expect(fresh).toMatchObject({ seed: LIVE_SEED, setting: { shuffle: 0.4 } });
    answer(client, extra, { m1: 0.1, m2: 0.1 });
    // The shown draws stay those of the old setting until the new one answers; the late draw is not among them.
    expect(store.getState().live.draws?.accuracies).toEqual({ m1: [0.7], m2: [0.6] });
    answer(client, fresh, { m1: 0.5, m2: 0.4 });
    expect(store.getState().live.draws?.accuracies).toEqual({ m1: [0.5], m2: [0.4] });
  });

  it('a deterministic setting gets one draw and says why; the number of draws is a setting', async () => {
    const { client, store, clock } = await setup();
    answer(client, client.last('evaluate'), { m1: 0.9, m2: 0.8 });
    expect(store.getState().live.draws?.wanted).toBe(1);
    expect(client.of('evaluate')).toHaveLength(1);
    expect(drawsText([0.9], 1, 4)).toBe('1 draw of the network trained with seed 4: this setting makes no random choice');
    store.getState().setLiveDraws(5);
    expect(store.getState().liveDraws).toBe(5);
    clock.advance(EVALUATE_INTERVAL_MS);
    store.getState().setLinkOrder('strongest');
    store.getState().setSlider('removal', 0.5);
    clock.advance(EVALUATE_INTERVAL_MS);
    const strongest = client.last('evaluate');
    expect(strongest.setting.removalOrder).toBe('strongest');
    answer(client, strongest, { m1: 0.3, m2: 0.2 });
    expect(client.last('evaluate')).toBe(strongest);
    store.getState().setLiveDraws(0);
    expect(store.getState().liveDraws).toBe(1);
    store.getState().setLiveDraws(99);
    expect(store.getState().liveDraws).toBe(10);
  });

  it('knows which settings make random choices', () => {
    const none = { kind: 'fgsm' as const, epsilon: 0 };
    expect(isStochastic(NO_PERTURBATION)).toBe(false);
    expect(isStochastic({ removal: 0.3, shuffle: 0, attack: none })).toBe(true);
    expect(isStochastic({ removal: 0.3, shuffle: 0, attack: none, removalOrder: 'strongest' })).toBe(false);
    expect(isStochastic({ removal: 0, shuffle: 0.1, attack: none })).toBe(true);
    // Equal degrees are broken at random; sums of |w| practically never tie.
    expect(isStochastic({ removal: 0, shuffle: 0, attack: none, nodes: { fraction: 0.2, order: 'degree' } })).toBe(true);
    expect(isStochastic({ removal: 0, shuffle: 0, attack: none, nodes: { fraction: 0.2, order: 'strength' } })).toBe(false);
    expect(isStochastic({ removal: 0, shuffle: 0, attack: { kind: 'fgsm', epsilon: 0.1 } })).toBe(false);
    expect(isStochastic({ removal: 0, shuffle: 0, attack: { kind: 'pgd', epsilon: 0.1 } })).toBe(true);
    expect(isStochastic({ removal: 0, shuffle: 0, attack: { kind: 'noise', epsilon: 0.1 } })).toBe(true);
  });
});
