// Writes the JSON model format of version 1 (arrays as little-endian base64), as files made before
// the binary format were: the tests check such files still load, and as strictly as before.
import { float32ToBase64, int32ToBase64 } from '../../src/engine/base64';
import type { SerializableModel } from '../../src/engine/modelFile';

export function legacyModelJson(model: SerializableModel, createdAt: Date = new Date('2026-01-01T00:00:00Z')): string {
  const last = model.history.at(-1);
  return JSON.stringify({
    format: 'rewire-lab-model',
    version: 1,
    config: model.config,
    dataset: model.config.dataset,
    strategy: model.config.strategy,
    createdAt: createdAt.toISOString(),
    history: model.history,
    layers: model.state.layers.map((l) => ({
      nIn: l.nIn, nOut: l.nOut, links: l.links === null ? null : int32ToBase64(l.links), weights: float32ToBase64(l.weights), bias: float32ToBase64(l.bias),
    })),
    testAccuracy: last === undefined ? null : last.testAccuracy,
  });
}
