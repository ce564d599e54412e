// Pure helpers behind the page: the settings table and its parsing, time estimates, model labels,
// the curve charts' input checks and domains, and the gallery's pixel colouring.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/engine/types';
import { CONFIG_FIELDS, formFromConfig, irrelevantFields, parseConfigForm } from '../../src/state/configForm';
import { modelLabel } from '../../src/state/models';
import { appendEpoch, epochOverheadSeconds, estimateEtaSeconds, formatDuration, type EpochSummary } from '../../src/state/progress';
import { curveDomains, validateSeries } from '../../src/views/training/curvesData';
import { digitToRgba } from '../../src/views/gallery/digitPixels';

describe('settings form', () => {
  it('round-trips the defaults and has one labelled control per TrainConfig field but dataset', () => {
    const form = formFromConfig(DEFAULT_CONFIG, 60000);
    expect(form.trainLimit).toBe('60000');
    expect(parseConfigForm(form, 'mnist', 60000)).toEqual({ config: { ...DEFAULT_CONFIG }, problems: [] });
    expect(parseConfigForm(form, 'fashion-mnist', 60000).config?.dataset).toBe('fashion-mnist');
    const names = CONFIG_FIELDS.map((f) => f.name).sort();
    const configKeys = Object.keys(DEFAULT_CONFIG).filter((k) => k !== 'dataset').sort();
    expect(names).toEqual(configKeys);
    expect(new Set(CONFIG_FIELDS.map((f) => f.label)).size).toBe(CONFIG_FIELDS.length);
  });

  it('reports unreadable fields by their label, then the engine validation', () => {
    const form = formFromConfig(DEFAULT_CONFIG, 60000);
    expect(parseConfigForm({ ...form, epochs: '2.5', seed: '' }, 'mnist', 60000).problems)
      .toEqual(['Epochs must be a whole number, got 2.5', 'Seed is required']);
    const invalid = parseConfigForm({ ...form, density: '1.5', zeta: '1' }, 'mnist', 60000);
    expect(invalid.config).toBeNull();
    expect(invalid.problems).toEqual(['density must be in (0, 1], got 1.5', 'zeta (prune fraction) must be in [0, 1), got 1']);
    expect(parseConfigForm({ ...form, trainLimit: '70000' }, 'mnist', 60000).problems)
      .toEqual(['training-set size 70000 exceeds the 60000 images available']);
    expect(parseConfigForm({ ...form, weightDecay: ' 0 ' }, 'mnist', 60000).config?.weightDecay).toBe(0);
    expect(parseConfigForm({ ...form, pruning: 'by-sign' }, 'mnist', 60000).config?.pruning).toBe('by-sign');
    expect(parseConfigForm({ ...form, pruning: 'largest' }, 'mnist', 60000).problems).toEqual(['pruning must be magnitude or by-sign, got "largest"']);
  });

  it('disables the settings a strategy ignores', () => {
    expect(irrelevantFields('dense')).toEqual(['density', 'zeta', 'zetaSchedule', 'pruning']);
    expect(irrelevantFields('static')).toEqual(['zeta', 'zetaSchedule', 'pruning']);
    expect(irrelevantFields('set')).toEqual([]);
  });
});

describe('progress arithmetic', () => {
  const base = { epoch: 1, batch: 10, batchesPerEpoch: 100, epochs: 3, batchSize: 50, samplesPerSecond: 1000 };

  it('estimates time left from batches left, plus measured epoch ends', () => {
    // 90 + 2×100 batches of 50 images at 1000 images/s.
    expect(estimateEtaSeconds(base)).toBeCloseTo(14.5);
    // In epoch 2 of 3: 90 + 100 batches (9.5 s) and two epoch ends of 2 s each.
    expect(estimateEtaSeconds({ ...base, epoch: 2, epochOverheadSeconds: 2 })).toBeCloseTo(13.5);
    expect(estimateEtaSeconds({ ...base, samplesPerSecond: 0 })).toBeNull();
    expect(epochOverheadSeconds({ seconds: 8, samplesPerSecond: 1000 }, 5000)).toBeCloseTo(3);
    expect(epochOverheadSeconds({ seconds: 4, samplesPerSecond: 1000 }, 5000)).toBe(0);
  });

  it('formats durations', () => {
    expect(formatDuration(42.4)).toBe('42 s');
    expect(formatDuration(185)).toBe('3 min 05 s');
    expect(formatDuration(3720)).toBe('1 h 02 min');
    expect(formatDuration(null)).toBe('—');
  });

  it('keeps a history in epoch order, a repeated epoch replacing the old one', () => {
    const e = (epoch: number, acc: number): EpochSummary => ({ epoch, trainLoss: 1, testAccuracy: acc, testLoss: 1, seconds: 1, samplesPerSecond: 1, zeta: 0, rewire: [] });
    const h = appendEpoch(appendEpoch(appendEpoch([], e(2, 0.5)), e(1, 0.4)), e(2, 0.6));
    expect(h.map((x) => [x.epoch, x.testAccuracy])).toEqual([[1, 0.4], [2, 0.6]]);
  });
});

describe('model labels', () => {
  it('names strategy, width, density and decay', () => {
    expect(modelLabel(DEFAULT_CONFIG)).toBe('SET · H=1000 · d=1% · decay 1e-4');
    expect(modelLabel({ ...DEFAULT_CONFIG, strategy: 'static', weightDecay: 0, density: 0.05 })).toBe('static · H=1000 · d=5% · no decay');
    expect(modelLabel({ ...DEFAULT_CONFIG, strategy: 'dense', hidden: 64 })).toBe('dense · H=64 · decay 1e-4');
    expect(modelLabel({ ...DEFAULT_CONFIG, pruning: 'by-sign' })).toBe('SET · H=1000 · d=1% · decay 1e-4 · pruned by sign');
    expect(modelLabel({ ...DEFAULT_CONFIG, strategy: 'static', pruning: 'by-sign' })).toBe('static · H=1000 · d=1% · decay 1e-4');
  });
});

describe('curve chart data', () => {
  const series = (points: Array<[number, number]>, id = 'm1') => ({ id, label: id, color: '#000', points: points.map(([epoch, value]) => ({ epoch, value })) });

  it('rejects series it cannot draw, naming the problem', () => {
    expect(validateSeries([series([[1, 0.5], [2, 0.6]])])).toEqual([]);
    expect(validateSeries([series([[2, 0.5], [1, 0.6]])])).toEqual(['series "m1": epochs must increase (1 after 2)']);
    expect(validateSeries([series([[1, NaN]])])).toEqual(['series "m1": epoch 1 has a non-finite value']);
    expect(validateSeries([series([]), series([])])).toEqual(['series id "m1" is used twice']);
  });

  it('pads accuracy within [0, 1], starts loss at 0, and spans at least the planned epochs', () => {
    const d = curveDomains([series([[1, 0.9], [2, 0.95]])], 'fraction', 10);
    expect(d.x).toEqual([1, 10]);
    expect(d.y[0]).toBeCloseTo(0.88);
    expect(d.y[1]).toBe(0.97);
    expect(curveDomains([series([[1, 2], [3, 1]])], 'positive').y).toEqual([0, 2 * 1.08]);
    expect(curveDomains([], 'positive')).toEqual({ x: [1, 2], y: [0, 1] });
  });
});

describe('gallery pixels', () => {
  it('maps ink 0 to the background colour and 255 to white, opaque', () => {
    const images = new Uint8Array(784 * 2);
    images[784 + 5] = 255;
    images[784 + 6] = 128;
    const rgba = digitToRgba(images, 1, [20, 30, 40]);
    expect(Array.from(rgba.slice(0, 4))).toEqual([20, 30, 40, 255]);
    expect(Array.from(rgba.slice(20, 24))).toEqual([255, 255, 255, 255]);
    expect(rgba[24]).toBe(Math.round(20 + 235 * (128 / 255)));
    expect(() => digitToRgba(images, 2, [0, 0, 0])).toThrow(/image 2 is outside the 2 images/);
  });
});
