// The store of the Experiment's optional step "attack the hubs" (issue 17): sweeps the experiment's
// trained networks under random failure and targeted attack, one level of every series at a time, so
// the curves grow while they are measured. Each request is one level of one series over every network;
// the pool splits it by network, and the seeds come from the request, so nothing depends on the pool size.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { SweepPoint } from '../engine/robustness';
import type { LabClient } from '../worker/client';
import { nextRequestId, type WorkerEvent } from '../worker/protocol';
import { ATTACK_LEVELS, ATTACK_SWEEP_SEED, attackJobs, type AttackPoints, type AttackTarget } from './attackPlan';
import { isExperimentBusy, type ExperimentState } from './experiment';

export type AttackPhase = 'idle' | 'running' | 'stopping' | 'done' | 'stopped' | 'failed';

export interface AttackState {
  phase: AttackPhase;
  /** The networks under attack (the experiment's trained or loaded runs when the step started). */
  targets: AttackTarget[];
  points: AttackPoints;
  /** Test images (null: all), draws per level and levels of this run. */
  setup: { limit: number | null; repeats: number; levels: number[] } | null;
  done: number;
  total: number;
  message: string | null;
  /** Sweeps every trained network of the experiment under the four series. */
  run(): Promise<void>;
  stop(): void;
}

export type AttackStore = StoreApi<AttackState> & { dispose(): void };

export const isAttackBusy = (phase: AttackPhase): boolean => phase === 'running' || phase === 'stopping';

/** The experiment's runs that can be attacked: measured networks with a model in the worker. */
export function attackTargets(experiment: Pick<ExperimentState, 'runs'>): AttackTarget[] {
  return experiment.runs
    .filter((r) => r.modelId !== null && (r.status === 'trained' || r.status === 'loaded'))
    .map((r) => ({ key: r.key, label: r.label, strategy: r.strategy, step: r.step, modelId: r.modelId as string }));
}

type Answer = { ok: true; points: Map<string, SweepPoint> } | { ok: false; stale: boolean; message: string };

export function createAttackStore(deps: { client: LabClient; experiment: StoreApi<ExperimentState> }): AttackStore {
  const { client, experiment } = deps;
  let job = 0;
  let pending: { requestId: number; resolve(answer: Answer): void } | null = null;

  const settle = (answer: Answer) => {
    const p = pending;
    pending = null;
    p?.resolve(answer);
  };

  const store = createStore<AttackState>()((set, get) => ({
    phase: 'idle',
    targets: [],
    points: {},
    setup: null,
    done: 0,
    total: 0,
    message: null,

    async run() {
      const ex = experiment.getState();
      if (isAttackBusy(get().phase)) return;
      if (isExperimentBusy(ex.phase)) return set({ message: 'The experiment is still running: attack its networks once it has finished.' });
      const targets = attackTargets(ex);
      const sweepSetup = ex.sweepSetup;
      if (targets.length === 0 || !sweepSetup) return set({ message: 'Train the networks first (step 1 or 2), or show the finished experiment.' });
      const mine = ++job;
      const levels = [...ATTACK_LEVELS];
      const jobs = attackJobs(levels);
      const ids = targets.map((t) => t.modelId);
      set({
        phase: 'running', targets, points: {}, message: null, done: 0,
        total: jobs.length * targets.length * sweepSetup.repeats, setup: { limit: sweepSetup.limit, repeats: sweepSetup.repeats, levels },
      });
      const stopped = () => set({ phase: 'stopped', message: 'Stopped; the curves show the levels measured so far.' });
      for (const { series, level } of jobs) {
        // A Stop that came after the worker had answered finds no request to cancel.
        if (get().phase === 'stopping') return stopped();
        const requestId = nextRequestId();
        const answer = await new Promise<Answer>((resolve) => {
          pending = { requestId, resolve };
          client.send({
            type: 'sweep', requestId, modelIds: ids, kind: series.kind, levels: [level], repeats: sweepSetup.repeats,
            seed: ATTACK_SWEEP_SEED, target: { order: series.order }, ...(sweepSetup.limit !== null ? { limit: sweepSetup.limit } : {}),
          });
        });
        if (mine !== job) return;
        if (!answer.ok) {
          if (get().phase === 'stopping') return stopped();
          const message = answer.stale ? 'Another sweep (Robustness panel) replaced the attack’s; run it again for the rest of the curves.' : answer.message;
          return set({ phase: 'failed', message });
        }
        set((s) => ({
          done: s.done + targets.length * sweepSetup.repeats,
          points: Object.fromEntries(targets.map((t) => {
            const mineNow = s.points[t.key] ?? {};
            const point = answer.points.get(t.modelId);
            return [t.key, point ? { ...mineNow, [series.id]: [...(mineNow[series.id] ?? []), point] } : mineNow];
          })),
        }));
      }
      if (get().phase === 'stopping') return stopped();
      set({ phase: 'done', message: null });
    },

    stop() {
      if (get().phase !== 'running') return;
      set({ phase: 'stopping' });
      if (pending) client.send({ type: 'cancel', requestId: pending.requestId });
    },
  }));

  const onEvent = (event: WorkerEvent) => {
    if (event.type === 'error' && event.fatal && pending) return settle({ ok: false, stale: false, message: event.message });
    if (!pending || !('requestId' in event) || event.requestId !== pending.requestId) return;
    if (event.type === 'sweepResult') {
      settle({ ok: true, points: new Map(event.results.map((c) => [c.modelId, c.points[0]])) });
    } else if (event.type === 'stale') {
      settle({ ok: false, stale: true, message: 'cancelled' });
    } else if (event.type === 'error') {
      settle({ ok: false, stale: false, message: event.message });
    }
  };

  // The experiment training again replaces the networks: a running attack stops, and results of
  // networks that are gone are dropped.
  const onExperiment = (ex: ExperimentState, prev: ExperimentState) => {
    if (ex.runs === prev.runs && ex.phase === prev.phase) return;
    const s = store.getState();
    if (isExperimentBusy(ex.phase) && !isExperimentBusy(prev.phase) && isAttackBusy(s.phase)) {
      job++;
      if (pending) client.send({ type: 'cancel', requestId: pending.requestId });
      settle({ ok: false, stale: true, message: 'cancelled' });
      store.setState({ phase: 'stopped', message: 'Stopped: the experiment started again.' });
    }
    const live = new Set(attackTargets(ex).map((t) => `${t.key}\u0000${t.modelId}`));
    const kept = s.targets.filter((t) => live.has(`${t.key}\u0000${t.modelId}`));
    if (kept.length !== s.targets.length) {
      store.setState((st) => ({ targets: kept, points: Object.fromEntries(kept.map((t) => [t.key, st.points[t.key] ?? {}])) }));
    }
  };

  const unsubscribe = [client.subscribe(onEvent), experiment.subscribe(onExperiment)];
  return Object.assign(store, {
    dispose() {
      job++;
      if (pending) client.send({ type: 'cancel', requestId: pending.requestId });
      settle({ ok: false, stale: true, message: 'disposed' });
      for (const off of unsubscribe) off();
    },
  });
}
