// The Training panel's settings as one declarative table: each field's label, kind and limits drive
// both the form controls and the parsing of what the user typed into a TrainConfig.
import { DEFAULT_CONFIG, validateConfig, type DatasetName, type Pruning, type Strategy, type TrainConfig, type ZetaSchedule } from '../engine/types';

export type FieldName =
  | 'strategy' | 'hidden' | 'density' | 'zeta' | 'zetaSchedule' | 'pruning' | 'epochs' | 'batchSize'
  | 'learningRate' | 'weightDecay' | 'seed' | 'trainLimit';

/** What the user has typed, field by field (inputs hold text; parsing happens once, here). */
export type ConfigForm = Record<FieldName, string>;

interface ChoiceField {
  name: FieldName;
  label: string;
  kind: 'choice';
  options: ReadonlyArray<{ value: string; label: string }>;
  hint?: string;
}

interface NumberField {
  name: FieldName;
  label: string;
  kind: 'int' | 'number';
  min?: number;
  max?: number;
  step?: number | 'any';
  hint?: string;
}

export type FieldSpec = ChoiceField | NumberField;

export const STRATEGY_OPTIONS: ReadonlyArray<{ value: Strategy; label: string }> = [
  { value: 'set', label: 'adaptive SET' },
  { value: 'rigl', label: 'adaptive RigL' },
  { value: 'static', label: 'static sparse' },
  { value: 'dense', label: 'dense' },
];

export const ZETA_SCHEDULE_OPTIONS: ReadonlyArray<{ value: ZetaSchedule; label: string }> = [
  { value: 'constant', label: 'constant' },
  { value: 'cosine', label: 'cosine decay' },
];

export const PRUNING_OPTIONS: ReadonlyArray<{ value: Pruning; label: string }> = [
  { value: 'magnitude', label: 'smallest |w|' },
  { value: 'by-sign', label: 'smallest |w| of each sign' },
];

export const CONFIG_FIELDS: ReadonlyArray<FieldSpec> = [
  { name: 'strategy', label: 'Strategy', kind: 'choice', options: STRATEGY_OPTIONS },
  { name: 'hidden', label: 'Hidden size H', kind: 'int', min: 1, max: 8192, step: 1 },
  { name: 'density', label: 'Density', kind: 'number', min: 0.0001, max: 1, step: 'any' },
  { name: 'zeta', label: 'ζ (prune fraction)', kind: 'number', min: 0, max: 0.99, step: 'any' },
  { name: 'zetaSchedule', label: 'ζ schedule', kind: 'choice', options: ZETA_SCHEDULE_OPTIONS },
  {
    name: 'pruning', label: 'Pruning', kind: 'choice', options: PRUNING_OPTIONS,
    hint: 'Which links a rewiring removes: the ζ weakest of the layer, or (as SET\'s own code does) ζ of the positive and ζ of the negative weights.',
  },
  { name: 'epochs', label: 'Epochs', kind: 'int', min: 1, max: 1000, step: 1 },
  { name: 'batchSize', label: 'Batch size', kind: 'int', min: 1, max: 60000, step: 1 },
  { name: 'learningRate', label: 'Learning rate', kind: 'number', min: 0, max: 10, step: 'any' },
  { name: 'seed', label: 'Seed', kind: 'int', min: 0, max: 4294967295, step: 1 },
  {
    name: 'weightDecay', label: 'Weight decay', kind: 'number', min: 0, max: 0.99, step: 'any',
    hint: 'L2 decay is what makes rewiring matter: it lets unhelpful links shrink so SET prunes them.',
  },
  { name: 'trainLimit', label: 'Training-set size', kind: 'int', min: 1, max: 60000, step: 1 },
];

export const FIELD_BY_NAME: Readonly<Record<FieldName, FieldSpec>> = Object.fromEntries(
  CONFIG_FIELDS.map((f) => [f.name, f]),
) as Record<FieldName, FieldSpec>;

/** Training-set size presets: the full set, and a quick demo that trains in seconds. */
export const TRAIN_SIZE_PRESETS: ReadonlyArray<{ id: string; label: string; size: number | null }> = [
  { id: 'full', label: 'Full set', size: null },
  { id: 'quick', label: 'Quick demo (2,000)', size: 2000 },
];

/** Fields that mean nothing for a strategy (the form disables them). */
export function irrelevantFields(strategy: string): FieldName[] {
  if (strategy === 'dense') return ['density', 'zeta', 'zetaSchedule', 'pruning'];
  if (strategy === 'static') return ['zeta', 'zetaSchedule', 'pruning'];
  return [];
}

/** The form filled from a configuration (training-set size shows the full count when null). */
export function formFromConfig(config: TrainConfig, trainSetSize: number): ConfigForm {
  return {
    strategy: config.strategy,
    hidden: String(config.hidden),
    density: String(config.density),
    zeta: String(config.zeta),
    zetaSchedule: config.zetaSchedule,
    pruning: config.pruning,
    epochs: String(config.epochs),
    batchSize: String(config.batchSize),
    learningRate: String(config.learningRate),
    weightDecay: String(config.weightDecay),
    seed: String(config.seed),
    trainLimit: String(config.trainLimit ?? trainSetSize),
  };
}

export interface ParsedForm {
  /** The configuration, or null while any field is unreadable or invalid. */
  config: TrainConfig | null;
  /** Problems in the user's words, first the unreadable fields, then validateConfig's. */
  problems: string[];
}

function parseNumber(spec: NumberField, text: string, problems: string[]): number {
  const trimmed = text.trim();
  if (trimmed === '') {
    problems.push(`${spec.label} is required`);
    return NaN;
  }
  const value = Number(trimmed);
  if (!Number.isFinite(value)) {
    problems.push(`${spec.label} must be a number, got "${trimmed}"`);
    return NaN;
  }
  if (spec.kind === 'int' && !Number.isInteger(value)) {
    problems.push(`${spec.label} must be a whole number, got ${trimmed}`);
    return NaN;
  }
  return value;
}

/**
 * Reads the form into a TrainConfig for `dataset` and checks it with validateConfig. A training-set
 * size equal to the whole set becomes `trainLimit: null` (use everything).
 */
export function parseConfigForm(form: ConfigForm, dataset: DatasetName, trainSetSize: number): ParsedForm {
  const problems: string[] = [];
  const num = (name: FieldName) => parseNumber(FIELD_BY_NAME[name] as NumberField, form[name], problems);
  const hidden = num('hidden');
  const density = num('density');
  const zeta = num('zeta');
  const epochs = num('epochs');
  const batchSize = num('batchSize');
  const learningRate = num('learningRate');
  const weightDecay = num('weightDecay');
  const seed = num('seed');
  const limit = num('trainLimit');
  if (problems.length > 0) return { config: null, problems };

  const config: TrainConfig = {
    ...DEFAULT_CONFIG,
    dataset,
    strategy: form.strategy as Strategy,
    hidden,
    density,
    zeta,
    zetaSchedule: form.zetaSchedule as ZetaSchedule,
    pruning: form.pruning as Pruning,
    epochs,
    batchSize,
    learningRate,
    weightDecay,
    seed,
    trainLimit: limit === trainSetSize ? null : limit,
  };
  const invalid = validateConfig(config, trainSetSize);
  return invalid.length > 0 ? { config: null, problems: invalid } : { config, problems: [] };
}
