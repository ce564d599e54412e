// The measured backend choice (fastest timed path, software GPUs never timed, ?backend= insists, a
// remembered choice per adapter and size) and the fused step's self-check (a mismatch fails it).
import { describe, expect, it } from 'vitest';
import type { BorrowedBackend } from '../../src/engine/backend';
import { chooseBackend, choiceKey, describeTimings, recallChoice, timeSteps, type Candidate } from '../../src/engine/backendChoice';
import { decideBackend, type ChoiceContext } from '../../src/worker/backendHost';
import { selfCheckFusedStep } from '../../src/engine/device/selfCheck';
import { initNetwork } from '../../src/engine/init';
import { createRng } from '../../src/engine/rng';
import { createSparseCpuPath } from '../../src/engine/sparseCpu';
import type { ComputePath } from '../../src/engine/types';
import { TRAIN, tinyConfig } from './reliability-harness';

const candidate = (backend: Candidate['backend'], label: string, skip?: string): Candidate => ({ backend, label, skip, open: () => Promise.resolve(createSparseCpuPath()) });

describe('backend choice', () => {
  const candidates = [candidate('webgpu', 'WebGPU fused'), candidate('webgl', 'WebGL'), candidate('cpu', 'sparse CPU')];

  it('times every available path and picks the fastest', async () => {
    for (const [figures, winner] of [[{ webgpu: 5.1, webgl: 9, cpu: 3.0 }, 'cpu'], [{ webgpu: 0.8, webgl: 2, cpu: 3.0 }, 'webgpu'], [{ webgpu: 4, webgl: 2.5, cpu: 3.0 }, 'webgl']] as const) {
      const timed: string[] = [];
      const result = await chooseBackend({ candidates, time: (c) => { timed.push(c.backend); return Promise.resolve(figures[c.backend]); } });
      expect(result.chosen).toBe(winner);
      expect(timed).toEqual(['webgpu', 'webgl', 'cpu']);
      expect(result.source).toBe('measured');
    }
    const result = await chooseBackend({ candidates, time: (c) => Promise.resolve({ webgpu: 5.1, webgl: 9, cpu: 3.0 }[c.backend]) });
    expect(describeTimings(result)).toBe('WebGPU fused 5.1 ms/step · WebGL 9.0 ms/step · sparse CPU 3.0 ms/step → sparse CPU');
  });

  it('passes software GPUs over without timing them, and a path that fails to time', async () => {
    const timed: string[] = [];
    const result = await chooseBackend({
      candidates: [candidate('webgpu', 'WebGPU fused', 'a software rasteriser (SwiftShader)'), candidate('webgl', 'WebGL'), candidate('cpu', 'sparse CPU')],
      time: (c) => { timed.push(c.backend); return c.backend === 'webgl' ? Promise.reject(new Error('context lost')) : Promise.resolve(50); },
    });
    expect(timed).toEqual(['webgl', 'cpu']);
    expect(result.chosen).toBe('cpu');
    expect(result.timings.map((t) => [t.backend, t.msPerStep, t.skipped ?? null])).toEqual([
      ['webgpu', null, 'a software rasteriser (SwiftShader)'], ['webgl', null, 'context lost'], ['cpu', 50, null],
    ]);
  });

  it('honours ?backend= without timing, and a remembered choice per adapter and size', async () => {
    const never = () => Promise.reject(new Error('must not time'));
    expect(await chooseBackend({ candidates, insist: 'webgl', time: never })).toEqual({ chosen: 'webgl', timings: [], source: 'insisted' });
    const memory = new Map<string, string>();
    const store = { get: (k: string) => memory.get(k) ?? null, set: (k: string, v: string) => void memory.set(k, v) };
    const measured = await chooseBackend({ candidates, time: (c) => Promise.resolve(c.backend === 'webgpu' ? 1 : 4) });
    const key = choiceKey('nvidia hopper', { hidden: 1000, density: 0.01, batchSize: 128 });
    store.set(key, JSON.stringify(measured));
    expect(choiceKey('nvidia hopper', { hidden: 300, density: 0.01, batchSize: 128 })).not.toBe(key);
    const remembered = recallChoice(store, key);
    expect(await chooseBackend({ candidates, remembered, time: never })).toMatchObject({ chosen: 'webgpu', source: 'remembered' });
    // A remembered GPU that is no longer available is measured again.
    expect((await chooseBackend({ candidates: [candidate('cpu', 'sparse CPU')], remembered, time: () => Promise.resolve(2) })).chosen).toBe('cpu');
    store.set(key, '{not json');
    expect(recallChoice(store, key)).toBeNull();
  });

  it('times real steps of a path', async () => {
    const config = tinyConfig();
    let t = 0;
    const ms = await timeSteps(createSparseCpuPath(), initNetwork(config, createRng(1)), TRAIN, config, 3, () => (t += 6));
    expect(ms).toBe(2); // two clock reads 6 apart over 3 steps
  });
});

describe('fused step self-check', () => {
  it('passes when both paths compute the same steps', async () => {
    const result = await selfCheckFusedStep({ makePath: () => createSparseCpuPath() });
    expect(result).toMatchObject({ ok: true, weightError: 0, lossError: 0, tolerance: 1e-4 });
  });

  it('fails when the debug hook asks, and when the "fused" step computes something else', async () => {
    expect(await selfCheckFusedStep({ makePath: () => createSparseCpuPath(), forceFailure: true })).toMatchObject({ ok: false, forced: true });
    // A step with a learning rate off by 1%: an error of the kind a miscompiled kernel makes.
    const wrong = (): ComputePath => {
      const inner = createSparseCpuPath();
      return Object.assign(Object.create(inner) as ComputePath, { trainStep: (i: Int32Array, lr: number, wd: number) => inner.trainStep(i, lr * 1.01, wd) });
    };
    const result = await selfCheckFusedStep({ makePath: (kernels) => (kernels === 'fused' ? wrong() : createSparseCpuPath()) });
    expect(result.ok).toBe(false);
    expect(result.weightError).toBeGreaterThan(1e-4);
    // A fused path that throws fails the check too.
    const broken = await selfCheckFusedStep({ makePath: (k) => (k === 'fused' ? Object.assign(Object.create(createSparseCpuPath()) as ComputePath, { trainStep: () => { throw new Error('pipeline creation failed'); } }) : createSparseCpuPath()) });
    expect(broken).toMatchObject({ ok: false, error: 'pipeline creation failed' });
  });
});

describe('the worker measures on request', () => {
  it('times the sparse CPU path (no GPU here to time against) and reports the figures', async () => {
    const { recordingHost } = await import('./reliability-harness');
    const { host, of, sendData } = recordingHost();
    await host.handle({ type: 'init', preferBackend: undefined });
    await sendData();
    // At the first training there is nothing to compare on a machine without a hardware GPU: no timing.
    await host.handle({ type: 'train', runToken: 1, config: tinyConfig({ epochs: 1 }) });
    expect(of('backendChoice')).toHaveLength(0);
    await host.handle({ type: 'measureBackends', config: tinyConfig() });
    const [choice] = of('backendChoice');
    expect(choice.result.chosen).toBe('cpu');
    expect(choice.result.timings.map((t) => t.label)).toEqual(['sparse CPU']);
    expect(choice.result.timings[0].msPerStep).toBeGreaterThan(0);
    expect(choice.key).toBe('rewire-lab:backend:cpu|h16|d0.2|b20');
  });
});

describe('WebGL timed beside WebGPU', () => {
  /** A lender that records what it lent and gave back; `renderer` names the WebGL renderer it finds. */
  const lender = (renderer: string) => {
    const log: string[] = [];
    const borrow = (name: 'webgl'): Promise<BorrowedBackend> => {
      log.push(`borrow ${name}`);
      if (/swiftshader|llvmpipe/i.test(renderer)) return Promise.resolve({ ok: false, software: true, reason: `the renderer (${renderer}) is a software rasteriser, far slower here than the sparse CPU path` });
      return Promise.resolve({ ok: true, release: () => { log.push('release'); return Promise.resolve(); } });
    };
    return { log, borrow };
  };
  const ctx = (borrow: ChoiceContext['borrow'], paths: string[]): ChoiceContext => ({
    backend: 'webgpu', adapter: { vendor: 'acme', architecture: 'fast' }, fusedOk: true, borrow,
    makePath: (b) => { paths.push(b); return createSparseCpuPath(); },
  });
  const config = tinyConfig();
  /** Opens each candidate as the real timing does, and answers with its injected figure. */
  const injected = (figures: Record<string, number>, timed: string[]) => async (c: Candidate) => {
    try {
      (await c.open()).dispose();
      timed.push(c.label);
      return figures[c.backend];
    } finally {
      await c.close?.();
    }
  };

  it('picks the fastest of the three paths, borrowing WebGL for its timing and giving it back', async () => {
    for (const [figures, winner] of [[{ webgpu: 5.1, webgl: 4.2, cpu: 3.0 }, 'cpu'], [{ webgpu: 0.8, webgl: 2, cpu: 3.0 }, 'webgpu'], [{ webgpu: 4, webgl: 2.5, cpu: 3.0 }, 'webgl']] as const) {
      const { log, borrow } = lender('ANGLE (NVIDIA, Vulkan)');
      const paths: string[] = [];
      const timed: string[] = [];
      const { key, result } = await decideBackend(ctx(borrow, paths), config, TRAIN, {}, true, injected(figures, timed));
      expect(result.chosen).toBe(winner);
      expect(timed).toEqual(['WebGPU fused', 'WebGL', 'sparse CPU']);
      expect(paths).toEqual(['webgpu', 'webgl']);
      expect(log).toEqual(['borrow webgl', 'release']);
      expect(key).toBe('rewire-lab:backend:acme fast|h16|d0.2|b20');
    }
    const { borrow } = lender('ANGLE (NVIDIA, Vulkan)');
    const { result } = await decideBackend(ctx(borrow, []), config, TRAIN, {}, true, injected({ webgpu: 5.1, webgl: 4.2, cpu: 3.0 }, []));
    expect(describeTimings(result)).toBe('WebGPU fused 5.1 ms/step · WebGL 4.2 ms/step · sparse CPU 3.0 ms/step → sparse CPU');
  });

  it('tfjs lends no WebGL outside a browser, and the backend in use stays', async () => {
    const tf = await import('@tensorflow/tfjs');
    const { borrowBackend } = await import('../../src/engine/backend');
    await tf.setBackend('cpu');
    expect(await borrowBackend('webgl')).toEqual({ ok: false, reason: 'not available outside a browser' });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('passes WebGL on a software renderer over without timing it', async () => {
    const { log, borrow } = lender('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)');
    const paths: string[] = [];
    const timed: string[] = [];
    const { result } = await decideBackend(ctx(borrow, paths), config, TRAIN, {}, true, injected({ webgpu: 5, webgl: 0.1, cpu: 3 }, timed));
    expect(timed).toEqual(['WebGPU fused', 'sparse CPU']);
    expect(paths).toEqual(['webgpu']);
    expect(log).toEqual(['borrow webgl']);
    expect(result.chosen).toBe('cpu');
    expect(result.timings[1]).toMatchObject({ backend: 'webgl', msPerStep: null, skipped: expect.stringMatching(/SwiftShader.*software rasteriser.*passed over without timing$/) });
  });

  it('times real steps on the borrowed backend (here a sparse CPU stand-in) and honours ?backend= without timing', async () => {
    const { log, borrow } = lender('ANGLE (Intel, Vulkan)');
    const { result } = await decideBackend(ctx(borrow, []), config, TRAIN, {}, true);
    expect(result.timings.map((t) => [t.label, t.msPerStep !== null && t.msPerStep > 0])).toEqual([['WebGPU fused', true], ['WebGL', true], ['sparse CPU', true]]);
    expect(log).toEqual(['borrow webgl', 'release']);

    const { recordingHost } = await import('./reliability-harness');
    const lent = lender('ANGLE (Intel, Vulkan)');
    const r = recordingHost({
      selectBackend: (prefer) => Promise.resolve({ backend: prefer ?? 'webgpu', adapter: { vendor: 'acme', architecture: 'fast' } }),
      watchDeviceLoss: () => () => {}, makePath: () => createSparseCpuPath(), measureOnFirstTraining: true, borrowBackend: lent.borrow,
    });
    await r.host.handle({ type: 'init', preferBackend: 'webgl' });
    await r.sendData();
    await r.host.handle({ type: 'train', runToken: 1, config: tinyConfig({ epochs: 1 }) });
    await r.host.handle({ type: 'measureBackends', config: tinyConfig() });
    expect(r.of('backendChoice')).toEqual([]);
    expect(lent.log).toEqual([]);
    expect(r.of('ready').map((e) => e.backend)).toEqual(['webgl']);
    expect(r.of('trainDone')).toHaveLength(1);
  });
});

describe('the worker measures at the first training beside a hardware GPU', () => {
  const gpuHost = async (remembered?: Record<string, string>) => {
    const { recordingHost } = await import('./reliability-harness');
    const r = recordingHost({
      selectBackend: (prefer) => Promise.resolve(prefer === 'cpu' ? { backend: 'cpu' } : { backend: 'webgpu', adapter: { vendor: 'acme', architecture: 'fast' } }),
      watchDeviceLoss: () => () => {},
      makePath: () => createSparseCpuPath(),
      measureOnFirstTraining: true,
    });
    await r.host.handle({ type: 'init', ...(remembered ? { remembered } : {}) });
    await r.sendData();
    return r;
  };

  it('times the GPU and the sparse CPU path once, then trains on the faster', async () => {
    const { host, of } = await gpuHost();
    await host.handle({ type: 'train', runToken: 1, config: tinyConfig({ epochs: 1 }) });
    await host.handle({ type: 'train', runToken: 2, config: tinyConfig({ epochs: 1 }) });
    const choices = of('backendChoice');
    expect(choices).toHaveLength(1);
    expect(choices[0].key).toBe('rewire-lab:backend:acme fast|h16|d0.2|b20');
    expect(choices[0].result.timings.map((t) => [t.label, t.msPerStep !== null && t.msPerStep > 0])).toEqual([['WebGPU fused', true], ['sparse CPU', true]]);
    expect(of('ready').at(-1)?.backend).toBe(choices[0].result.chosen);
  });

  it('uses a choice remembered for this adapter and size without timing', async () => {
    const key = 'rewire-lab:backend:acme fast|h16|d0.2|b20';
    const remembered = { [key]: JSON.stringify({ chosen: 'cpu', timings: [{ backend: 'cpu', label: 'sparse CPU', msPerStep: 1 }], source: 'measured' }) };
    const { host, of } = await gpuHost(remembered);
    await host.handle({ type: 'train', runToken: 1, config: tinyConfig({ epochs: 1 }) });
    expect(of('backendChoice')[0].result).toMatchObject({ chosen: 'cpu', source: 'remembered' });
    expect(of('ready').map((e) => e.backend)).toEqual(['webgpu', 'cpu']);
    expect(of('trainStarted')[0].path).toBe('sparse-cpu');
  });
});
