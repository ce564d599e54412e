// Shareable links: the URL schema round-trips every key, rejects bad and hostile values (reporting
// them), ignores unknown keys, and the address-bar sync writes a short, canonical query.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/engine/types';
import {
  MAX_SHOWN_KEY_LENGTH, configFromUrl, describeIgnored, displayKey, formToUrl, labUrlSource, parseUrlState,
  serialiseUrlState, slidersFromUrl, startUrlSync, type AddressBar, type UrlSource,
} from '../../src/state/url';
import { DEFAULT_SLIDERS, SLIDER_MAX, type Sliders } from '../../src/state/robustness';
import { URL_KEYS, URL_SCHEMA, defaultUrlState, type UrlState } from '../../src/state/urlSchema';
import { formFromConfig } from '../../src/state/configForm';
import { createStore } from 'zustand/vanilla';

const ctx = { panelIds: ['train', 'topology', 'robustness', 'draw'] };

const CHANGED: UrlState = {
  dataset: 'fashion-mnist', strategy: 'rigl', hidden: 300, density: 0.05, zeta: 0.2, zetaSchedule: 'cosine', pruning: 'by-sign',
  epochs: 3, batch: 64, lr: 0.0005, weightDecay: 0, seed: 4294967295, trainLimit: 2000,
  removal: 0.3, shuffle: 0.15, eps: 0.1, attack: 'pgd', panel: 'robustness', present: true, backend: 'cpu', workers: 3,
};

describe('URL schema', () => {
  it('covers every key with a default that serialises and parses back to itself', () => {
    const defaults = defaultUrlState();
    for (const key of URL_KEYS) {
      const field = URL_SCHEMA[key];
      expect(field.key).toBe(key);
      const text = (field.serialise as (v: unknown) => string)(defaults[key]);
      expect(field.parse(text, ctx)).toEqual(defaults[key]);
    }
    expect(configFromUrl(defaults)).toEqual(DEFAULT_CONFIG);
  });

  it('round-trips a state where every key differs from its default', () => {
    for (const key of URL_KEYS) expect(CHANGED[key], key).not.toEqual(defaultUrlState()[key]);
    const query = serialiseUrlState(CHANGED);
    const parsed = parseUrlState(query, ctx);
    expect(parsed.ignored).toEqual([]);
    expect(parsed.state).toEqual(CHANGED);
    expect(new Set(parsed.given)).toEqual(new Set(URL_KEYS));
  });

  it('writes nothing for defaults and only the keys that differ otherwise', () => {
    expect(serialiseUrlState(defaultUrlState())).toBe('');
    expect(serialiseUrlState({ ...defaultUrlState(), hidden: 500, present: true })).toBe('?hidden=500&present=1');
  });

  it('keeps numbers exact through the text form', () => {
    for (const lr of [1e-3, 3e-4, 1e-7, 0.1 + 0.2]) {
      expect(parseUrlState(serialiseUrlState({ ...defaultUrlState(), lr }), ctx).state.lr).toBe(lr);
    }
  });
});

describe('parsing links', () => {
  it('falls back to defaults for bad values and names each ignored key', () => {
    const parsed = parseUrlState('?hidden=abc&density=0&zeta=1&epochs=2.5&dataset=cifar&present=yes&lr=0x10&seed=-1', ctx);
    expect(parsed.state).toEqual(defaultUrlState());
    expect(parsed.given).toEqual([]);
    expect(parsed.ignored.map((i) => i.key)).toEqual(['hidden', 'density', 'zeta', 'epochs', 'dataset', 'present', 'lr', 'seed']);
    expect(parsed.ignored.every((i) => i.reason === 'not a valid value')).toBe(true);
  });

  it('rejects out-of-range, non-finite and oddly written numbers', () => {
    for (const q of ['hidden=8193', 'hidden=0', 'batch=60001', 'lr=Infinity', 'lr=NaN', 'lr=%201', 'lr=+1', 'weightDecay=1', 'trainLimit=60001', 'removal=1.5', 'eps=-0.1', `eps=${SLIDER_MAX.epsilon + 0.01}`, 'hidden=1e400']) {
      const parsed = parseUrlState(`?${q}`, ctx);
      expect(parsed.given, q).toEqual([]);
      expect(parsed.ignored, q).toHaveLength(1);
    }
    expect(parseUrlState('?hidden=1e3&trainLimit=full&lr=.5', ctx).state).toMatchObject({ hidden: 1000, trainLimit: null, lr: 0.5 });
  });

  it('keeps hostile text out of the state and shows keys only as bounded, clean text', () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const query = `?panel=${encodeURIComponent(hostile)}&strategy=${encodeURIComponent('"><script>alert(1)</script>')}`
      + `&${encodeURIComponent(hostile)}=1&dataset=${'m'.repeat(5000)}`;
    const parsed = parseUrlState(query, ctx);
    expect(parsed.state).toEqual(defaultUrlState());
    expect(JSON.stringify(parsed.state)).not.toContain('<');
    const unknown = parsed.ignored.find((i) => i.reason === 'unknown setting');
    expect(unknown?.key.length).toBeLessThanOrEqual(MAX_SHOWN_KEY_LENGTH);
    expect(displayKey('a\u0000b\u202ec\nd')).toBe('abcd');
    expect(displayKey('')).toBe('(empty)');
  });

  it('only accepts panels the page has', () => {
    expect(parseUrlState('?panel=draw', ctx).state.panel).toBe('draw');
    expect(parseUrlState('?panel=experiment', ctx).ignored).toEqual([{ key: 'panel', reason: 'not a valid value' }]);
    expect(parseUrlState('?panel=__proto__', { panelIds: ['__proto__'] }).state.panel).toBe('train');
  });

  it('ignores unknown keys and repeats, first value winning, and caps how much it reads', () => {
    const parsed = parseUrlState('?utm_source=x&hidden=200&hidden=300&constructor=1&__proto__=1', ctx);
    expect(parsed.state.hidden).toBe(200);
    expect(parsed.ignored).toEqual([
      { key: 'utm_source', reason: 'unknown setting' },
      { key: 'hidden', reason: 'repeated' },
      { key: 'constructor', reason: 'unknown setting' },
      { key: '__proto__', reason: 'unknown setting' },
    ]);
    const many = parseUrlState(`?${Array.from({ length: 100 }, (_, i) => `k${i}=1`).join('&')}`, ctx);
    expect(many.ignored.filter((i) => i.reason === 'too many settings')).toHaveLength(1);
    expect(many.ignored.length).toBeLessThan(50);
  });

  it('describes ignored keys in one sentence, listing a few', () => {
    expect(describeIgnored([])).toBe('');
    const text = describeIgnored(Array.from({ length: 9 }, (_, i) => ({ key: `k${i}`, reason: 'unknown setting' as const })));
    expect(text).toContain('k0 (unknown setting)');
    expect(text).toContain('and 3 more');
    expect(text).not.toContain('k8');
  });
});

describe('the training form in the link', () => {
  it('maps form fields to URL keys, full training set to null, and leaves unreadable fields out', () => {
    const form = formFromConfig({ ...DEFAULT_CONFIG, batchSize: 32, learningRate: 0.01 }, 60000);
    expect(formToUrl(form, 60000)).toMatchObject({ batch: 32, lr: 0.01, trainLimit: null, hidden: 1000 });
    const edited = formToUrl({ ...form, hidden: '12a', trainLimit: ' 2000 ' }, 60000);
    expect(edited.hidden).toBeUndefined();
    expect(edited.trainLimit).toBe(2000);
  });
});

describe('keeping the address bar in step', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  function fakeBar(search: string): AddressBar & { writes: string[] } {
    const writes: string[] = [];
    const bar = {
      writes,
      location: { pathname: '/rewire-lab/', search, hash: '#top' },
      history: {
        replaceState(_d: unknown, _u: string, url?: string | URL | null) {
          const text = String(url);
          writes.push(text);
          const q = text.indexOf('?');
          bar.location.search = q < 0 ? '' : text.slice(q, text.indexOf('#') < 0 ? undefined : text.indexOf('#'));
        },
      },
    };
    return bar;
  }

  it('writes after a quiet pause, once for a burst of changes, and keeps path and hash', () => {
    const store = createStore<{ hidden: number }>()(() => ({ hidden: 1000 }));
    const source: UrlSource = { read: () => ({ hidden: store.getState().hidden }), subscribe: (f) => store.subscribe(f) };
    const bar = fakeBar('?bogus=1');
    const sync = startUrlSync(source, bar, defaultUrlState(), 300);
    vi.advanceTimersByTime(300);
    expect(bar.writes).toEqual(['/rewire-lab/#top']); // the ignored key is tidied away
    for (const hidden of [10, 20, 30]) {
      store.setState({ hidden });
      vi.advanceTimersByTime(100);
    }
    expect(bar.writes).toHaveLength(1);
    vi.advanceTimersByTime(300);
    expect(bar.writes).toEqual(['/rewire-lab/#top', '/rewire-lab/?hidden=30#top']);
    store.setState({ hidden: 30 });
    vi.advanceTimersByTime(300);
    expect(bar.writes).toHaveLength(2); // nothing changed, nothing written
    store.setState({ hidden: 40 });
    expect(sync.flush()).toBe('/rewire-lab/?hidden=40#top');
    sync.stop();
    store.setState({ hidden: 50 });
    vi.advanceTimersByTime(1000);
    expect(bar.writes).toHaveLength(3);
  });

  it('keeps values no store reports yet (sliders before their panel exists)', () => {
    const source: UrlSource = { read: () => ({}), subscribe: () => () => undefined };
    const bar = fakeBar('?removal=0.3&eps=0.1');
    const opening = parseUrlState(bar.location.search, ctx);
    startUrlSync(source, bar, opening.state, 300).flush();
    expect(bar.location.search).toBe('?removal=0.3&eps=0.1');
  });

  it('reads dataset, form, panel and presentation from the lab stores', () => {
    const session = createStore(() => ({ dataset: 'fashion-mnist' as const }));
    const training = createStore(() => ({ form: formFromConfig({ ...DEFAULT_CONFIG, strategy: 'static', epochs: 2 }, 60000) }));
    const ui = createStore(() => ({ panel: 'draw' }));
    const presentation = createStore(() => ({ presenting: true }));
    const robustness = createStore<{ sliders: Sliders }>()(() => ({ sliders: { ...DEFAULT_SLIDERS, removal: 0.3, attack: 'pgd' } }));
    const source = labUrlSource({ session, training, ui, robustness }, presentation, 60000);
    expect(serialiseUrlState({ ...defaultUrlState(), ...source.read() }))
      .toBe('?dataset=fashion-mnist&strategy=static&epochs=2&removal=0.3&attack=pgd&panel=draw&present=1');
    expect(slidersFromUrl(parseUrlState('?removal=0.3&eps=0.05&attack=noise', ctx).state)).toEqual({ ...DEFAULT_SLIDERS, removal: 0.3, shuffle: 0, epsilon: 0.05, attack: 'noise' });
    const calls: number[] = [];
    const stop = source.subscribe(() => calls.push(1));
    ui.setState({ panel: 'train' });
    presentation.setState({ presenting: false });
    robustness.setState({ sliders: { ...DEFAULT_SLIDERS } });
    stop();
    ui.setState({ panel: 'draw' });
    expect(calls).toHaveLength(3);
  });
});
