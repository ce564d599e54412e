// The robustness store: the live sliders (link removal, weight shuffling, adversarial ε and attack),
// which models are compared, their live test accuracy, the sample grid, and robustness sweeps.
// Slider moves become at most one evaluate request per interval (always the final value too); the
// worker drops the stale ones.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { defaultOrder, ordersFor, type PerturbationKind, type PerturbationOrder } from '../engine/robustness';
import type { LinkOrder, NodeOrder } from '../engine/targeted';
import type { DatasetName } from '../engine/types';
import type { LabClient } from '../worker/client';
import { nextRequestId, type WorkerEvent } from '../worker/protocol';
import { createExtraDraws, DEFAULT_LIVE_DRAWS, isStochastic, MAX_LIVE_DRAWS, type LiveDraws } from './liveDraws';
import { isEvaluable, type ModelEntry, type ModelsState } from './models';
import type { SessionState } from './session';
import {
  formProblems, isInputKind, parseLevels, parseRepeats, sweepLevelsFor, type SweepForm, type SweepOutcome, type SweepRun,
} from './robustnessSweep';
import { DEFAULT_SLIDERS, settingOf, SLIDER_MAX, type AttackChoice, type SliderName, type Sliders } from './robustnessSliders';

export type { SweepCurve, SweepForm, SweepOutcome, SweepRun } from './robustnessSweep';
export { DEFAULT_SLIDERS, SLIDER_MAX, settingOf, type AttackChoice, type SliderName, type Sliders } from './robustnessSliders';

/** Attacks on all 10,000 test images are slow on a CPU (PGD especially): live ε > 0 uses the first 1,000. */
export const ADVERSARIAL_SUBSET = 1000;
export const SAMPLE_COUNT = 12;
export const EVALUATE_INTERVAL_MS = 150;
/** One seed for every live evaluation, so a slider moved back shows the same accuracy again. */
export const LIVE_SEED = 1;
export const SWEEP_SEED = 1;

export interface LiveState {
  status: 'idle' | 'evaluating' | 'ready' | 'error';
  /** The newest answered accuracy of each model. */
  accuracies: Record<string, number>;
  /** The sliders those accuracies belong to. */
  shown: Sliders | null;
  /** Test images behind them (null: the full test set). */
  subset: number | null;
  /** Each model's accuracy per draw of the shown setting (the first draw is `accuracies`). */
  draws: LiveDraws | null;
  error: string | null;
}

export interface SampleGrid {
  status: 'idle' | 'loading' | 'ready' | 'error';
  indices: Int32Array | null;
  /** The images as the first compared model saw them (N×784 in [0, 1]). */
  images: Float32Array | null;
  labels: Uint8Array | null;
  predictions: Array<{ modelId: string; clean: Uint8Array; perturbed: Uint8Array }>;
  shown: Sliders | null;
}

export interface RobustnessState {
  sliders: Sliders;
  /** Models the user unticked (everything else evaluable on the active dataset is compared). */
  excluded: string[];
  live: LiveState;
  /** Draws per live evaluation of a setting that makes random choices (1 to MAX_LIVE_DRAWS). */
  liveDraws: number;
  samples: SampleGrid;
  sweepForm: SweepForm;
  /** Problems with the sweep form, in words (empty when it can run). */
  sweepProblems: string[];
  sweep: SweepRun;
  outcome: SweepOutcome | null;
  setSlider(name: SliderName, value: number): void;
  setAttack(kind: AttackChoice): void;
  /** Which links (or neurons) go first under the link (or node) removal slider. */
  setLinkOrder(order: LinkOrder): void;
  setNodeOrder(order: NodeOrder): void;
  /** Order of a targeted sweep (each kind accepts its own; see ordersFor). */
  setSweepOrder(order: PerturbationOrder): void;
  resetSliders(): void;
  setLiveDraws(draws: number): void;
  setCompared(modelId: string, compared: boolean): void;
  setSweepKind(kind: PerturbationKind): void;
  setSweepLevels(text: string): void;
  setSweepRepeats(text: string): void;
  runSweep(): void;
  cancelSweep(): void;
  /** The panel is on screen: evaluations run only then. */
  setVisible(visible: boolean): void;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface RobustnessDeps {
  client: LabClient;
  models: StoreApi<ModelsState>;
  session: StoreApi<SessionState>;
  clock?: Clock;
}

const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The models compared: evaluable, trained on the active dataset, not unticked; in list order. */
export function comparedModels(models: readonly ModelEntry[], dataset: DatasetName, excluded: readonly string[]): ModelEntry[] {
  return models.filter((m) => isEvaluable(m) && m.dataset === dataset && !excluded.includes(m.id));
}

const clampTo = (value: number, max: number) => (Number.isFinite(value) ? Math.min(max, Math.max(0, value)) : 0);
const idleLive = (): LiveState => ({ status: 'idle', accuracies: {}, shown: null, subset: null, draws: null, error: null });
const idleSamples = (): SampleGrid => ({ status: 'idle', indices: null, images: null, labels: null, predictions: [], shown: null });

export type RobustnessStore = StoreApi<RobustnessState> & { dispose(): void };

export function createRobustnessStore(deps: RobustnessDeps): RobustnessStore {
  const { client, models, session } = deps;
  const clock = deps.clock ?? realClock;
  let visible = false;
  let lastSentAt = -Infinity;
  let timer: unknown = null;
  /** Evaluate and samples requests in flight, with the sliders they carry. */
  const sent = new Map<number, { kind: 'evaluate' | 'samples'; sliders: Sliders; limit: number | null }>();
  let latest = { evaluate: 0, samples: 0 };
  let answered = { evaluate: 0, samples: 0 };
  let sweepRequest: { requestId: number; outcome: Omit<SweepOutcome, 'curves' | 'baseline'> } | null = null;

  /** Draws 2…N of the newest answered setting; each answer joins the shown draws. */
  const extras = createExtraDraws(client, (accuracies) => store.setState((s) => {
    const draws = s.live.draws;
    if (!draws) return {};
    const next = Object.fromEntries(Object.entries(draws.accuracies).map(([id, list]) => [id, id in accuracies ? [...list, accuracies[id]] : list]));
    return { live: { ...s.live, draws: { ...draws, accuracies: next } } };
  }));

  const compared = () => comparedModels(models.getState().models, session.getState().dataset, store.getState().excluded);

  const sendNow = () => {
    lastSentAt = clock.now();
    extras.cancel();
    const ids = compared().map((m) => m.id);
    const { dataset, loads } = session.getState();
    if (!visible || ids.length === 0 || loads.test.status !== 'ready') return;
    const sliders = { ...store.getState().sliders };
    const setting = settingOf(sliders);
    const limit = sliders.epsilon > 0 ? ADVERSARIAL_SUBSET : null;
    latest = { evaluate: nextRequestId(), samples: nextRequestId() };
    sent.set(latest.evaluate, { kind: 'evaluate', sliders, limit });
    sent.set(latest.samples, { kind: 'samples', sliders, limit });
    client.send({ type: 'evaluate', requestId: latest.evaluate, modelIds: ids, setting, seed: LIVE_SEED, ...(limit !== null ? { limit } : {}) });
    const indices = Int32Array.from({ length: SAMPLE_COUNT }, (_, k) => k);
    client.send({ type: 'samples', requestId: latest.samples, modelIds: ids, dataset, indices, setting, seed: LIVE_SEED });
    store.setState((s) => ({
      live: { ...s.live, status: 'evaluating', error: null },
      samples: { ...s.samples, status: s.samples.images ? s.samples.status : 'loading' },
    }));
  };

  /** Sends now if the last request is older than the interval, else once it is (with the newest sliders). */
  const schedule = () => {
    if (!visible || timer !== null) return;
    const wait = lastSentAt + EVALUATE_INTERVAL_MS - clock.now();
    if (wait <= 0) return sendNow();
    timer = clock.setTimeout(() => {
      timer = null;
      sendNow();
    }, wait);
  };

  const store = createStore<RobustnessState>()((set, get) => ({
    sliders: { ...DEFAULT_SLIDERS },
    excluded: [],
    live: idleLive(),
    liveDraws: DEFAULT_LIVE_DRAWS,
    samples: idleSamples(),
    sweepForm: { kind: 'removal', levelsText: sweepLevelsFor('removal'), repeatsText: '3' },
    sweepProblems: [],
    sweep: { status: 'idle', requestId: null, done: 0, total: 0, error: null },
    outcome: null,

    setSlider(name, value) {
      const v = clampTo(value, SLIDER_MAX[name]);
      if (get().sliders[name] === v) return;
      set((s) => ({ sliders: { ...s.sliders, [name]: v } }));
      schedule();
    },
    setAttack(kind) {
      if (kind !== 'fgsm' && kind !== 'pgd' && kind !== 'noise') return;
      set((s) => ({ sliders: { ...s.sliders, attack: kind } }));
      if (get().sliders.epsilon > 0) schedule();
    },
    setLinkOrder(order) {
      if (!(ordersFor('removal') as string[]).includes(order) || get().sliders.linkOrder === order) return;
      set((s) => ({ sliders: { ...s.sliders, linkOrder: order } }));
      if (get().sliders.removal > 0) schedule();
    },
    setNodeOrder(order) {
      if (!(ordersFor('node-removal') as string[]).includes(order) || get().sliders.nodeOrder === order) return;
      set((s) => ({ sliders: { ...s.sliders, nodeOrder: order } }));
      if (get().sliders.nodes > 0) schedule();
    },
    setSweepOrder(order) {
      const form = get().sweepForm;
      if (!ordersFor(form.kind).includes(order)) return;
      set({ sweepForm: { ...form, order } });
    },
    setLiveDraws(draws) {
      const n = Number.isFinite(draws) ? Math.min(MAX_LIVE_DRAWS, Math.max(1, Math.round(draws))) : DEFAULT_LIVE_DRAWS;
      if (n === get().liveDraws) return;
      set({ liveDraws: n });
      schedule();
    },
    resetSliders() {
      set({ sliders: { ...DEFAULT_SLIDERS } });
      schedule();
    },
    setCompared(modelId, on) {
      // The subscription below notices the change and evaluates again.
      set((s) => ({ excluded: on ? s.excluded.filter((id) => id !== modelId) : [...new Set([...s.excluded, modelId])] }));
    },

    setSweepKind(kind) {
      const orders = ordersFor(kind);
      const form: SweepForm = { ...get().sweepForm, kind, levelsText: sweepLevelsFor(kind), order: orders.length > 0 ? defaultOrder(kind) : undefined };
      set({ sweepForm: form, sweepProblems: formProblems(form) });
    },
    setSweepLevels(text) {
      const form = { ...get().sweepForm, levelsText: text };
      set({ sweepForm: form, sweepProblems: formProblems(form) });
    },
    setSweepRepeats(text) {
      const form = { ...get().sweepForm, repeatsText: text };
      set({ sweepForm: form, sweepProblems: formProblems(form) });
    },
    runSweep() {
      const { sweepForm } = get();
      const levels = parseLevels(sweepForm.levelsText, sweepForm.kind);
      const repeats = parseRepeats(sweepForm.repeatsText);
      const ids = compared().map((m) => m.id);
      if (!('levels' in levels) || !('repeats' in repeats)) return set({ sweepProblems: formProblems(sweepForm) });
      if (ids.length === 0) return; // the panel offers no Run button then
      const requestId = nextRequestId();
      const limit = isInputKind(sweepForm.kind) ? ADVERSARIAL_SUBSET : null;
      sweepRequest = {
        requestId,
        outcome: {
          kind: sweepForm.kind, dataset: session.getState().dataset, levels: levels.levels, repeats: repeats.repeats, limit,
          ...(sweepForm.order !== undefined ? { order: sweepForm.order } : {}),
        },
      };
      client.send({
        type: 'sweep', requestId, modelIds: ids, kind: sweepForm.kind, levels: levels.levels, repeats: repeats.repeats, seed: SWEEP_SEED,
        ...(limit !== null ? { limit } : {}), ...(sweepForm.order !== undefined ? { target: { order: sweepForm.order } } : {}),
      });
      // FGSM and PGD sweeps also run the noise baseline: twice the evaluations.
      const total = ids.length * levels.levels.length * repeats.repeats * (sweepForm.kind === 'fgsm' || sweepForm.kind === 'pgd' ? 2 : 1);
      set({ sweepProblems: [], sweep: { status: 'running', requestId, done: 0, total, error: null } });
    },
    cancelSweep() {
      const { sweep } = get();
      if (sweep.status !== 'running' || sweep.requestId === null) return;
      client.send({ type: 'cancel', requestId: sweep.requestId });
      set({ sweep: { ...sweep, status: 'cancelling' } });
    },

    setVisible(on) {
      visible = on;
      if (on) schedule();
    },
  }));

  const setSweep = (patch: Partial<SweepRun>) => store.setState((s) => ({ sweep: { ...s.sweep, ...patch } }));

  const onEvent = (event: WorkerEvent) => {
    if (extras.takes(event)) return;
    if (!('requestId' in event) || event.requestId === undefined) {
      if (event.type === 'error' && event.fatal) {
        sent.clear();
        sweepRequest = null;
        store.setState((s) => ({
          live: { ...s.live, status: 'error', error: event.message },
          samples: { ...s.samples, status: s.samples.status === 'loading' ? 'error' : s.samples.status },
          sweep: s.sweep.status === 'running' || s.sweep.status === 'cancelling' ? { ...s.sweep, status: 'failed', error: event.message } : s.sweep,
        }));
      }
      return;
    }
    const { requestId } = event;
    if (sweepRequest?.requestId === requestId) return onSweepEvent(event);
    const request = sent.get(requestId);
    if (!request) return;
    if (event.type === 'stale') return void sent.delete(requestId);
    sent.delete(requestId);
    if (event.type === 'evaluation' && requestId > answered.evaluate) {
      answered = { ...answered, evaluate: requestId };
      const accuracies: Record<string, number> = {};
      for (const r of event.results) accuracies[r.modelId] = r.accuracy;
      // The first draw shows at once; a setting with random choices gets its other draws after it.
      const setting = settingOf(request.sliders);
      const wanted = isStochastic(setting) ? store.getState().liveDraws : 1;
      const draws = { wanted, accuracies: Object.fromEntries(event.results.map((r) => [r.modelId, [r.accuracy]])) };
      store.setState({
        live: { status: requestId === latest.evaluate ? 'ready' : 'evaluating', accuracies, shown: request.sliders, subset: request.limit, draws, error: null },
      });
      if (requestId === latest.evaluate) extras.start(event.results.map((r) => r.modelId), setting, LIVE_SEED, request.limit, wanted);
    } else if (event.type === 'samplesResult' && requestId > answered.samples) {
      answered = { ...answered, samples: requestId };
      store.setState({
        samples: {
          status: requestId === latest.samples ? 'ready' : 'loading', indices: event.indices, images: event.images,
          labels: event.labels ?? null, predictions: event.predictions, shown: request.sliders,
        },
      });
    } else if (event.type === 'error') {
      if (request.kind === 'evaluate' && requestId === latest.evaluate) store.setState((s) => ({ live: { ...s.live, status: 'error', error: event.message } }));
      if (request.kind === 'samples' && requestId === latest.samples) store.setState((s) => ({ samples: { ...s.samples, status: 'error' } }));
    }
  };

  const onSweepEvent = (event: WorkerEvent) => {
    const request = sweepRequest;
    if (!request) return;
    if (event.type === 'sweepProgress') return setSweep({ done: event.done, total: event.total });
    sweepRequest = null;
    if (event.type === 'sweepResult') {
      store.setState((s) => ({
        sweep: { ...s.sweep, status: 'done', done: s.sweep.total },
        outcome: { ...request.outcome, curves: event.results, baseline: event.baseline ?? null },
      }));
    } else if (event.type === 'stale') {
      setSweep({ status: 'cancelled' });
    } else if (event.type === 'error') {
      setSweep({ status: 'failed', error: event.message });
    } else {
      sweepRequest = request; // not an answer to the sweep
    }
  };

  // New models, another dataset or its test set arriving: evaluate again (old answers are for other models).
  let comparedKey = '';
  let datasetKey = '';
  const onContextChange = () => {
    const { dataset, loads } = session.getState();
    const key = compared().map((m) => m.id).join(',');
    const dataKey = `${dataset}/${loads.test.status}`;
    if (key === comparedKey && dataKey === datasetKey) return;
    if (dataKey !== datasetKey) {
      // Answers still on their way are about the other dataset's models: stop them, ignore them.
      for (const requestId of sent.keys()) client.send({ type: 'cancel', requestId });
      sent.clear();
      extras.cancel();
      answered = { ...latest };
      store.setState({ live: idleLive(), samples: idleSamples() });
    }
    comparedKey = key;
    datasetKey = dataKey;
    schedule();
  };
  const unsubscribe = [client.subscribe(onEvent), models.subscribe(onContextChange), session.subscribe(onContextChange), store.subscribe((s, prev) => {
    if (s.excluded !== prev.excluded) onContextChange();
  })];
  onContextChange();

  return Object.assign(store, {
    dispose() {
      extras.cancel();
      for (const off of unsubscribe) off();
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
    },
  });
}
