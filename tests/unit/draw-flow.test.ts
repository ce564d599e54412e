// The Draw panel's whole flow in Node, without a browser: the drawing store talks to a real worker
// host (CPU backend) that trains a small network on real MNIST; hand-drawn strokes (rasterised
// here as thick lines) are preprocessed, recognised, attacked, and the smallest ε is searched.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSplitNode } from '../../src/data/loadNode';
import type { DataArrays } from '../../src/engine/types';
import { argmax, attackSucceeded, type InkImage } from '../../src/state/drawing';
import { createLab, type Lab } from '../../src/state/lab';
import type { LabClient, WorkerListener } from '../../src/worker/client';
import { createWorkerHost } from '../../src/worker/host';
import { transferablesOf, type WorkerCommand, type WorkerEvent } from '../../src/worker/protocol';

const SIDE = 200;
type Segment = [number, number, number, number];

/** Ink of thick round-capped segments (a pen of `radius` px, soft by 1 px) on a SIDE×SIDE pad. */
function strokes(segments: Segment[], radius = 9): InkImage {
  const ink = new Float32Array(SIDE * SIDE);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      let d = Infinity;
      for (const [x0, y0, x1, y1] of segments) {
        const dx = x1 - x0;
        const dy = y1 - y0;
        const t = Math.max(0, Math.min(1, ((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy || 1)));
        d = Math.min(d, Math.hypot(x - x0 - t * dx, y - y0 - t * dy));
      }
      ink[y * SIDE + x] = Math.max(0, Math.min(1, radius + 0.5 - d));
    }
  }
  return { ink, width: SIDE, height: SIDE };
}

/** A closed loop of `n` segments around an ellipse. */
function ellipse(cx: number, cy: number, rx: number, ry: number, n = 24): Segment[] {
  const p = (k: number): [number, number] => [cx + rx * Math.cos((2 * Math.PI * k) / n), cy + ry * Math.sin((2 * Math.PI * k) / n)];
  return Array.from({ length: n }, (_, k) => [...p(k), ...p(k + 1)] as Segment);
}

const DRAWN_DIGITS: Array<{ digit: number; ink: InkImage }> = [
  { digit: 1, ink: strokes([[105, 30, 95, 170]]) },
  { digit: 0, ink: strokes(ellipse(100, 100, 45, 70)) },
  { digit: 7, ink: strokes([[50, 35, 150, 35], [150, 35, 85, 170]]) },
];

/** A LabClient whose worker is a host in this process; messages are cloned as postMessage would. */
function inProcessClient(): LabClient & { idle(): Promise<void> } {
  const listeners = new Set<WorkerListener>();
  let work: Promise<void> = Promise.resolve();
  const host = createWorkerHost((event: WorkerEvent) => {
    const copy = structuredClone(event, { transfer: transferablesOf(event) });
    queueMicrotask(() => { for (const l of [...listeners]) l(copy); });
  });
  return {
    send(command: WorkerCommand) {
      const copy = structuredClone(command, { transfer: transferablesOf(command) });
      work = work.then(() => host.handle(copy));
    },
    subscribe(l) { listeners.add(l); return () => listeners.delete(l); },
    terminate() { listeners.clear(); },
    idle: () => work,
  };
}

async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`draw-flow.test.ts: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

let lab: Lab;
let modelId = '';
let testSet: DataArrays;

beforeAll(async () => {
  const [train, test] = await Promise.all([loadSplitNode('mnist', 'train', { verify: false }), loadSplitNode('mnist', 'test', { verify: false })]);
  testSet = { images: test.images.slice(), labels: test.labels.slice(), count: test.count };
  const client = inProcessClient();
  // The page's loader, served from the arrays read above (copies: the session transfers what it gets).
  const loadSplit = async (_dataset: string, split: string) => {
    const d = split === 'train' ? train : test;
    return { images: d.images.slice(), labels: d.labels.slice(), count: d.count };
  };
  lab = createLab({ client, loadSplit, baseUrl: '/', galleryCount: 4, initialPanel: 'draw' });
  await client.idle();
  client.send({ type: 'init', preferBackend: 'cpu' });
  expect(await lab.session.getState().ensureSplit('test')).toBe(true);
  // A small dense-ish network on 6,000 real images: enough to read hand-drawn digits.
  lab.training.getState().setField('strategy', 'static');
  lab.training.getState().setField('hidden', '128');
  lab.training.getState().setField('density', '0.1');
  lab.training.getState().setField('epochs', '2');
  lab.training.getState().setField('batchSize', '50');
  lab.training.getState().setField('trainLimit', '6000');
  lab.training.getState().setField('learningRate', '0.005');
  expect(lab.training.getState().problems).toEqual([]);
  await lab.training.getState().start();
  await until(() => lab.training.getState().run.status === 'finished', 'training to finish', 110_000);
  modelId = lab.models.getState().models[0].id;
  expect(lab.models.getState().models[0].accuracy).toBeGreaterThan(0.85);
}, 120_000);

describe('draw, predict, attack (store + worker host + real MNIST)', () => {
  it('recognises hand-drawn strokes after MNIST-style preprocessing', async () => {
    const drawing = lab.drawing;
    const seen: number[] = [];
    for (const { ink } of DRAWN_DIGITS) {
      drawing.getState().inkChanged(() => ink, true);
      const version = drawing.getState().version;
      await until(() => drawing.getState().predictions[modelId]?.version === version, 'a prediction');
      seen.push(argmax(drawing.getState().predictions[modelId].probabilities));
    }
    expect(seen).toEqual(DRAWN_DIGITS.map((d) => d.digit));
  });

  it('a PGD attack at ε = 0.3 changes the answer within the budget; the smallest ε found also does', async () => {
    const drawing = lab.drawing;
    drawing.getState().inkChanged(() => DRAWN_DIGITS[2].ink, true);
    const original = drawing.getState().pixels!;
    drawing.getState().setAttackKind('pgd');
    drawing.getState().setEpsilon(0.3);
    drawing.getState().attack();
    await until(() => ['done', 'error'].includes(drawing.getState().attacks[modelId]?.status), 'the attack');
    const outcome = drawing.getState().attacks[modelId];
    expect(outcome.message).toBeUndefined();
    expect(outcome.label).toBe(7);
    expect(attackSucceeded(outcome)).toBe(true);
    let largest = 0;
    for (let i = 0; i < 784; i++) {
      const a = outcome.adversarial![i];
      expect(a).toBeGreaterThanOrEqual(0);
      expect(a).toBeLessThanOrEqual(1);
      expect(outcome.perturbation![i]).toBeCloseTo(a - original[i], 5);
      largest = Math.max(largest, Math.abs(a - original[i]));
    }
    expect(largest).toBeLessThanOrEqual(0.3 + 1e-6);
    expect(largest).toBeGreaterThan(0.1); // it did use its budget

    drawing.getState().findMinimalEpsilon();
    await until(() => drawing.getState().minimal[modelId]?.status === 'done', 'the smallest-ε search');
    const found = drawing.getState().minimal[modelId].epsilon;
    expect(found).not.toBeNull();
    expect(found!).toBeGreaterThan(0);
    drawing.getState().setEpsilon(found!);
    drawing.getState().attack();
    await until(() => drawing.getState().attacks[modelId]?.status === 'done', 'the attack at the smallest ε');
    expect(attackSucceeded(drawing.getState().attacks[modelId])).toBe(true);
  });

  it('picks a test image of a chosen class, and the model reads it', async () => {
    const drawing = lab.drawing;
    drawing.getState().setPickClass(3);
    await drawing.getState().pickTestImage();
    const source = drawing.getState().source;
    expect(source).toMatchObject({ kind: 'test', label: 3 });
    const index = source.kind === 'test' ? source.index : -1;
    expect(testSet.labels[index]).toBe(3);
    expect(drawing.getState().pixels![300]).toBeCloseTo(testSet.images[index * 784 + 300] / 255, 6);
    const version = drawing.getState().version;
    await until(() => drawing.getState().predictions[modelId]?.version === version, 'a prediction');
  });
});
