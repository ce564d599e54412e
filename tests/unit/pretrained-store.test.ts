// Pretrained models: index.json validation, the loading order (one dataset, smallest first, one at a
// time), quiet absence, clear dismissible failures, on-demand files and the status line.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  createPretrainedStore, parsePretrainedIndex, pretrainedStatusLine, type PretrainedEntry,
} from '../../src/state/pretrained';

const ENTRIES: PretrainedEntry[] = [
  { file: 'mnist-dense.json', dataset: 'mnist', strategy: 'dense', weightDecay: 1e-4, testAccuracy: 0.981, links: null, sizeBytes: 12_000_000 },
  { file: 'mnist-set.json', dataset: 'mnist', strategy: 'set', weightDecay: 1e-4, testAccuracy: 0.974, links: [7840, 10000, 10000], sizeBytes: 500_000 },
  { file: 'mnist-static.json', dataset: 'mnist', strategy: 'static', weightDecay: 1e-4, testAccuracy: 0.959, links: 27840, sizeBytes: 480_000 },
  { file: 'fashion-mnist-set.json', dataset: 'fashion-mnist', strategy: 'set', weightDecay: 0, testAccuracy: 0.86, links: 27840, sizeBytes: 500_000 },
];

type Reply = { status: number; body: string | Uint8Array<ArrayBuffer>; type?: string } | Error;

function fakeServer(files: Record<string, Reply>) {
  const requested: string[] = [];
  const fetch = async (url: string): Promise<Response> => {
    requested.push(url);
    const reply = files[url];
    if (reply instanceof Error) throw reply;
    if (!reply) return new Response('not found', { status: 404, headers: { 'content-type': 'text/plain' } });
    return new Response(reply.body, { status: reply.status, headers: { 'content-type': reply.type ?? 'application/json' } });
  };
  return { fetch, requested };
}

function fakeLoader(fail: Record<string, string> = {}) {
  const loaded: Array<{ fileName: string; text: string }> = [];
  let active = 0;
  let maxActive = 0;
  // The store hands over the bytes as they arrived (gzip inflated); kept as text to compare.
  const loadModelFile = async (content: string | Uint8Array, fileName: string) => {
    if (!(content instanceof Uint8Array)) throw new Error('the store must hand over bytes');
    const text = new TextDecoder().decode(content);
    active++;
    maxActive = Math.max(maxActive, active);
    await new Promise((r) => setTimeout(r, 1));
    active--;
    if (fail[fileName]) return { ok: false as const, error: fail[fileName] };
    loaded.push({ fileName, text });
    return { ok: true as const, testAccuracy: fileName.includes('set') ? 0.9745 : null };
  };
  return { loadModelFile, loaded, maxActive: () => maxActive };
}

const index = (entries: unknown) => ({ status: 200, body: JSON.stringify({ models: entries }) });

describe('index.json', () => {
  it('accepts a list or { models }, and leaves out each bad entry with a problem naming it', () => {
    expect(parsePretrainedIndex(ENTRIES)).toEqual({ ok: true, entries: ENTRIES, problems: [] });
    expect(parsePretrainedIndex({ models: [] })).toEqual({ ok: true, entries: [], problems: [] });
    expect(parsePretrainedIndex({ nope: 1 })).toMatchObject({ ok: false, error: expect.stringMatching(/models\/index\.json: expected a list/) });
    expect(parsePretrainedIndex(null)).toMatchObject({ ok: false });
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ file: '../secret.json' }, /entry 2: "file"/],
      [{ file: 'sub/dir.json' }, /entry 2: "file"/],
      [{ dataset: 'cifar' }, /entry 2: unknown dataset "cifar"/],
      [{ strategy: 'magic' }, /unknown strategy/],
      [{ testAccuracy: 97.4 }, /testAccuracy/],
      [{ sizeBytes: -1 }, /sizeBytes/],
      [{ links: 'many' }, /links/],
      [{ file: ENTRIES[0].file }, /entry 2: "mnist-dense\.json" is listed twice/],
    ];
    for (const [patch, message] of cases) {
      const result = parsePretrainedIndex([ENTRIES[0], { ...ENTRIES[1], ...patch }, ENTRIES[2]]);
      expect(result).toMatchObject({ ok: true, entries: [ENTRIES[0], ENTRIES[2]] });
      if (result.ok) {
        expect(result.problems).toHaveLength(1);
        expect(result.problems[0]).toMatch(message);
      }
    }
  });
});

describe('loading pretrained models', () => {
  it("loads the dataset's models smallest first, one at a time, through the loader", async () => {
    const server = fakeServer({
      '/app/models/index.json': index(ENTRIES),
      '/app/models/mnist-set.json': { status: 200, body: 'SET-FILE' },
      '/app/models/mnist-static.json': { status: 200, body: 'STATIC-FILE' },
      '/app/models/mnist-dense.json': { status: 200, body: 'DENSE-FILE' },
    });
    const loader = fakeLoader();
    const store = createPretrainedStore({ baseUrl: '/app', fetch: server.fetch, loadModelFile: loader.loadModelFile, autoLoadMaxBytes: Infinity });
    expect(pretrainedStatusLine(store.getState(), 'mnist')).toBe('Looking for pretrained models…');
    await store.getState().loadFor('mnist');
    expect(loader.loaded).toEqual([
      { fileName: 'mnist-static.json', text: 'STATIC-FILE' },
      { fileName: 'mnist-set.json', text: 'SET-FILE' },
      { fileName: 'mnist-dense.json', text: 'DENSE-FILE' },
    ]);
    expect(loader.maxActive()).toBe(1);
    expect(server.requested).not.toContain('/app/models/fashion-mnist-set.json');
    expect(store.getState().error).toBeNull();
    expect(pretrainedStatusLine(store.getState(), 'mnist')).toBe('Loaded pretrained static (95.9%), SET (97.5%), dense (98.1%)');
    // Asking again loads nothing twice; the index is read once.
    await store.getState().loadFor('mnist');
    expect(loader.loaded).toHaveLength(3);
    expect(server.requested.filter((u) => u.endsWith('index.json'))).toHaveLength(1);
  });

  it('leaves large files for a click when told to, and loads them on demand', async () => {
    const server = fakeServer({
      '/models/index.json': index(ENTRIES),
      '/models/mnist-set.json': { status: 200, body: 'S' },
      '/models/mnist-static.json': { status: 200, body: 'T' },
      '/models/mnist-dense.json': { status: 200, body: 'D' },
    });
    const loader = fakeLoader();
    const store = createPretrainedStore({ baseUrl: '/', fetch: server.fetch, loadModelFile: loader.loadModelFile, autoLoadMaxBytes: 4_000_000 });
    await store.getState().loadFor('mnist');
    expect(loader.loaded.map((l) => l.fileName)).toEqual(['mnist-static.json', 'mnist-set.json']);
    expect(store.getState().items.find((i) => i.entry.file === 'mnist-dense.json')?.status).toBe('on-demand');
    await store.getState().loadFile('mnist-dense.json');
    expect(loader.loaded.map((l) => l.fileName)).toContain('mnist-dense.json');
  });

  it('gunzips gzipped model files, and takes ones a server already inflated as they are', async () => {
    const text = '{"format":"rewire-lab-model","layers":[]}';
    const server = fakeServer({
      'models/index.json': index([{ ...ENTRIES[1], file: 'mnist-set.json.gz' }, { ...ENTRIES[2], file: 'mnist-static.json.gz' }]),
      'models/mnist-set.json.gz': { status: 200, body: new Uint8Array(gzipSync(text)), type: 'application/gzip' },
      'models/mnist-static.json.gz': { status: 200, body: text, type: 'application/json' },
    });
    const loader = fakeLoader();
    const store = createPretrainedStore({ baseUrl: '', fetch: server.fetch, loadModelFile: loader.loadModelFile, autoLoadMaxBytes: Infinity });
    await store.getState().loadFor('mnist');
    expect(loader.loaded).toEqual([{ fileName: 'mnist-static.json.gz', text }, { fileName: 'mnist-set.json.gz', text }]);
  });

  it('says nothing alarming when there is no index (404, a single-page fallback, or offline)', async () => {
    const replies: Record<string, Reply>[] = [
      {},
      { '/models/index.json': { status: 200, body: '<!doctype html><title>Rewire Lab</title>', type: 'text/html; charset=utf-8' } },
      { '/models/index.json': new TypeError('Failed to fetch') },
    ];
    for (const files of replies) {
      const loader = fakeLoader();
      const store = createPretrainedStore({ baseUrl: '/', fetch: fakeServer(files).fetch, loadModelFile: loader.loadModelFile, autoLoadMaxBytes: Infinity });
      await store.getState().loadFor('mnist');
      expect(store.getState().index).toBe('absent');
      expect(store.getState().error).toBeNull();
      expect(loader.loaded).toEqual([]);
      expect(pretrainedStatusLine(store.getState(), 'mnist')).toBe('No pretrained models in this build.');
    }
  });

  it('loads the good entries of an index with a bad one, and says which was left out', async () => {
    const server = fakeServer({
      '/models/index.json': index([ENTRIES[1], { ...ENTRIES[2], dataset: 'svhn' }]),
      '/models/mnist-set.json': { status: 200, body: 'S' },
    });
    const loader = fakeLoader();
    const store = createPretrainedStore({ baseUrl: '/', fetch: server.fetch, loadModelFile: loader.loadModelFile, autoLoadMaxBytes: Infinity });
    await store.getState().loadFor('mnist');
    expect(loader.loaded.map((l) => l.fileName)).toEqual(['mnist-set.json']);
    expect(store.getState().error).toBe('1 pretrained model was left out: models/index.json: entry 2: unknown dataset "svhn"');
  });

  it('reports a broken index once, as a dismissible message', async () => {
    const server = fakeServer({ '/models/index.json': { status: 200, body: '{"models": [' } });
    const store = createPretrainedStore({ baseUrl: '/', fetch: server.fetch, loadModelFile: fakeLoader().loadModelFile, autoLoadMaxBytes: Infinity });
    await store.getState().loadFor('mnist');
    expect(store.getState().index).toBe('failed');
    expect(store.getState().error).toMatch(/models\/index\.json is not valid JSON/);
    store.getState().dismissError();
    expect(store.getState().error).toBeNull();
  });

  it('a failing model names its file and the problem, and the others still load', async () => {
    const server = fakeServer({
      '/models/index.json': index(ENTRIES),
      '/models/mnist-static.json': { status: 200, body: 'T' },
      '/models/mnist-dense.json': { status: 200, body: 'D' },
    });
    const loader = fakeLoader({ 'mnist-dense.json': 'mnist-dense.json: layer 4 has 9 biases, expected 10' });
    const store = createPretrainedStore({ baseUrl: '/', fetch: server.fetch, loadModelFile: loader.loadModelFile, autoLoadMaxBytes: Infinity });
    await store.getState().loadFor('mnist');
    expect(loader.loaded.map((l) => l.fileName)).toEqual(['mnist-static.json']);
    const statuses = Object.fromEntries(store.getState().items.map((i) => [i.entry.file, i.status]));
    expect(statuses).toMatchObject({ 'mnist-static.json': 'loaded', 'mnist-set.json': 'failed', 'mnist-dense.json': 'failed', 'fashion-mnist-set.json': 'waiting' });
    expect(store.getState().error).toMatch(/dense model \(models\/mnist-dense\.json\): mnist-dense\.json: layer 4 has 9 biases/);
    expect(pretrainedStatusLine(store.getState(), 'mnist')).toBe('Loaded pretrained static (95.9%)');
  });

  it('loads the other dataset when asked, and reports progress while a file loads', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => { release = r; });
    const server = fakeServer({
      '/models/index.json': index(ENTRIES),
      '/models/fashion-mnist-set.json': { status: 200, body: 'F' },
    });
    const store = createPretrainedStore({
      baseUrl: '/',
      fetch: server.fetch,
      loadModelFile: async () => { await gate; return { ok: true as const }; },
      autoLoadMaxBytes: Infinity,
    });
    const done = store.getState().loadFor('fashion-mnist');
    await new Promise((r) => setTimeout(r, 5));
    expect(pretrainedStatusLine(store.getState(), 'fashion-mnist')).toMatch(/^loading SET \(no decay\) \(0%\)…$/);
    release();
    await done;
    expect(pretrainedStatusLine(store.getState(), 'fashion-mnist')).toBe('Loaded pretrained SET (no decay) (86.0%)');
    expect(pretrainedStatusLine({ index: 'ready', items: [] }, 'mnist')).toBe('No pretrained models for this dataset.');
  });
});
