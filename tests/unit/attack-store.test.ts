// The store of the Experiment's step "attack the hubs": it sweeps one level of one series at a time (so
// curves grow while measured), Stop cancels the request in flight and keeps what was measured, the
// experiment training again stops it; and on real in-process workers its curves are the same with 1 or
// 2 workers and equal a whole sweep of the same seed.
import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { SweepPoint } from '../../src/engine/robustness';
import { ATTACK_LEVELS, ATTACK_SERIES, ATTACK_SWEEP_SEED } from '../../src/state/attackPlan';
import { createAttackStore } from '../../src/state/attackStep';
import type { ExperimentPhase, ExperimentRun, ExperimentState } from '../../src/state/experiment';
import { experimentConfig, EXPERIMENT_SIZES, newRun } from '../../src/state/experimentPlan';
import { createLabClient, type LabClient } from '../../src/worker/client';
import { createWorkerPool } from '../../src/worker/pool';
import type { WorkerEvent } from '../../src/worker/protocol';
import { createSupervisedClient } from '../../src/worker/supervisor';
import { FakeClient } from './fakeClient';
import { InProcessWorker, TEST, TRAIN, tinyConfig, until } from './reliability-harness';

const flush = async () => { for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0)); };

function run(strategy: 'set' | 'static', modelId: string): ExperimentRun {
  return { ...newRun('decay', strategy, experimentConfig(EXPERIMENT_SIZES.tiny, 'mnist', strategy, 'decay')), status: 'trained', modelId };
}

/** The experiment's store as the attack sees it: its phase, runs and sweep setup. */
function experimentWith(runs: ExperimentRun[], phase: ExperimentPhase = 'done', setup = { limit: 50 as number | null, repeats: 2 }) {
  return createStore<ExperimentState>()(() => ({ phase, runs, sweepSetup: setup } as unknown as ExperimentState));
}

const point = (level: number, acc: number): SweepPoint => ({ level, accuracies: [acc, acc], mean: acc, std: 0, min: acc, max: acc });

describe('attack store (fake worker)', () => {
  it('asks for one level of one series at a time over every trained network, and the curves grow as answers come', async () => {
    const client = new FakeClient();
    const experiment = experimentWith([run('set', 'mA'), run('static', 'mB'), { ...run('set', 'mC'), key: 'x', status: 'failed' }]);
    const attack = createAttackStore({ client, experiment });
    const done = attack.getState().run();
    expect(attack.getState().phase).toBe('running');
    expect(attack.getState().targets.map((t) => t.modelId)).toEqual(['mA', 'mB']);
    expect(client.of('sweep')).toHaveLength(1);
    for (let k = 0; k < 6; k++) {
      const cmd = client.last('sweep');
      expect(cmd.modelIds).toEqual(['mA', 'mB']);
      expect(cmd.levels).toHaveLength(1);
      expect(cmd.repeats).toBe(2);
      expect(cmd.limit).toBe(50);
      expect(cmd.seed).toBe(ATTACK_SWEEP_SEED);
      const series = ATTACK_SERIES[k % 4];
      expect([cmd.kind, cmd.target?.order]).toEqual([series.kind, series.order]);
      expect(cmd.levels[0]).toBe(ATTACK_LEVELS[Math.floor(k / 4)]);
      client.emit({ type: 'sweepResult', requestId: cmd.requestId, kind: cmd.kind, results: cmd.modelIds.map((modelId, i) => ({ modelId, points: [point(cmd.levels[0], 0.9 - i / 10)] })) });
      await flush();
    }
    const s = attack.getState();
    expect(s.points['decay:set']['links-random']?.map((p) => p.level)).toEqual([0, ATTACK_LEVELS[1]]);
    expect(s.points['decay:static']['nodes-degree']?.map((p) => p.mean)).toEqual([0.8]);
    expect(s.done).toBe(6 * 2 * 2);
    expect(s.total).toBe(ATTACK_LEVELS.length * 4 * 2 * 2);

    // Stop: the request in flight is cancelled; its stale answer ends the step, keeping the curves.
    attack.getState().stop();
    const inFlight = client.last('sweep');
    expect(client.last('cancel').requestId).toBe(inFlight.requestId);
    client.emit({ type: 'stale', requestId: inFlight.requestId });
    await done;
    expect(attack.getState().phase).toBe('stopped');
    expect(attack.getState().points['decay:set']['links-random']).toHaveLength(2);
    expect(client.of('sweep')).toHaveLength(7);
    attack.dispose();
  });

  it('a Stop that comes after the answer is on its way sends nothing more', async () => {
    const client = new FakeClient();
    const attack = createAttackStore({ client, experiment: experimentWith([run('set', 'mA')]) });
    const done = attack.getState().run();
    const cmd = client.last('sweep');
    attack.getState().stop();
    // The worker had answered before the cancel reached it: the answer counts, no next level is asked for.
    client.emit({ type: 'sweepResult', requestId: cmd.requestId, kind: cmd.kind, results: [{ modelId: 'mA', points: [point(0, 0.9)] }] });
    await done;
    expect(attack.getState().phase).toBe('stopped');
    expect(client.of('sweep')).toHaveLength(1);
    expect(attack.getState().points['decay:set']['links-random']).toEqual([point(0, 0.9)]);
    attack.dispose();
  });

  it('is refused while the experiment runs or before any network is trained; the experiment starting again stops it', async () => {
    const client = new FakeClient();
    const busy = experimentWith([run('set', 'mA')], 'training');
    const a = createAttackStore({ client, experiment: busy });
    await a.getState().run();
    expect(a.getState().phase).toBe('idle');
    expect(a.getState().message).toMatch(/still running/);
    const empty = experimentWith([]);
    const b = createAttackStore({ client, experiment: empty });
    await b.getState().run();
    expect(b.getState().message).toMatch(/Train the networks first/);
    expect(client.of('sweep')).toHaveLength(0);

    const experiment = experimentWith([run('set', 'mA')]);
    const c = createAttackStore({ client, experiment });
    const done = c.getState().run();
    const cmd = client.last('sweep');
    experiment.setState({ phase: 'training', runs: [] });
    await done;
    expect(client.last('cancel').requestId).toBe(cmd.requestId);
    expect(c.getState().phase).toBe('stopped');
    expect(c.getState().targets).toEqual([]);
    // A late answer to the cancelled request changes nothing.
    client.emit({ type: 'sweepResult', requestId: cmd.requestId, kind: cmd.kind, results: [{ modelId: 'mA', points: [point(0, 0.9)] }] });
    expect(c.getState().points).toEqual({});
    for (const s of [a, b, c]) s.dispose();
  });

  it('a worker error ends the step as failed with its message', async () => {
    const client = new FakeClient();
    const attack = createAttackStore({ client, experiment: experimentWith([run('set', 'mA')]) });
    const done = attack.getState().run();
    client.emit({ type: 'error', requestId: client.last('sweep').requestId, message: 'src/worker/evalHost.ts: model mA is not held' });
    await done;
    expect(attack.getState()).toMatchObject({ phase: 'failed', message: 'src/worker/evalHost.ts: model mA is not held' });
    attack.dispose();
  });
});

function startPool(size: number): { pool: LabClient; events: WorkerEvent[] } {
  const pool = createWorkerPool({
    size,
    spawn: () => createSupervisedClient({ spawn: () => createLabClient(new InProcessWorker({ denseOnDevice: () => false })) }),
  });
  const events: WorkerEvent[] = [];
  pool.subscribe((e) => events.push(e));
  pool.send({ type: 'init', preferBackend: 'cpu' });
  for (const [split, d] of [['train', TRAIN], ['test', TEST]] as const) {
    pool.send({ type: 'setData', dataset: 'mnist', split, images: d.images.slice(), labels: d.labels.slice(), count: d.count });
  }
  return { pool, events };
}

async function attackOnPool(size: number) {
  const { pool, events } = startPool(size);
  const configs = [tinyConfig({ seed: 1, strategy: 'set', epochs: 2 }), tinyConfig({ seed: 1, strategy: 'static', epochs: 2 })];
  const doneOf = (token: number) => events.find((e): e is Extract<WorkerEvent, { type: 'trainDone' }> => e.type === 'trainDone' && e.runToken === token);
  // One after another: a worker trains one network at a time.
  for (const [k, config] of configs.entries()) {
    pool.send({ type: 'train', runToken: k + 1, config });
    await until(() => doneOf(k + 1) !== undefined, 'training', 60_000);
  }
  const ids = [doneOf(1)?.modelId as string, doneOf(2)?.modelId as string];
  const experiment = experimentWith([run('set', ids[0]), run('static', ids[1])], 'done', { limit: 60, repeats: 2 });
  const attack = createAttackStore({ client: pool, experiment });
  await attack.getState().run();
  expect(attack.getState().message).toBe(null);
  expect(attack.getState().phase).toBe('done');
  // The same seed's whole sweep of hubs-first removal, for comparison.
  pool.send({ type: 'sweep', requestId: 777_001, modelIds: ids, kind: 'node-removal', levels: [...ATTACK_LEVELS], repeats: 2, seed: ATTACK_SWEEP_SEED, limit: 60, target: { order: 'degree' } });
  await until(() => events.some((e) => e.type === 'sweepResult' && e.requestId === 777_001), 'whole sweep', 60_000);
  const whole = events.find((e): e is Extract<WorkerEvent, { type: 'sweepResult' }> => e.type === 'sweepResult' && e.requestId === 777_001);
  const points = attack.getState().points;
  attack.dispose();
  pool.terminate();
  return { points, whole: whole?.results ?? [] };
}

describe('attack store on real workers', () => {
  it('gives the same curves with 1 or 2 workers, equal to a whole sweep of the same seed', async () => {
    const one = await attackOnPool(1);
    const two = await attackOnPool(2);
    expect(two.points).toEqual(one.points);
    for (const key of ['decay:set', 'decay:static']) {
      for (const s of ATTACK_SERIES) expect(one.points[key][s.id]?.map((p) => p.level)).toEqual([...ATTACK_LEVELS]);
    }
    expect(one.points['decay:set']['nodes-degree']).toEqual(one.whole[0].points);
    expect(one.points['decay:static']['nodes-degree']).toEqual(one.whole[1].points);
    // Removing neurons costs accuracy: the curves are measured, not flat.
    const hubs = one.points['decay:set']['nodes-degree'] as SweepPoint[];
    expect(hubs.at(-1)?.mean).toBeLessThan(hubs[0].mean);
  }, 120_000);
});
