// The robustness store's targeted controls, driven by a fake worker client: the node-removal slider and
// the order choices reach the worker as plain fields of the PerturbationSetting (nothing when left at
// their defaults), bad orders are ignored, and an ordered sweep carries its order and records it.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type DataArrays } from '../../src/engine/types';
import { createLab } from '../../src/state/lab';
import { createRobustnessStore, EVALUATE_INTERVAL_MS, settingOf, DEFAULT_SLIDERS, type Clock } from '../../src/state/robustness';
import { FakeClient } from './fakeClient';

const flush = () => new Promise((r) => setTimeout(r, 0));

async function setup() {
  const client = new FakeClient();
  const pending: Array<(d: DataArrays) => void> = [];
  const lab = createLab({ client, loadSplit: () => new Promise((resolve) => pending.push(resolve)), baseUrl: '/', galleryCount: 2 });
  lab.session.getState().start();
  pending[0]({ images: new Uint8Array(20 * 784), labels: new Uint8Array(20), count: 20 });
  await flush();
  let now = 0;
  const timers: Array<{ at: number; fn: () => void }> = [];
  const clock: Clock & { advance(ms: number): void } = {
    now: () => now,
    setTimeout: (fn, ms) => { timers.push({ at: now + ms, fn }); return timers.length; },
    clearTimeout: () => undefined,
    advance(ms) { now += ms; for (const t of timers.splice(0).filter((x) => x.at <= now)) t.fn(); },
  };
  const store = createRobustnessStore({ client: lab.client, models: lab.models, session: lab.session, clock });
  client.emit({ type: 'trainStarted', runToken: 1, modelId: 'm1', config: DEFAULT_CONFIG, path: 'sparse-cpu', initialTopology: [] });
  client.emit({ type: 'trainDone', runToken: 1, modelId: 'm1', summary: { modelId: 'm1', epochsCompleted: 2, finalAccuracy: 0.9, stoppedEarly: false, seconds: 1 } });
  store.getState().setVisible(true);
  return { client, store, clock };
}

describe('targeted controls', () => {
  it('default sliders send the setting they always sent', () => {
    expect(settingOf(DEFAULT_SLIDERS)).toEqual({ removal: 0, shuffle: 0, attack: { kind: 'fgsm', epsilon: 0 } });
  });

  it('node removal and the orders reach the worker inside the setting', async () => {
    const { client, store, clock } = await setup();
    store.getState().setSlider('nodes', 0.4);
    clock.advance(EVALUATE_INTERVAL_MS);
    expect(client.of('evaluate').at(-1)!.setting.nodes).toEqual({ fraction: 0.4, order: 'random' });
    store.getState().setNodeOrder('degree');
    clock.advance(EVALUATE_INTERVAL_MS);
    expect(client.of('evaluate').at(-1)!.setting.nodes).toEqual({ fraction: 0.4, order: 'degree' });
    store.getState().setSlider('removal', 0.2);
    store.getState().setLinkOrder('strongest');
    clock.advance(EVALUATE_INTERVAL_MS);
    expect(client.of('evaluate').at(-1)!.setting).toMatchObject({ removal: 0.2, removalOrder: 'strongest' });
    const sent = client.of('evaluate').length;
    store.getState().setNodeOrder('weight' as never);
    store.getState().setLinkOrder('degree' as never);
    clock.advance(EVALUATE_INTERVAL_MS);
    expect(client.of('evaluate')).toHaveLength(sent);
    expect(store.getState().sliders).toMatchObject({ nodeOrder: 'degree', linkOrder: 'strongest' });
    store.getState().setSlider('nodes', 7);
    expect(store.getState().sliders.nodes).toBe(1);
  });

  it('an ordered sweep sends its order and records it in the outcome', async () => {
    const { client, store } = await setup();
    store.getState().setSweepKind('node-removal');
    expect(store.getState().sweepForm.order).toBe('random');
    store.getState().setSweepOrder('strongest');
    expect(store.getState().sweepForm.order).toBe('random');
    store.getState().setSweepOrder('degree');
    store.getState().runSweep();
    const [sweep] = client.of('sweep');
    expect(sweep).toMatchObject({ kind: 'node-removal', target: { order: 'degree' } });
    store.getState().setSweepKind('shuffle');
    expect(store.getState().sweepForm.order).toBeUndefined();
  });
});

describe('the Draw panel reads under node removal and ordered link removal', () => {
  it('turns the sliders into the worker setting and says so in words', async () => {
    const { structuralPerturbation, structuralLabel } = await import('../../src/state/drawingOutcomes');
    expect(structuralPerturbation({ removal: 0, shuffle: 0, nodes: 0.3, nodeOrder: 'degree' })).toEqual({
      removal: 0, shuffle: 0, attack: { kind: 'fgsm', epsilon: 0 }, nodes: { fraction: 0.3, order: 'degree' },
    });
    expect(structuralPerturbation({ removal: 0.2, shuffle: 0, linkOrder: 'weakest' })).toMatchObject({ removal: 0.2, removalOrder: 'weakest' });
    expect(structuralPerturbation({ removal: 0, shuffle: 0, nodes: 0, nodeOrder: 'degree' })).toBeUndefined();
    expect(structuralLabel({ removal: 0.2, shuffle: 0, linkOrder: 'strongest', nodes: 0.5, nodeOrder: 'degree' })).toBe('under 20% link removal (strongest first) and 50% node removal (hubs first)');
  });
});
