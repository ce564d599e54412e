// A GPU lost during training: the engine keeps the last epoch's checkpoint, a continuation from it
// is exactly the uninterrupted run, and the worker host moves to the fallback backend, tells the page
// and trains on from that checkpoint, so the model keeps one history. Also the debug hooks' gate.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { isDeviceLossError, selectBackend, type BackendInfo, type DeviceLoss } from '../../src/engine/backend';
import { createDevicePath } from '../../src/engine/device/path';
import { createSparseCpuPath } from '../../src/engine/sparseCpu';
import { createTrainingRun, type Checkpoint } from '../../src/engine/train';
import type { NetworkState, TrainConfig } from '../../src/engine/types';
import type { BackendName, WorkerEvent } from '../../src/worker/protocol';
import { DEVICE_LOST, losingPath, recordingHost, TEST, tinyConfig, TRAIN } from './reliability-harness';

beforeAll(async () => {
  await selectBackend('cpu');
});

function expectSameNetwork(a: NetworkState, b: NetworkState): void {
  expect(a.step).toBe(b.step);
  a.layers.forEach((l, i) => {
    expect(l.links).toEqual(b.layers[i].links);
    expect(l.weights).toEqual(b.layers[i].weights); // every float, bit for bit
    expect(l.bias).toEqual(b.layers[i].bias);
    expect(a.moments[i]).toEqual(b.moments[i]);
  });
}

/** A "GPU" that works until it is lost: fake backend selection that honours the exclusion list. */
function fakeGpu(opts: { failAtStep: number; device?: 'sparse' | 'tfjs' }) {
  const counter = { steps: 0 };
  const selections: Array<readonly BackendName[]> = [];
  const selectFake = async (_prefer: BackendName | undefined, exclude: readonly BackendName[]): Promise<BackendInfo> => {
    selections.push([...exclude]);
    return exclude.includes('webgpu') ? { backend: 'cpu', fallbackReason: 'webgpu: its device was lost earlier in this session' } : { backend: 'webgpu', adapter: { vendor: 'test', architecture: 'fake' } };
  };
  const makePath = (backend: BackendName) => {
    if (backend === 'cpu') return createSparseCpuPath();
    return losingPath(opts.device === 'tfjs' ? createDevicePath() : createSparseCpuPath(), opts.failAtStep, counter);
  };
  return { selectFake, makePath, selections, counter };
}

describe('checkpoints in the training loop', () => {
  it('a run continued from any epoch\'s checkpoint ends exactly as the uninterrupted run (SET and RigL)', async () => {
    for (const strategy of ['set', 'rigl'] as const) {
      const config = tinyConfig({ strategy, epochs: 4 });
      const checkpoints: Checkpoint[] = [];
      const full = await createTrainingRun(config, createSparseCpuPath(), TRAIN, TEST, { onCheckpoint: (c) => checkpoints.push(c) }).run();
      expect(checkpoints.map((c) => c.epoch)).toEqual([1, 2, 3, 4]);
      expectSameNetwork(checkpoints[3].state, full.state);
      for (const from of [1, 3]) {
        const rest = await createTrainingRun(config, createSparseCpuPath(), TRAIN, TEST, {}, checkpoints[from - 1].state, from).run();
        expect(rest.error).toBeUndefined();
        expect(rest.history.map((h) => h.epoch)).toEqual([2, 3, 4].filter((e) => e > from));
        expect(rest.epochsCompleted).toBe(4);
        expect(rest.stoppedEarly).toBe(false);
        expect(rest.history.map((h) => h.trainLoss)).toEqual(full.history.slice(from).map((h) => h.trainLoss));
        expectSameNetwork(rest.state, full.state);
      }
    }
  });

  it('rejects a continuation without its checkpoint or past the last epoch', async () => {
    const config = tinyConfig({ epochs: 2 });
    const without = await createTrainingRun(config, createSparseCpuPath(), TRAIN, TEST, {}, undefined, 1).run();
    expect(without.error).toMatch(/continuing after epoch 1 needs that epoch's checkpoint/);
    const past = await createTrainingRun(config, createSparseCpuPath(), TRAIN, TEST, {}, undefined, 2).run();
    expect(past.error).toMatch(/completed epochs must be an integer from 0 to 1 \(epochs − 1\), got 2/);
  });

  it('a path that dies mid-epoch fails the run with its message and hands back the last checkpoint', async () => {
    const config = tinyConfig({ epochs: 4 });
    const checkpoints: Checkpoint[] = [];
    // 15 steps per epoch: step 38 is in the middle of epoch 3.
    const result = await createTrainingRun(config, losingPath(createSparseCpuPath(), 38), TRAIN, TEST, { onCheckpoint: (c) => checkpoints.push(c) }).run();
    expect(result.error).toBe(DEVICE_LOST);
    expect(isDeviceLossError(result.error)).toBe(true);
    expect(result.epochsCompleted).toBe(2);
    expect(result.stoppedEarly).toBe(true);
    expect(result.state).toBe(checkpoints[1].state);
  });

  it('recognises the ways browsers report a lost GPU, and nothing else', () => {
    for (const m of ['Device is lost', 'GPUDevice was destroyed', 'the device has been lost', 'WebGL: CONTEXT_LOST_WEBGL', 'context lost']) expect(isDeviceLossError(m), m).toBe(true);
    for (const m of [undefined, '', 'training diverged (loss is NaN)', 'out of memory', 'lost in thought']) expect(isDeviceLossError(m), String(m)).toBe(false);
  });
});

describe('the worker host when the GPU is lost', () => {
  async function trainWithLoss(config: TrainConfig, gpu: ReturnType<typeof fakeGpu>) {
    const rec = recordingHost({ selectBackend: gpu.selectFake, makePath: gpu.makePath });
    await rec.host.handle({ type: 'init' });
    await rec.sendData();
    await rec.host.handle({ type: 'train', runToken: 1, config });
    return rec;
  }

  it('tells the page, falls back to the CPU path and trains on from the last epoch: one history, no epoch lost', async () => {
    const config = tinyConfig({ epochs: 5 });
    const gpu = fakeGpu({ failAtStep: 38 });
    const { host, events, of } = await trainWithLoss(config, gpu);
    const types = events.map((e) => e.type);
    expect(of('error')).toEqual([]);
    expect(of('ready').map((e) => e.backend)).toEqual(['webgpu', 'cpu']);
    expect(of('ready')[1].fallbackReason).toMatch(/^webgpu: its device was lost \(GPUDevice: the device was lost/);
    expect(gpu.selections).toEqual([[], ['webgpu']]);
    const [lost] = of('backendLost');
    expect(lost).toMatchObject({ lost: 'webgpu', backend: 'cpu', path: 'sparse-cpu' });
    expect(lost.message).toMatch(/The webgpu GPU device was lost \(.*\)\. The lab now runs on cpu \(sparse CPU\); trained models are kept\./);
    expect(of('trainResumed')).toEqual([expect.objectContaining({ runToken: 1, modelId: 'm1', fromEpoch: 2, path: 'sparse-cpu', reason: 'device-lost' })]);
    // Epochs 1–2 on the "GPU", 3–5 on the CPU path: each once, in order, then one trainDone.
    expect(of('epoch').map((e) => e.event.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(of('checkpoint').map((e) => e.checkpoint.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(types.indexOf('backendLost')).toBeLessThan(types.indexOf('trainResumed'));
    expect(types.filter((t) => t === 'trainStarted' || t === 'trainDone')).toEqual(['trainStarted', 'trainDone']);
    const [done] = of('trainDone');
    expect(done.summary).toMatchObject({ modelId: 'm1', epochsCompleted: 5, stoppedEarly: false });
    expect(done.summary.error).toBeUndefined();
    const model = host.model('m1')!;
    expect(model.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(host.backend()).toBe('cpu');
    // Both "devices" here are the exact sparse CPU path: continuing from epoch 2's checkpoint gives
    // bit for bit the network of a run that never lost anything.
    const uninterrupted = await createTrainingRun(config, createSparseCpuPath(), TRAIN, TEST).run();
    expectSameNetwork(model.state, uninterrupted.state);
    expect(model.history.map((h) => h.trainLoss)).toEqual(uninterrupted.history.map((h) => h.trainLoss));
  });

  it('on the real device path (tfjs) frees every tensor of the lost path and keeps accuracy', async () => {
    const before = tf.memory().numTensors;
    const gpu = fakeGpu({ failAtStep: 20, device: 'tfjs' });
    const { host, of } = await trainWithLoss(tinyConfig({ epochs: 3 }), gpu);
    expect(of('trainStarted')[0].path).toBe('masked-dense');
    expect(of('trainResumed')[0]).toMatchObject({ fromEpoch: 1, path: 'sparse-cpu' });
    expect(of('trainDone')[0].summary).toMatchObject({ epochsCompleted: 3, stoppedEarly: false });
    expect(of('trainDone')[0].summary.finalAccuracy!).toBeGreaterThan(0.3); // chance is 0.1
    expect(tf.memory().numTensors).toBe(before);
    // The model evaluates on the new backend's lanes.
    await host.handle({ type: 'evaluate', requestId: 9, modelIds: ['m1'], setting: { removal: 0, shuffle: 0, attack: { kind: 'fgsm', epsilon: 0 } }, seed: 1 });
    expect(of('evaluation')[0].results[0].accuracy).toBeCloseTo(of('trainDone')[0].summary.finalAccuracy!, 6);
  });

  it('a loss reported by the device watcher interrupts the run at its next batch; an idle loss switches at once', async () => {
    let fire: ((loss: DeviceLoss) => void) | null = null;
    const watchers: string[] = [];
    const gpu = fakeGpu({ failAtStep: Infinity });
    const rec = recordingHost({
      selectBackend: gpu.selectFake, makePath: gpu.makePath,
      watchDeviceLoss: (onLost) => { watchers.push('on'); fire = onLost; return () => watchers.push('off'); },
    });
    await rec.host.handle({ type: 'init' });
    await rec.sendData();
    const config = tinyConfig({ epochs: 3 });
    const training = rec.host.handle({ type: 'train', runToken: 4, config });
    while (!rec.events.some((e) => e.type === 'checkpoint')) await new Promise((r) => setTimeout(r, 1));
    fire!({ backend: 'webgpu', reason: 'destroyed', message: 'Device was destroyed.' });
    await training;
    expect(rec.of('backendLost')[0].message).toContain('destroyed: Device was destroyed.');
    expect(rec.of('trainResumed')[0]).toMatchObject({ runToken: 4, fromEpoch: 1, reason: 'device-lost' });
    expect(rec.of('trainDone')[0].summary).toMatchObject({ epochsCompleted: 3, stoppedEarly: false });
    expect(watchers).toEqual(['on', 'off', 'on']); // the new backend is watched in turn

    // Lost while idle: the worker moves at once; the second backend's loss has nowhere to go.
    const idle = recordingHost({ selectBackend: gpu.selectFake, makePath: gpu.makePath, watchDeviceLoss: (onLost) => { fire = onLost; return () => undefined; } });
    await idle.host.handle({ type: 'init' });
    fire!({ backend: 'webgpu', reason: 'unknown', message: 'driver reset' });
    for (let i = 0; i < 20 && idle.of('backendLost').length === 0; i++) await new Promise((r) => setTimeout(r, 1));
    expect(idle.of('ready').map((e) => e.backend)).toEqual(['webgpu', 'cpu']);
    expect(idle.host.backend()).toBe('cpu');
  });

  it('a run that fails first with another message waits for the device\'s own loss report, then moves', async () => {
    let fire: ((loss: DeviceLoss) => void) | null = null;
    const gpu = fakeGpu({ failAtStep: Infinity });
    const unmapped = 'Failed to execute \'mapAsync\' on \'GPUBuffer\': Buffer was unmapped before mapping was resolved.';
    const rec = recordingHost({
      selectBackend: gpu.selectFake,
      // WebGPU rejects the pending readback first; device.lost settles a moment later.
      makePath: (backend) => {
        const path = gpu.makePath(backend);
        if (backend === 'cpu') return path;
        const takeMeanLoss = path.takeMeanLoss.bind(path);
        let epochs = 0;
        path.takeMeanLoss = async () => {
          if (++epochs < 2) return takeMeanLoss();
          setTimeout(() => fire?.({ backend: 'webgpu', reason: 'destroyed', message: 'Device was destroyed.' }), 30);
          throw new Error(unmapped);
        };
        return path;
      },
      watchDeviceLoss: (onLost) => { fire = onLost; return () => undefined; },
    });
    await rec.host.handle({ type: 'init' });
    await rec.sendData();
    await rec.host.handle({ type: 'train', runToken: 1, config: tinyConfig({ epochs: 3 }) });
    expect(rec.of('trainResumed')[0]).toMatchObject({ fromEpoch: 1, reason: 'device-lost' });
    expect(rec.of('trainDone')[0].summary).toMatchObject({ epochsCompleted: 3, stoppedEarly: false });
    expect(rec.of('trainDone')[0].summary.error).toBeUndefined();

    // Without a loss report, the same failure is the run's own: it fails with that message.
    const plain = recordingHost({ selectBackend: gpu.selectFake, makePath: (backend) => {
      const path = gpu.makePath(backend);
      path.evaluate = async () => { throw new Error('shader compilation failed'); };
      return path;
    }, watchDeviceLoss: () => () => undefined });
    await plain.host.handle({ type: 'init' });
    await plain.sendData();
    await plain.host.handle({ type: 'train', runToken: 1, config: tinyConfig({ epochs: 2 }) });
    expect(plain.of('trainResumed')).toEqual([]);
    expect(plain.of('trainDone')[0].summary).toMatchObject({ epochsCompleted: 0, error: 'shader compilation failed' });
  });

  it('a loss on the CPU itself has no fallback: the run fails with the message, keeping its last epoch', async () => {
    const rec = recordingHost({ selectBackend: async () => ({ backend: 'cpu' }), makePath: () => losingPath(createSparseCpuPath(), 20) });
    await rec.host.handle({ type: 'init' });
    await rec.sendData();
    await rec.host.handle({ type: 'train', runToken: 1, config: tinyConfig({ epochs: 3 }) });
    expect(rec.of('backendLost')).toEqual([]);
    expect(rec.of('trainDone')[0].summary).toMatchObject({ epochsCompleted: 1, stoppedEarly: true, error: DEVICE_LOST });
    expect(rec.host.model('m1')!.history).toHaveLength(1);
  });

  it('a stop requested by the page is not undone by a later device loss', async () => {
    const gpu = fakeGpu({ failAtStep: Infinity });
    const rec = recordingHost({ selectBackend: gpu.selectFake, makePath: gpu.makePath });
    await rec.host.handle({ type: 'init' });
    await rec.sendData();
    const training = rec.host.handle({ type: 'train', runToken: 2, config: tinyConfig({ epochs: 30 }) });
    while (!rec.events.some((e) => e.type === 'checkpoint')) await new Promise((r) => setTimeout(r, 1));
    await rec.host.handle({ type: 'stop', runToken: 2 });
    gpu.counter.steps = Infinity; // the device dies while the run winds down
    await training;
    expect(rec.of('trainResumed')).toEqual([]);
    expect(rec.of('trainDone')[0].summary.stoppedEarly).toBe(true);
  });
});

describe('debug hooks', () => {
  it('are refused unless the page asked for debug, and then answer', async () => {
    const crashes: string[] = [];
    const rec = recordingHost({ crash: (m) => crashes.push(m) });
    await rec.host.handle({ type: 'init', preferBackend: 'cpu' });
    for (const cmd of [{ type: 'debugLoseDevice' }, { type: 'debugMemory', requestId: 1 }, { type: 'debugCrash' }] as const) {
      await rec.host.handle(cmd);
      expect((rec.events.at(-1) as Extract<WorkerEvent, { type: 'error' }>).message).toMatch(new RegExp(`"${cmd.type}" is a debug command; open the page with \\?debug=1`));
    }
    expect(crashes).toEqual([]);
    await rec.host.handle({ type: 'init', preferBackend: 'cpu', debug: true });
    await rec.host.handle({ type: 'debugMemory', requestId: 2 });
    expect(rec.events.at(-1)).toMatchObject({ type: 'debugMemory', requestId: 2, backend: 'cpu', numTensors: tf.memory().numTensors, epochTensors: [] });
    await rec.host.handle({ type: 'debugLoseDevice' });
    expect(rec.events.at(-1)).toMatchObject({ type: 'error', message: expect.stringContaining('the worker runs on cpu, with no WebGPU device to lose') });
    await rec.host.handle({ type: 'debugCrash' });
    expect(crashes).toEqual(['debugCrash: the page asked the worker to crash']);
  });
});
