// A lab whose MNIST test set is in the (fake) worker, with a robustness store on a manual clock: the
// set-up of the robustness store's tests.
import { expect } from 'vitest';
import { DEFAULT_CONFIG, type DataArrays, type TrainConfig } from '../../src/engine/types';
import { createLab } from '../../src/state/lab';
import { createRobustnessStore } from '../../src/state/robustness';
import { FakeClient, manualClock } from './fakeClient';

export const flush = () => new Promise((r) => setTimeout(r, 0));
const testSet = (count: number): DataArrays => ({ images: new Uint8Array(count * 784), labels: new Uint8Array(count), count });

export async function robustnessLab() {
  const client = new FakeClient();
  const pending: Array<(d: DataArrays) => void> = [];
  const lab = createLab({ client, loadSplit: () => new Promise((resolve) => pending.push(resolve)), baseUrl: '/', galleryCount: 2 });
  lab.session.getState().start();
  pending[0](testSet(20));
  await flush();
  expect(lab.session.getState().loads.test.status).toBe('ready');
  const clock = manualClock();
  const store = createRobustnessStore({ client: lab.client, models: lab.models, session: lab.session, clock });
  return { client, lab, store, clock };
}

/** A model that trained `epochs` epochs in the fake worker (its run starts and ends at once). */
export function trainModel(client: FakeClient, modelId: string, config: TrainConfig = DEFAULT_CONFIG, epochs = 2) {
  client.emit({ type: 'trainStarted', runToken: 1, modelId, config, path: 'sparse-cpu', initialTopology: [] });
  client.emit({ type: 'trainDone', runToken: 1, modelId, summary: { modelId, epochsCompleted: epochs, finalAccuracy: 0.9, stoppedEarly: false, seconds: 1 } });
}
