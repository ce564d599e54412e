// The one table of what a shareable link may carry: each URL key's type, default, parser and
// serialiser. Parsing is strict (a bad value is rejected, never coerced) and never touches the DOM.
import { DATASET_NAMES, SPLIT_COUNTS } from '../data/registry';
import { DEFAULT_CONFIG, PRUNINGS, type DatasetName, type Pruning, type Strategy, type ZetaSchedule } from '../engine/types';
import { DEFAULT_SLIDERS, SLIDER_MAX, type AttackChoice } from './robustness';

/** Everything a link restores: dataset, training settings, robustness sliders, panel, presentation. */
export interface UrlState {
  dataset: DatasetName;
  strategy: Strategy;
  hidden: number;
  density: number;
  zeta: number;
  zetaSchedule: ZetaSchedule;
  pruning: Pruning;
  epochs: number;
  batch: number;
  lr: number;
  weightDecay: number;
  seed: number;
  /** Training images used; null = the whole set. */
  trainLimit: number | null;
  /** Robustness sliders: fraction of links removed, fraction shuffled, input budget ε and its attack. */
  removal: number;
  shuffle: number;
  eps: number;
  attack: AttackChoice;
  panel: string;
  present: boolean;
  /** Which backend the worker starts on: 'auto' picks the fastest real one; a name insists on it. */
  backend: BackendPreference;
  /** How many workers the page's pool runs; 0 = from the machine's cores (2 to 8). */
  workers: number;
}

export type BackendPreference = 'auto' | 'webgpu' | 'webgl' | 'cpu';

export type UrlKey = keyof UrlState;

/** What a parser needs to know about the page (the panels that exist). */
export interface UrlContext {
  panelIds: readonly string[];
}

export interface UrlField<T> {
  key: string;
  type: 'choice' | 'int' | 'number' | 'flag' | 'panel';
  default: T;
  /** The value a URL text stands for, or undefined when the text is not a valid value. */
  parse(raw: string, ctx: UrlContext): T | undefined;
  serialise(value: T): string;
}

export type UrlSchema = { [K in UrlKey]: UrlField<UrlState[K]> };

/** Longer values are rejected unread: no legitimate setting needs more. */
export const MAX_URL_VALUE_LENGTH = 40;

// Plain decimal or exponent notation only: no hex, no "Infinity", no whitespace, no leading "+".
const NUMBER_TEXT = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d{1,3})?$/;
const PANEL_ID_TEXT = /^[a-z][a-z0-9-]{0,31}$/;

interface Range {
  min: number;
  max: number;
  /** The bound itself is not allowed (e.g. density > 0, learning rate > 0, ζ < 1). */
  minExclusive?: boolean;
  maxExclusive?: boolean;
  integer?: boolean;
}

function parseNumberIn(raw: string, range: Range): number | undefined {
  if (raw.length > MAX_URL_VALUE_LENGTH || !NUMBER_TEXT.test(raw)) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) return undefined;
  if (range.integer && !Number.isInteger(value)) return undefined;
  if (range.minExclusive ? value <= range.min : value < range.min) return undefined;
  if (range.maxExclusive ? value >= range.max : value > range.max) return undefined;
  return value;
}

/** A field before the schema names it. */
type FieldSpec<T> = Omit<UrlField<T>, 'key'>;

function numberField(type: 'int' | 'number', defaultValue: number, range: Omit<Range, 'integer'>): FieldSpec<number> {
  return {
    type,
    default: defaultValue,
    parse: (raw) => parseNumberIn(raw, { ...range, integer: type === 'int' }),
    serialise: (value) => String(value),
  };
}

function choiceField<T extends string>(choices: readonly T[], defaultValue: T): FieldSpec<T> {
  return {
    type: 'choice',
    default: defaultValue,
    parse: (raw) => (choices as readonly string[]).includes(raw) ? (raw as T) : undefined,
    serialise: (value) => value,
  };
}

const STRATEGIES: readonly Strategy[] = ['set', 'rigl', 'static', 'dense'];
const ZETA_SCHEDULES: readonly ZetaSchedule[] = ['constant', 'cosine'];
const ATTACKS: readonly AttackChoice[] = ['fgsm', 'pgd', 'noise'];
const BACKENDS: readonly BackendPreference[] = ['auto', 'webgpu', 'webgl', 'cpu'];

const trainLimitField: FieldSpec<number | null> = {
  type: 'int',
  default: null,
  parse: (raw) => (raw === 'full' ? null : parseNumberIn(raw, { min: 1, max: SPLIT_COUNTS.train, integer: true })),
  serialise: (value) => (value === null ? 'full' : String(value)),
};

const presentField: FieldSpec<boolean> = {
  type: 'flag',
  default: false,
  parse: (raw) => (raw === '1' || raw === 'true' ? true : raw === '0' || raw === 'false' ? false : undefined),
  serialise: (value) => (value ? '1' : '0'),
};

const panelField: FieldSpec<string> = {
  type: 'panel',
  default: 'train',
  parse: (raw, ctx) => (PANEL_ID_TEXT.test(raw) && ctx.panelIds.includes(raw) ? raw : undefined),
  serialise: (value) => value,
};

// Ranges follow validateConfig (src/engine/types.ts) so a link never fills the form with a value the
// engine would refuse; the sliders' ranges are the Robustness panel's (src/state/robustness.ts).
const FIELDS: { [K in UrlKey]: FieldSpec<UrlState[K]> } = {
  dataset: choiceField(DATASET_NAMES, DEFAULT_CONFIG.dataset),
  strategy: choiceField(STRATEGIES, DEFAULT_CONFIG.strategy),
  hidden: numberField('int', DEFAULT_CONFIG.hidden, { min: 1, max: 8192 }),
  density: numberField('number', DEFAULT_CONFIG.density, { min: 0, max: 1, minExclusive: true }),
  zeta: numberField('number', DEFAULT_CONFIG.zeta, { min: 0, max: 1, maxExclusive: true }),
  zetaSchedule: choiceField(ZETA_SCHEDULES, DEFAULT_CONFIG.zetaSchedule),
  pruning: choiceField(PRUNINGS, DEFAULT_CONFIG.pruning),
  epochs: numberField('int', DEFAULT_CONFIG.epochs, { min: 1, max: 1000 }),
  batch: numberField('int', DEFAULT_CONFIG.batchSize, { min: 1, max: SPLIT_COUNTS.train }),
  lr: numberField('number', DEFAULT_CONFIG.learningRate, { min: 0, max: 10, minExclusive: true }),
  weightDecay: numberField('number', DEFAULT_CONFIG.weightDecay, { min: 0, max: 1, maxExclusive: true }),
  seed: numberField('int', DEFAULT_CONFIG.seed, { min: 0, max: 0xffffffff }),
  trainLimit: trainLimitField,
  removal: numberField('number', DEFAULT_SLIDERS.removal, { min: 0, max: SLIDER_MAX.removal }),
  shuffle: numberField('number', DEFAULT_SLIDERS.shuffle, { min: 0, max: SLIDER_MAX.shuffle }),
  eps: numberField('number', DEFAULT_SLIDERS.epsilon, { min: 0, max: SLIDER_MAX.epsilon }),
  attack: choiceField(ATTACKS, DEFAULT_SLIDERS.attack),
  panel: panelField,
  present: presentField,
  backend: choiceField(BACKENDS, 'auto'),
  workers: numberField('int', 0, { min: 0, max: 8 }),
};

/** The schema, in the order keys appear in a link; each field's key is its name in UrlState. */
export const URL_SCHEMA: Readonly<UrlSchema> = Object.freeze(
  Object.fromEntries(Object.entries(FIELDS).map(([key, field]) => [key, Object.freeze({ ...field, key })])),
) as UrlSchema;

export const URL_KEYS: readonly UrlKey[] = Object.keys(FIELDS) as UrlKey[];

export function isUrlKey(key: string): key is UrlKey {
  return Object.prototype.hasOwnProperty.call(FIELDS, key);
}

/** Every key at its default: the state of a link with no parameters. */
export function defaultUrlState(): UrlState {
  return Object.fromEntries(URL_KEYS.map((k) => [k, URL_SCHEMA[k].default])) as unknown as UrlState;
}

/** Parses one key's text with its field (keeps the key–value typing in one place). */
export function parseUrlValue<K extends UrlKey>(key: K, raw: string, ctx: UrlContext): UrlState[K] | undefined {
  return (URL_SCHEMA[key] as UrlField<UrlState[K]>).parse(raw, ctx);
}

export function serialiseUrlValue<K extends UrlKey>(key: K, value: UrlState[K]): string {
  return (URL_SCHEMA[key] as UrlField<UrlState[K]>).serialise(value);
}
