// A short real learning run: SET on 6,000 MNIST training images, scored on the full 10k test set.
import { describe, expect, it } from 'vitest';
import { loadSplitNode } from '../../src/data/loadNode';
import { createSparseCpuPath } from '../../src/engine/sparseCpu';
import { createTrainingRun } from '../../src/engine/train';
import type { EpochEvent } from '../../src/engine/train';
import { DEFAULT_CONFIG } from '../../src/engine/types';

describe('learning', () => {
  it('SET reaches ≥ 0.85 test accuracy on MNIST in 3 epochs of 6,000 images (H = 256)', async () => {
    const [train, test] = await Promise.all([loadSplitNode('mnist', 'train'), loadSplitNode('mnist', 'test')]);
    expect(test.count).toBe(10000);
    // At H = 256 the default 1% density leaves ~2.6 links per hidden neuron; 5% (~13) and batches
    // of 32 (~560 Adam steps) make three short epochs enough, in about two seconds of training.
    const config = { ...DEFAULT_CONFIG, strategy: 'set' as const, hidden: 256, density: 0.05, batchSize: 32, epochs: 3, trainLimit: 6000 };
    const events: EpochEvent[] = [];
    const result = await createTrainingRun(config, createSparseCpuPath(), train, test, { onEpoch: (e) => events.push(e) }).run();
    expect(result.error).toBeUndefined();
    expect(events.length).toBe(3);
    // Loss falls every epoch, despite 30% of the links being replaced between epochs.
    expect(events[1].trainLoss).toBeLessThan(events[0].trainLoss);
    expect(events[2].trainLoss).toBeLessThan(events[1].trainLoss);
    expect(events[0].layers[0].removed.length).toBe(Math.round(0.3 * events[0].layers[0].links));
    expect(events[2].testAccuracy).toBeGreaterThanOrEqual(0.85);
    for (const acc of events[2].perClass) expect(acc).toBeGreaterThan(0.6);
  });
});
