// Shareable links: reads the page's state from a URL query (bad or unknown keys are set aside and
// reported, never obeyed), writes it back as a short query, and keeps the address bar in step.
import { DEFAULT_CONFIG, type TrainConfig } from '../engine/types';
import type { ConfigForm, FieldName } from './configForm';
import { DEFAULT_SLIDERS, type Sliders } from './robustness';
import {
  URL_KEYS, URL_SCHEMA, defaultUrlState, isUrlKey, parseUrlValue, serialiseUrlValue,
  type UrlContext, type UrlKey, type UrlState,
} from './urlSchema';

export type { UrlContext, UrlKey, UrlState };

/** A query longer than this is read only up to here (a hostile link cannot make the page work hard). */
export const MAX_QUERY_LENGTH = 2000;
/** Parameters read from one query, at most. */
export const MAX_URL_PARAMS = 40;
/** Ignored keys are shown to the user; a key longer than this is shortened for the notice. */
export const MAX_SHOWN_KEY_LENGTH = 24;

export type IgnoredReason = 'unknown setting' | 'not a valid value' | 'repeated' | 'too many settings';

export interface IgnoredKey {
  /** The key as written, stripped of control characters and shortened for display. */
  key: string;
  reason: IgnoredReason;
}

export interface ParsedUrl {
  state: UrlState;
  /** The keys whose values were read (the rest are at their defaults). */
  given: UrlKey[];
  ignored: IgnoredKey[];
}

/** A key made safe to show as text: no control characters, bounded length. */
export function displayKey(key: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = key.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069]/g, '');
  if (clean === '') return '(empty)';
  return clean.length > MAX_SHOWN_KEY_LENGTH ? `${clean.slice(0, MAX_SHOWN_KEY_LENGTH - 1)}…` : clean;
}

/**
 * Reads a query string ("?a=1&b=2" or "a=1&b=2") into the page's state. Missing keys take their
 * defaults; unknown keys, bad values and repeats are listed in `ignored`; the first occurrence of a key wins.
 */
export function parseUrlState(search: string, ctx: UrlContext): ParsedUrl {
  const state = defaultUrlState();
  const given: UrlKey[] = [];
  const ignored: IgnoredKey[] = [];
  const query = search.slice(0, MAX_QUERY_LENGTH);
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(query);
  } catch {
    return { state, given, ignored: [{ key: '(query)', reason: 'not a valid value' }] };
  }
  const seen = new Set<string>();
  let count = 0;
  for (const [key, raw] of params) {
    count++;
    if (count > MAX_URL_PARAMS) {
      ignored.push({ key: displayKey(key), reason: 'too many settings' });
      continue;
    }
    if (!isUrlKey(key)) {
      ignored.push({ key: displayKey(key), reason: 'unknown setting' });
      continue;
    }
    if (seen.has(key)) {
      ignored.push({ key, reason: 'repeated' });
      continue;
    }
    seen.add(key);
    const value = parseUrlValue(key, raw, ctx);
    if (value === undefined) {
      ignored.push({ key, reason: 'not a valid value' });
      continue;
    }
    (state as unknown as Record<UrlKey, unknown>)[key] = value;
    given.push(key);
  }
  return { state, given, ignored: collapseOverflow(ignored) };
}

/** Beyond a few, "too many settings" entries say nothing new: keep one. */
function collapseOverflow(ignored: IgnoredKey[]): IgnoredKey[] {
  const firstOverflow = ignored.findIndex((i) => i.reason === 'too many settings');
  if (firstOverflow < 0) return ignored;
  return ignored.filter((i, index) => i.reason !== 'too many settings' || index === firstOverflow);
}

/** The query for a state ("" when everything is at its default): only keys that differ are written. */
export function serialiseUrlState(state: Partial<UrlState>): string {
  const params = new URLSearchParams();
  for (const key of URL_KEYS) {
    const value = state[key];
    if (value === undefined) continue;
    const text = serialiseUrlValue(key, value);
    if (text !== serialiseUrlValue(key, URL_SCHEMA[key].default)) params.set(key, text);
  }
  const query = params.toString();
  return query === '' ? '' : `?${query}`;
}

/** One line for the notice: "Ignored in the link: foo (unknown setting), hidden (not a valid value)". */
export function describeIgnored(ignored: readonly IgnoredKey[], maxListed = 6): string {
  if (ignored.length === 0) return '';
  const listed = ignored.slice(0, maxListed).map((i) => `${i.key} (${i.reason})`);
  const more = ignored.length > maxListed ? `, and ${ignored.length - maxListed} more` : '';
  return `Some settings in this link were ignored and left at their defaults: ${listed.join(', ')}${more}.`;
}

// ------------------------------------------------------------------ keeping the address bar in step

/** Where the state comes from: a reader of the current values and a change subscription. */
export interface UrlSource {
  /** The values as they are now; a key left out keeps the value the link had before. */
  read(): Partial<UrlState>;
  subscribe(onChange: () => void): () => void;
}

/** The parts of `window.location` and `window.history` the sync uses (fakes in tests). */
export interface AddressBar {
  location: { pathname: string; search: string; hash: string };
  history: { replaceState(data: unknown, unused: string, url?: string | URL | null): void };
}

export interface UrlSync {
  /** Writes the current state now (e.g. before copying the link); returns the page's full address. */
  flush(): string;
  stop(): void;
}

export const URL_SYNC_DELAY_MS = 300;

/**
 * Mirrors `source` into the address bar with history.replaceState, at most once per `delayMs`
 * after the last change (typing in a field does not flood the history API).
 */
export function startUrlSync(source: UrlSource, bar: AddressBar, initial: UrlState, delayMs = URL_SYNC_DELAY_MS): UrlSync {
  let current: UrlState = { ...initial };
  let timer: ReturnType<typeof setTimeout> | null = null;

  const write = () => {
    timer = null;
    current = { ...current, ...source.read() };
    const { pathname, search, hash } = bar.location;
    const query = serialiseUrlState(current);
    if (query !== search) bar.history.replaceState(null, '', `${pathname}${query}${hash}`);
  };
  const schedule = () => {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(write, delayMs);
  };
  const unsubscribe = source.subscribe(schedule);
  // The link the page opened with may hold ignored keys or defaults: tidy it once.
  schedule();
  return {
    flush() {
      if (timer !== null) clearTimeout(timer);
      write();
      const { pathname, search, hash } = bar.location;
      return `${pathname}${search}${hash}`;
    },
    stop() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      unsubscribe();
    },
  };
}

/** Combines several sources into one (the page's state lives in several stores). */
export function combineSources(sources: readonly UrlSource[]): UrlSource {
  return {
    read: () => Object.assign({}, ...sources.map((s) => s.read())) as Partial<UrlState>,
    subscribe(onChange) {
      const unsubscribers = sources.map((s) => s.subscribe(onChange));
      return () => { for (const u of unsubscribers) u(); };
    },
  };
}

// ------------------------------------------------------------------ the lab's stores as a source

/** The presentation-mode flag's store (structural, so state/ need not import views/). */
export interface PresentingStore {
  getState(): { presenting: boolean };
  subscribe(listener: () => void): () => void;
}

/** The stores a link describes (a subset of the Lab from ./lab). */
export interface LabStores {
  session: { getState(): { dataset: UrlState['dataset'] }; subscribe(listener: () => void): () => void };
  training: { getState(): { form: ConfigForm }; subscribe(listener: () => void): () => void };
  ui: { getState(): { panel: string }; subscribe(listener: () => void): () => void };
  robustness: { getState(): { sliders: Sliders }; subscribe(listener: () => void): () => void };
}

/** Form fields whose URL key differs from the field's name. */
const FORM_TO_URL: Readonly<Record<FieldName, UrlKey>> = {
  strategy: 'strategy', hidden: 'hidden', density: 'density', zeta: 'zeta', zetaSchedule: 'zetaSchedule', pruning: 'pruning',
  epochs: 'epochs', batchSize: 'batch', learningRate: 'lr', weightDecay: 'weightDecay', seed: 'seed',
  trainLimit: 'trainLimit',
};

const NO_PANELS: UrlContext = { panelIds: [] };

/**
 * The training form as URL values: each field whose text is a valid value; a field being edited
 * into something unreadable is left out, so the link keeps its last good value.
 */
export function formToUrl(form: ConfigForm, trainSetSize: number): Partial<UrlState> {
  const out: Partial<Record<UrlKey, unknown>> = {};
  for (const name of Object.keys(FORM_TO_URL) as FieldName[]) {
    const key = FORM_TO_URL[name];
    const value = parseUrlValue(key, form[name].trim(), NO_PANELS);
    if (value === undefined) continue;
    out[key] = key === 'trainLimit' && value === trainSetSize ? null : value;
  }
  return out as Partial<UrlState>;
}

/** The URL values as the training configuration the form starts from. */
export function configFromUrl(state: UrlState): TrainConfig {
  return {
    ...DEFAULT_CONFIG,
    dataset: state.dataset,
    strategy: state.strategy,
    hidden: state.hidden,
    density: state.density,
    zeta: state.zeta,
    zetaSchedule: state.zetaSchedule,
    pruning: state.pruning,
    epochs: state.epochs,
    batchSize: state.batch,
    learningRate: state.lr,
    weightDecay: state.weightDecay,
    seed: state.seed,
    trainLimit: state.trainLimit,
  };
}

/** The robustness sliders a link sets. */
export function slidersFromUrl(state: UrlState): Sliders {
  return { ...DEFAULT_SLIDERS, removal: state.removal, shuffle: state.shuffle, epsilon: state.eps, attack: state.attack };
}

/** Reads dataset, training form, sliders, panel and presentation mode from the page's stores. */
export function labUrlSource(lab: LabStores, presentation: PresentingStore, trainSetSize: number): UrlSource {
  const stores = [lab.session, lab.training, lab.ui, lab.robustness, presentation];
  return {
    read: () => {
      const { removal, shuffle, epsilon, attack } = lab.robustness.getState().sliders;
      return {
        dataset: lab.session.getState().dataset,
        ...formToUrl(lab.training.getState().form, trainSetSize),
        removal, shuffle, eps: epsilon, attack,
        panel: lab.ui.getState().panel,
        present: presentation.getState().presenting,
      };
    },
    subscribe(onChange) {
      const unsubscribers = stores.map((s) => s.subscribe(onChange));
      return () => { for (const u of unsubscribers) u(); };
    },
  };
}
