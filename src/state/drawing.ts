// The drawing store: the 28×28 input of the "Draw a digit and attack it" panel (a drawing or a test
// image), live class probabilities per model, and attacks with their smallest-ε searches; every model
// is asked at once (drawingRequests.ts), so a pool's workers answer side by side.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { DATASET_PREPROCESSING, preprocessDrawing } from '../data/drawing';
import { IMAGE_SIZE, NUM_CLASSES } from '../engine/constants';
import type { DataArrays, DatasetName } from '../engine/types';
import type { LabClient } from '../worker/client';
import { nextRequestId } from '../worker/protocol';
import {
  argmax, MAX_ATTACK_EPSILON, pickTestIndex, softmax, structuralLabel, structuralPerturbation, testImagePixels, usableModels,
  type AttackKind, type AttackOutcome, type InkImage, type InputMode, type InputSource, type MinimalEpsilonOutcome,
  type ModelPrediction, type StructuralSource,
} from './drawingOutcomes';
import { createRequestLine, type DrawAnswer, type DrawJob, type SentRequest } from './drawingRequests';
import type { ModelsState } from './models';
import type { SessionState } from './session';

export * from './drawingOutcomes';

const FILE = 'src/state/drawing.ts';
/** Live predictions refresh at most this often while a stroke is drawn (and always at its end). */
export const DRAW_THROTTLE_MS = 100;
/** A request the worker has not answered in this time is given up (it may be busy training). */
export const RESPONSE_TIMEOUT_MS = 120_000;
/**
 * Requests use one fixed seed (unless the structural sliders bring theirs): PGD's random start and the
 * links a setting removes are then the same for a prediction, its attack and its smallest-ε search.
 */
export const DRAW_SEED = 1;

export interface DrawingState {
  dataset: DatasetName;
  mode: InputMode;
  source: InputSource;
  /** The 784 pixels in [0, 1] the networks see, or null when there is no input. */
  pixels: Float32Array | null;
  /** Increases with every new input; results of an older input are not shown as current. */
  version: number;
  settingLabel: string | null;
  predictions: Record<string, ModelPrediction>;
  predictionErrors: Record<string, string>;
  attackKind: AttackKind;
  epsilon: number;
  target: number | null;
  pickClass: number | null;
  attacks: Record<string, AttackOutcome>;
  minimal: Record<string, MinimalEpsilonOutcome>;
  testSet: { status: 'idle' | 'loading' | 'ready' | 'error'; message?: string };
  setMode(mode: InputMode): void;
  /** The pad changed; `read` gives its ink and is called at most every DRAW_THROTTLE_MS (at once when `final`). */
  inkChanged(read: () => InkImage, final: boolean): void;
  clear(): void;
  setPickClass(classIndex: number | null): void;
  pickTestImage(): Promise<void>;
  /** In pick mode with no input yet, picks an image (the panel calls this when shown). */
  ensureInput(): void;
  setAttackKind(kind: AttackKind): void;
  setEpsilon(epsilon: number): void;
  setTarget(target: number | null): void;
  attack(): void;
  findMinimalEpsilon(): void;
}

export interface DrawingDeps {
  client: LabClient;
  session: StoreApi<SessionState>;
  models: StoreApi<ModelsState>;
  /** The official test set of a dataset (the page fetches it again; its arrays are copied here). */
  loadTestSet(dataset: DatasetName): Promise<DataArrays>;
  structural?: StructuralSource;
  throttleMs?: number;
  responseTimeoutMs?: number;
  /** Uniform in [0, 1) for picking test images (Math.random in the page, seeded in tests). */
  random?: () => number;
  /** Request ids unique on the page (protocol.ts's counter by default). */
  nextRequestId?: () => number;
}

const defaultMode = (dataset: DatasetName): InputMode => (dataset === 'fashion-mnist' ? 'pick' : 'draw');

export function createDrawingStore(deps: DrawingDeps): StoreApi<DrawingState> & { dispose(): void } {
  const { client, session, models, structural } = deps;
  const throttleMs = deps.throttleMs ?? DRAW_THROTTLE_MS;
  const testSets = new Map<DatasetName, Promise<DataArrays>>();
  let latestRead: (() => InkImage) | null = null;
  let lastInkAt = -Infinity;
  let inkTimer: ReturnType<typeof setTimeout> | null = null;

  const modelIds = () => usableModels(models.getState().models, store.getState().dataset).map((m) => m.id);

  const line = createRequestLine({
    client,
    timeoutMs: deps.responseTimeoutMs ?? RESPONSE_TIMEOUT_MS,
    nextRequestId: deps.nextRequestId ?? nextRequestId,
    version: () => store.getState().version,
    settingLabel: () => store.getState().settingLabel,
    startPredict: (ids, requestId) => startPredict(ids, requestId),
    start: (job, requestId) => startJob(job, requestId),
    answered: (sent, answer, current) => onAnswer(sent, answer, current),
    failed: (job, message) => failJob(job, message),
  });

  const store = createStore<DrawingState>()((set, get) => {
    /** A new input: every model predicts it again; attacks of the old input no longer apply. */
    const setInput = (pixels: Float32Array | null, source: InputSource) => {
      line.reset();
      set((s) => ({
        pixels, source, version: s.version + 1, attacks: {}, minimal: {},
        ...(pixels ? {} : { predictions: {}, predictionErrors: {} }),
      }));
      if (pixels) line.predict(modelIds());
    };

    const readInk = () => {
      if (inkTimer !== null) clearTimeout(inkTimer);
      inkTimer = null;
      lastInkAt = Date.now();
      const read = latestRead;
      if (!read) return;
      const { ink, width, height } = read();
      if (width === 0 || height === 0) return; // the pad is gone (panel hidden): keep the input as it is
      const { pixels, hasInk } = preprocessDrawing(ink, width, height, DATASET_PREPROCESSING[get().dataset]);
      setInput(hasInk ? pixels : null, hasInk ? { kind: 'drawing' } : { kind: 'empty' });
    };

    const queueJobs = (kind: 'attack' | 'minimal') => {
      const s = get();
      if (!s.pixels) return;
      const original = s.pixels;
      const job = { attackKind: s.attackKind, epsilon: s.epsilon, target: s.target };
      const outcomes = Object.fromEntries(modelIds().map((id) => [id, kind === 'attack'
        ? { status: 'queued', kind: job.attackKind, epsilon: job.epsilon, target: job.target, label: null, original, settingLabel: s.settingLabel }
        : { status: 'queued', kind: job.attackKind, target: job.target, epsilon: null, maxEpsilon: MAX_ATTACK_EPSILON }]));
      if (kind === 'attack') set((st) => ({ attacks: { ...st.attacks, ...(outcomes as Record<string, AttackOutcome>) } }));
      else set((st) => ({ minimal: { ...st.minimal, ...(outcomes as Record<string, MinimalEpsilonOutcome>) } }));
      for (const modelId of Object.keys(outcomes)) line.enqueue({ kind, modelId, ...job });
    };

    return {
      dataset: session.getState().dataset,
      mode: defaultMode(session.getState().dataset),
      source: { kind: 'empty' },
      pixels: null,
      version: 0,
      settingLabel: structuralLabel(structural?.get() ?? null),
      predictions: {},
      predictionErrors: {},
      attackKind: 'pgd',
      epsilon: 0.1,
      target: null,
      pickClass: null,
      attacks: {},
      minimal: {},
      testSet: { status: 'idle' },

      setMode(mode) {
        if (mode === get().mode) return;
        set({ mode });
        if (mode === 'pick') void get().pickTestImage();
        else if (get().source.kind === 'test') setInput(null, { kind: 'empty' });
      },

      inkChanged(read, final) {
        latestRead = read;
        if (get().mode !== 'draw') set({ mode: 'draw' });
        const wait = lastInkAt + throttleMs - Date.now();
        if (final || wait <= 0) readInk();
        else if (inkTimer === null) inkTimer = setTimeout(readInk, wait);
      },

      clear() {
        if (inkTimer !== null) clearTimeout(inkTimer);
        inkTimer = null;
        latestRead = null;
        setInput(null, { kind: 'empty' });
      },

      setPickClass(classIndex) {
        set({ pickClass: classIndex });
      },

      async pickTestImage() {
        const dataset = get().dataset;
        let loading = testSets.get(dataset);
        if (!loading) {
          set({ testSet: { status: 'loading' } });
          // Copies: the loader may hand the same arrays to the session, which transfers them to the worker.
          loading = deps.loadTestSet(dataset).then((d) => {
            if (d.images.length !== d.count * IMAGE_SIZE || d.labels.length !== d.count) throw new Error(`the ${dataset} test set arrived without its pixels`);
            return { images: d.images.slice(), labels: d.labels.slice(), count: d.count };
          });
          testSets.set(dataset, loading);
        }
        let data: DataArrays;
        try {
          data = await loading;
        } catch (e) {
          if (testSets.get(dataset) === loading) testSets.delete(dataset);
          if (get().dataset === dataset) set({ testSet: { status: 'error', message: `${FILE}: could not load the test images: ${e instanceof Error ? e.message : String(e)}` } });
          return;
        }
        if (get().dataset !== dataset) return;
        set({ testSet: { status: 'ready' } });
        const wanted = get().pickClass;
        const index = pickTestIndex(data.labels, data.count, wanted, deps.random ?? Math.random);
        if (index === null) return set({ testSet: { status: 'error', message: `${FILE}: the test set has no image of class ${wanted}` } });
        set({ mode: 'pick' });
        setInput(testImagePixels(data.images, index), { kind: 'test', index, label: data.labels[index] });
      },

      ensureInput() {
        const s = get();
        if (s.mode === 'pick' && s.source.kind === 'empty' && s.testSet.status !== 'loading') void s.pickTestImage();
      },

      setAttackKind(kind) {
        set({ attackKind: kind });
      },

      setEpsilon(epsilon) {
        if (Number.isFinite(epsilon)) set({ epsilon: Math.min(MAX_ATTACK_EPSILON, Math.max(0, epsilon)) });
      },

      setTarget(target) {
        set({ target: target !== null && Number.isInteger(target) && target >= 0 && target < NUM_CLASSES ? target : null });
      },

      attack() {
        queueJobs('attack');
      },

      findMinimalEpsilon() {
        queueJobs('minimal');
      },
    };
  });

  // ------------------------------------------------------------ talking to the worker

  const patchAttack = (modelId: string, patch: Partial<AttackOutcome>) => store.setState((s) => (
    s.attacks[modelId] ? { attacks: { ...s.attacks, [modelId]: { ...s.attacks[modelId], ...patch } } } : {}));
  const patchMinimal = (modelId: string, patch: Partial<MinimalEpsilonOutcome>) => store.setState((s) => (
    s.minimal[modelId] ? { minimal: { ...s.minimal, [modelId]: { ...s.minimal[modelId], ...patch } } } : {}));

  function failJob(job: DrawJob, message: string): void {
    if (job.kind === 'predict') store.setState((s) => ({ predictionErrors: { ...s.predictionErrors, [job.modelId]: message } }));
    else if (job.kind === 'attack') patchAttack(job.modelId, { status: 'error', message });
    else patchMinimal(job.modelId, { status: 'error', message });
  }

  /** The structural setting and seed every request of the panel is sent under, and a copy of the input. */
  function requestBase(pixels: Float32Array) {
    const structuralSetting = structural?.get();
    const setting = structuralPerturbation(structuralSetting);
    const seed = structuralSetting?.seed ?? DRAW_SEED;
    // A copy: the client transfers the buffers of what it sends.
    return { pixels: pixels.slice(), seed, ...(setting ? { setting } : {}) };
  }

  function startPredict(ids: string[], requestId: number) {
    const s = store.getState();
    const usable = new Set(modelIds());
    const wanted = ids.filter((id) => usable.has(id));
    if (!s.pixels || wanted.length === 0) return null;
    return { type: 'predictModels' as const, requestId, modelIds: wanted, count: 1, ...requestBase(s.pixels) };
  }

  function startJob(job: DrawJob, requestId: number) {
    const s = store.getState();
    if (!s.pixels || job.kind === 'predict' || !modelIds().includes(job.modelId)) return null;
    const common = { requestId, modelId: job.modelId, ...requestBase(s.pixels) };
    // Attacks push away from the class the model itself gives the clean input (predictions go first).
    const prediction = s.predictions[job.modelId];
    if (!prediction || prediction.version !== s.version) {
      return { failure: `${FILE}: the model has not predicted this input, so there is no class to attack (${s.predictionErrors[job.modelId] ?? 'no answer'})` };
    }
    const label = argmax(prediction.probabilities);
    const goal = { label, kind: job.attackKind, ...(job.target !== null ? { target: job.target } : {}) };
    if (job.kind === 'attack') {
      patchAttack(job.modelId, { status: 'running', label, settingLabel: s.settingLabel });
      return { type: 'attack' as const, ...common, ...goal, epsilon: job.epsilon };
    }
    patchMinimal(job.modelId, { status: 'running' });
    return { type: 'minimalEpsilon' as const, ...common, ...goal, maxEpsilon: MAX_ATTACK_EPSILON };
  }

  function onAnswer(sent: SentRequest, answer: DrawAnswer, current: boolean): void {
    const { modelId } = sent.job;
    if (answer.type === 'prediction') {
      // Even an answer for an older input is shown (marked as updating) until the newest arrives.
      store.setState((s) => {
        const predictionErrors = { ...s.predictionErrors };
        delete predictionErrors[modelId];
        const prediction = { probabilities: softmax(answer.logits), version: sent.version, settingLabel: sent.settingLabel };
        // An answer for an older input never replaces one for a newer input.
        const newer = (s.predictions[modelId]?.version ?? -Infinity) > sent.version;
        return s.pixels && !newer ? { predictions: { ...s.predictions, [modelId]: prediction }, predictionErrors } : {};
      });
    } else if (!current) {
      return; // an attack of an input that is gone
    } else if (answer.type === 'attackResult') {
      const { epsilon, adversarial, perturbation, before, after } = answer;
      patchAttack(modelId, { status: 'done', epsilon, adversarial, perturbation, before, after });
    } else {
      patchMinimal(modelId, { status: 'done', epsilon: answer.epsilon, maxEpsilon: answer.maxEpsilon });
    }
  }

  const resetForDataset = (dataset: DatasetName) => {
    store.setState({ dataset, mode: defaultMode(dataset), testSet: { status: 'idle' }, pickClass: null, target: null });
    store.getState().clear();
  };

  const onModels = (next: ModelsState, previous: ModelsState) => {
    if (next.models === previous.models) return;
    const s = store.getState();
    // A model that has just become usable predicts the current input.
    if (s.pixels) line.predict(modelIds().filter((id) => !s.predictions[id] && !line.predicting(id)));
  };

  const settingKey = () => {
    const s = structural?.get();
    return s ? `${s.removal}/${s.shuffle}/${s.seed}/${s.linkOrder}/${s.nodes}/${s.nodeOrder}` : '';
  };
  let lastSettingKey = settingKey();
  const onStructural = () => {
    const key = settingKey();
    if (key === lastSettingKey) return;
    lastSettingKey = key;
    store.setState({ settingLabel: structuralLabel(structural?.get() ?? null) });
    if (store.getState().pixels) line.predict(modelIds());
  };

  const unsubscribers = [
    client.subscribe(line.onEvent),
    session.subscribe((s) => { if (s.dataset !== store.getState().dataset) resetForDataset(s.dataset); }),
    models.subscribe(onModels),
    ...(structural ? [structural.subscribe(onStructural)] : []),
  ];

  return Object.assign(store, {
    dispose() {
      for (const unsubscribe of unsubscribers) unsubscribe();
      if (inkTimer !== null) clearTimeout(inkTimer);
      line.dispose();
    },
  });
}
