// The topology store: every model's wiring history (one frame per epoch, typed arrays only), which
// model, layer and epoch the topology views show, and the timeline's playback settings.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { diffLinks, isValidLinkList } from '../engine/topology';

export type RowOrderName = 'natural' | 'degree' | 'pixel-grid';
export const ROW_ORDERS: readonly RowOrderName[] = ['natural', 'degree', 'pixel-grid'];
/** Playback speeds the timeline offers (1 = one epoch per rewiring animation). */
export const PLAYBACK_SPEEDS: readonly number[] = [0.25, 0.5, 1, 2, 4];

/** A sparse layer's wiring as the engine reports it: sorted link ids `i * nOut + j` and their weights. */
export interface LayerTopologyInput {
  nIn: number;
  nOut: number;
  links: Int32Array;
  weights: Float32Array;
}

/** One sparse layer at one epoch, with the diff that led to it from the previous frame. */
export interface LayerFrame extends LayerTopologyInput {
  /** Link ids present in the previous frame and absent here (empty in the first frame), sorted. */
  removed: Int32Array;
  /** Link ids absent in the previous frame and present here, sorted. */
  added: Int32Array;
}

export interface TopologyFrame {
  /** 0 = the initial random wiring; k = after epoch k's training and rewiring. */
  epoch: number;
  layers: LayerFrame[];
  testAccuracy: number | null;
  trainLoss: number | null;
}

export interface ModelTopology {
  id: string;
  label: string;
  strategy: string;
  frames: TopologyFrame[];
  /**
   * Set for a model loaded from a file: how strongly the panels prefer to open on it (see
   * openingPreference), and whether the file had no history (its one frame is the final wiring).
   */
  loaded?: { preference: number; finalOnly: boolean };
}

/** The part of an epoch event this store needs (EpochEvent and the worker's EpochReport both fit). */
export interface EpochTopologyInput {
  epoch: number;
  testAccuracy?: number;
  trainLoss?: number;
  layers: ReadonlyArray<{ removed: Int32Array; added: Int32Array }>;
  topology: readonly LayerTopologyInput[];
}

export interface TopologyState {
  models: Record<string, ModelTopology>;
  /** Model ids in the order they were registered. */
  modelOrder: string[];
  selectedModel: string | null;
  /** A second model shown beside the selected one, or null. */
  compareModel: string | null;
  /** Index into the selected model's frames of the frame shown. */
  cursor: number;
  playing: boolean;
  speed: number;
  rowOrder: RowOrderName;
  /** Sparse layer shown (0-based; layer 0 is the input layer 784 → H). */
  layer: number;
  /** Registers a model (or renames it), keeping any history it already has. Selects it. */
  register(modelId: string, label: string, strategy: string): void;
  /** Registers a model with its initial wiring (epoch 0), replacing any earlier history. */
  setInitial(modelId: string, label: string, strategy: string, topology: readonly LayerTopologyInput[]): string[];
  /**
   * A model loaded from a file, with its frames (replayed, or the final wiring alone). Selected when
   * nothing is, or when the selection is a loaded model the panels prefer less.
   */
  setLoaded(modelId: string, label: string, strategy: string, frames: TopologyFrame[], loaded: { preference: number; finalOnly: boolean }): string[];
  /** Appends an epoch's wiring; returns problems (empty when accepted as reported). */
  pushEpoch(modelId: string, event: EpochTopologyInput): string[];
  /** Forgets a model and its history. */
  reset(modelId: string): void;
  selectModel(modelId: string): void;
  selectCompare(modelId: string | null): void;
  selectLayer(layer: number): void;
  selectRowOrder(order: RowOrderName): void;
  play(): void;
  pause(): void;
  /** Moves the cursor by `delta` frames (clamped); stops playback at either end. */
  step(delta: number): void;
  seek(index: number): void;
  setSpeed(speed: number): void;
}

export type TopologyStore = StoreApi<TopologyState>;

const WHERE = 'src/state/topology.ts';

/** Problems with one reported layer, in words (empty when it can be kept). */
function layerProblems(t: LayerTopologyInput, where: string): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(t.nIn) || t.nIn < 1 || !Number.isInteger(t.nOut) || t.nOut < 1) {
    problems.push(`${where}: shape ${t.nIn}×${t.nOut} is not two positive integers`);
    return problems;
  }
  if (!(t.links instanceof Int32Array) || !(t.weights instanceof Float32Array)) problems.push(`${where}: links must be an Int32Array and weights a Float32Array`);
  else if (t.links.length !== t.weights.length) problems.push(`${where}: ${t.links.length} links but ${t.weights.length} weights`);
  else if (!isValidLinkList(t.links, t.nIn * t.nOut)) problems.push(`${where}: link ids are not sorted, unique and below ${t.nIn * t.nOut}`);
  return problems;
}

function sameIds(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

const EMPTY = new Int32Array(0);

export function createTopologyStore(): TopologyStore {
  return createStore<TopologyState>()((set, get) => {
    const selectedFrames = (): TopologyFrame[] => {
      const s = get();
      return s.selectedModel ? (s.models[s.selectedModel]?.frames ?? []) : [];
    };
    const putModel = (model: ModelTopology, select: boolean) =>
      set((s) => ({
        models: { ...s.models, [model.id]: model },
        modelOrder: s.modelOrder.includes(model.id) ? s.modelOrder : [...s.modelOrder, model.id],
        ...(select
          ? { selectedModel: model.id, cursor: Math.max(0, model.frames.length - 1), compareModel: s.compareModel === model.id ? null : s.compareModel, playing: false }
          : {}),
      }));

    return {
      models: {},
      modelOrder: [],
      selectedModel: null,
      compareModel: null,
      cursor: 0,
      playing: false,
      speed: 1,
      rowOrder: 'natural',
      layer: 0,

      register(modelId, label, strategy) {
        const existing = get().models[modelId];
        putModel({ id: modelId, label, strategy, frames: existing?.frames ?? [] }, true);
      },

      setInitial(modelId, label, strategy, topology) {
        const problems = topology.flatMap((t, l) => layerProblems(t, `${WHERE}: model ${modelId}, initial layer ${l + 1}`));
        if (topology.length === 0) problems.push(`${WHERE}: model ${modelId}: the initial wiring has no sparse layer`);
        if (problems.length > 0) return problems;
        const layers = topology.map((t) => ({ nIn: t.nIn, nOut: t.nOut, links: t.links, weights: t.weights, removed: EMPTY, added: EMPTY }));
        putModel({ id: modelId, label, strategy, frames: [{ epoch: 0, layers, testAccuracy: null, trainLoss: null }] }, true);
        return [];
      },

      setLoaded(modelId, label, strategy, frames, loaded) {
        const problems = frames.flatMap((f) => f.layers.flatMap((t, l) => layerProblems(t, `${WHERE}: model ${modelId}, epoch ${f.epoch}, layer ${l + 1}`)));
        if (frames.length === 0 || frames[0].layers.length === 0) problems.push(`${WHERE}: model ${modelId}: no sparse layer to show`);
        if (problems.length > 0) return problems;
        const s = get();
        const current = s.selectedModel === null ? undefined : s.models[s.selectedModel];
        const select = current === undefined || (current.loaded !== undefined && current.loaded.preference < loaded.preference);
        putModel({ id: modelId, label, strategy, frames, loaded }, select);
        return [];
      },

      pushEpoch(modelId, event) {
        const model = get().models[modelId];
        if (!model) return [`${WHERE}: epoch ${event.epoch} for unknown model "${modelId}" (register it first)`];
        const where = `${WHERE}: model ${modelId}, epoch ${event.epoch}`;
        const previous = model.frames.at(-1);
        if (!Number.isInteger(event.epoch) || event.epoch < 1) return [`${where}: the epoch is not a positive integer`];
        if (previous && event.epoch <= previous.epoch) return [`${where}: arrived after epoch ${previous.epoch}`];
        if (event.topology.length === 0) return [`${where}: no sparse layer to show (a dense model?)`];
        if (event.layers.length !== event.topology.length) return [`${where}: ${event.layers.length} rewiring entries for ${event.topology.length} layers`];
        if (previous && previous.layers.length !== event.topology.length) return [`${where}: ${event.topology.length} layers after ${previous.layers.length}`];
        const problems = event.topology.flatMap((t, l) => layerProblems(t, `${where}, layer ${l + 1}`));
        if (problems.length > 0) return problems;

        const notes: string[] = [];
        const layers: LayerFrame[] = event.topology.map((t, l) => {
          const reported = event.layers[l];
          const before = previous?.layers[l];
          if (!before) return { ...pickTopology(t), removed: reported.removed, added: reported.added };
          if (before.nIn !== t.nIn || before.nOut !== t.nOut) {
            notes.push(`${where}, layer ${l + 1}: shape changed from ${before.nIn}×${before.nOut} to ${t.nIn}×${t.nOut}`);
          }
          // The diff is what the animation shows, so it must match the link lists; a missed epoch or a
          // disagreeing report is recomputed from the frames themselves.
          const diff = diffLinks(before.links, t.links);
          if (!sameIds(diff.removed, reported.removed) || !sameIds(diff.added, reported.added)) {
            notes.push(`${where}, layer ${l + 1}: the reported diff (−${reported.removed.length} +${reported.added.length}) differs from the link lists (−${diff.removed.length} +${diff.added.length}); kept the latter`);
          }
          return { ...pickTopology(t), removed: diff.removed, added: diff.added };
        });
        if (notes.some((n) => n.includes('shape changed'))) return notes;

        const frame: TopologyFrame = {
          epoch: event.epoch,
          layers,
          testAccuracy: event.testAccuracy ?? null,
          trainLoss: event.trainLoss ?? null,
        };
        const s = get();
        const following = s.selectedModel === modelId && s.cursor >= model.frames.length - 1 && !s.playing;
        const frames = [...model.frames, frame];
        set({
          models: { ...s.models, [modelId]: { ...model, frames } },
          ...(following ? { cursor: frames.length - 1 } : {}),
        });
        return notes;
      },

      reset(modelId) {
        set((s) => {
          if (!s.models[modelId]) return {};
          const models = { ...s.models };
          delete models[modelId];
          const modelOrder = s.modelOrder.filter((id) => id !== modelId);
          const selectedModel = s.selectedModel === modelId ? (modelOrder.at(-1) ?? null) : s.selectedModel;
          const cursor = selectedModel === s.selectedModel ? s.cursor : Math.max(0, (selectedModel ? models[selectedModel].frames.length : 1) - 1);
          const compareModel = s.compareModel === modelId || s.compareModel === selectedModel ? null : s.compareModel;
          return { models, modelOrder, selectedModel, compareModel, cursor, playing: selectedModel === s.selectedModel && s.playing };
        });
      },

      selectModel(modelId) {
        const s = get();
        const model = s.models[modelId];
        if (!model || s.selectedModel === modelId) return;
        // Keep showing the same epoch when the other model has it (comparing models epoch by epoch).
        const epoch = selectedFrames()[s.cursor]?.epoch;
        const index = epoch === undefined ? -1 : model.frames.findIndex((f) => f.epoch === epoch);
        set({
          selectedModel: modelId,
          cursor: index >= 0 ? index : Math.max(0, model.frames.length - 1),
          compareModel: s.compareModel === modelId ? s.selectedModel : s.compareModel,
          playing: false,
        });
      },

      selectCompare(modelId) {
        const s = get();
        if (modelId !== null && (!s.models[modelId] || modelId === s.selectedModel)) return;
        set({ compareModel: modelId });
      },

      selectLayer(layer) {
        if (!Number.isInteger(layer) || layer < 0) return;
        const s = get();
        const count = selectedFrames()[0]?.layers.length;
        if (count !== undefined && layer >= count) return;
        // The pixel grid only makes sense for the input layer's 784 pixels.
        set({ layer, rowOrder: layer !== 0 && s.rowOrder === 'pixel-grid' ? 'natural' : s.rowOrder });
      },

      selectRowOrder(order) {
        if (!ROW_ORDERS.includes(order)) return;
        if (order === 'pixel-grid' && get().layer !== 0) return;
        set({ rowOrder: order });
      },

      play() {
        const frames = selectedFrames();
        if (frames.length < 2) return;
        // Playing from the last frame replays the history from the initial wiring.
        set((s) => ({ playing: true, cursor: s.cursor >= frames.length - 1 ? 0 : s.cursor }));
      },

      pause() {
        set({ playing: false });
      },

      step(delta) {
        const last = selectedFrames().length - 1;
        if (last < 0 || !Number.isFinite(delta)) return;
        const cursor = Math.min(last, Math.max(0, get().cursor + Math.trunc(delta)));
        set((s) => ({ cursor, playing: s.playing && cursor > 0 && cursor < last }));
      },

      seek(index) {
        const last = selectedFrames().length - 1;
        if (last < 0 || !Number.isFinite(index)) return;
        set({ cursor: Math.min(last, Math.max(0, Math.round(index))) });
      },

      setSpeed(speed) {
        if (PLAYBACK_SPEEDS.includes(speed)) set({ speed });
      },
    };
  });
}

function pickTopology(t: LayerTopologyInput): LayerTopologyInput {
  return { nIn: t.nIn, nOut: t.nOut, links: t.links, weights: t.weights };
}

/** The frame the selected model shows at the cursor, or null. */
export function shownFrame(s: Pick<TopologyState, 'models' | 'selectedModel' | 'cursor'>): TopologyFrame | null {
  if (!s.selectedModel) return null;
  return s.models[s.selectedModel]?.frames[s.cursor] ?? null;
}

/** A model's frame at `epoch`, or its newest frame before it, or its first; null without frames. */
export function frameAtEpoch(model: ModelTopology | undefined, epoch: number): TopologyFrame | null {
  if (!model || model.frames.length === 0) return null;
  let best = model.frames[0];
  for (const f of model.frames) if (f.epoch <= epoch) best = f;
  return best;
}

export { topologyEventHandler } from './topologyEvents';

/** The page's topology store (the panels use it unless given another). */
export const topologyStore: TopologyStore = createTopologyStore();
