// Broken dataset assets seen from the page's stores with the real browser loader (fetch stubbed to
// serve public/ from disk, with broken files): a truncated gzip, a changed label, a wrong magic
// number, a missing file each give a banner naming the file; training refuses to start; and the
// other dataset stays usable.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clearDataCache, loadSplit } from '../../src/data/loadBrowser';
import { REPO_ROOT } from '../../src/data/loadNode';
import { createLab } from '../../src/state/lab';
import { FakeClient } from './fakeClient';

const BASE = 'http://lab.test/';
const broken = new Map<string, { status: number } | { body: Uint8Array<ArrayBuffer> }>();

async function fakeFetch(input: string | URL | Request): Promise<Response> {
  const url = String(input);
  const override = broken.get(url);
  if (override && 'status' in override) return new Response('gone', { status: override.status, statusText: 'Not Found' });
  if (override) return new Response(override.body, { status: 200 });
  try {
    return new Response(new Uint8Array(readFileSync(join(REPO_ROOT, 'public', url.slice(BASE.length)))), { status: 200 });
  } catch {
    return new Response('nope', { status: 404 });
  }
}


/** The data the page sent to the worker, as "dataset/split/count". */
const setDataSent = (client: FakeClient) => client.of('setData').map((c) => `${c.dataset}/${c.split}/${c.count}`);

const mnist = (name: string) => `${BASE}data/mnist/${name}`;
const asset = (name: string) => new Uint8Array(readFileSync(join(REPO_ROOT, 'public/data/mnist', name)));
const settle = async (check: () => boolean) => { for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 10)); };

beforeEach(() => {
  broken.clear();
  clearDataCache();
  vi.stubGlobal('fetch', fakeFetch);
});
afterEach(() => { vi.unstubAllGlobals(); });

describe('a broken MNIST asset', () => {
  const labels = gunzipSync(asset('t10k-labels-idx1-ubyte.gz'));
  const changedLabel = Uint8Array.from(labels);
  changedLabel[100] = (changedLabel[100] + 1) % 10;
  const wrongMagic = Uint8Array.from(labels);
  wrongMagic[3] = 3; // 0x00000803: an image file's magic where labels belong
  const images = asset('t10k-images-idx3-ubyte.gz');
  const cases: Array<[string, string, { status: number } | { body: Uint8Array<ArrayBuffer> }, RegExp]> = [
    ['truncated gzip', 't10k-images-idx3-ubyte.gz', { body: images.subarray(0, images.length - 4000) }, /corrupt gzip data/],
    ['changed label (checksum)', 't10k-labels-idx1-ubyte.gz', { body: gzipSync(changedLabel) }, /checksum mismatch: expected SHA-256 ff7bcfd4/],
    ['wrong magic number', 't10k-labels-idx1-ubyte.gz', { body: gzipSync(wrongMagic) }, /checksum mismatch/],
    ['missing file', 't10k-labels-idx1-ubyte.gz', { status: 404 }, /HTTP 404/],
  ];

  it.each(cases)('%s: a banner names the file, training refuses to start, and Fashion-MNIST still works', async (_what, file, served, problem) => {
    broken.set(mnist(file), served);
    broken.set(mnist('train-images-idx3-ubyte.gz'), { status: 404 }); // keep the run's training-set load short
    const client = new FakeClient();
    const lab = createLab({ client, loadSplit, baseUrl: BASE, galleryCount: 3 });
    lab.session.getState().start();
    await settle(() => lab.session.getState().errors.length > 0);
    const [error] = lab.session.getState().errors;
    expect(error.message.startsWith('Could not load the MNIST test set: ')).toBe(true);
    expect(error.message).toContain(mnist(file));
    expect(error.message).toMatch(problem);
    expect(lab.session.getState().loads.test.status).toBe('error');
    expect(setDataSent(client)).toEqual([]);

    lab.training.getState().setField('trainLimit', '1000');
    await lab.training.getState().start();
    expect(lab.training.getState().run).toMatchObject({ status: 'failed', message: 'the data could not be loaded (see the message above)' });
    expect(client.sent.some((c) => c.type === 'train')).toBe(false);

    lab.session.getState().setDataset('fashion-mnist');
    await settle(() => lab.session.getState().loads.test.status !== 'loading');
    expect(lab.session.getState().loads.test).toMatchObject({ status: 'ready', dataset: 'fashion-mnist', count: 10000 });
    expect(lab.session.getState().gallery).toMatchObject({ dataset: 'fashion-mnist', count: 3 });
    expect(Array.from(lab.session.getState().gallery!.labels)).toEqual([9, 2, 1]); // Ankle boot, Pullover, Trouser
    expect(setDataSent(client)).toEqual(['fashion-mnist/test/10000']);
    lab.dispose();
  });
});
