// loadSplitNode on the real assets (counts, labels, well-known facts of the official files) and
// on broken copies (missing file, corrupt gzip, tampered content, bad manifest).
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DataLoadError, REPO_ROOT, loadSplitNode } from '../../src/data/loadNode';
import { DATASET_NAMES, IDX_FILE_NAMES, MANIFEST_FILE_NAME, assetFileName, datasetDir } from '../../src/data/registry';
import type { DataArrays } from '../../src/engine/types';

function classCounts(data: DataArrays): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const label of data.labels) counts[label]++;
  return counts;
}

function meanPixel(data: DataArrays): number {
  let sum = 0;
  for (const p of data.images) sum += p;
  return sum / data.images.length / 255;
}

describe.each(DATASET_NAMES)('loadSplitNode(%s)', (dataset) => {
  it.each([['train', 60000], ['test', 10000]] as const)('%s split has %i examples, labels 0..9, balanced classes', async (split, n) => {
    const data = await loadSplitNode(dataset, split);
    expect(data.count).toBe(n);
    expect(data.images.length).toBe(n * 784);
    expect(data.labels.length).toBe(n);
    const counts = classCounts(data);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(n); // so every label lies in 0..9
    for (const c of counts) {
      expect(c).toBeGreaterThan(0.08 * n);
      expect(c).toBeLessThan(0.12 * n);
    }
  });
});

describe('well-known facts of the official files', () => {
  it('MNIST: first labels, class counts and mean pixel', async () => {
    const train = await loadSplitNode('mnist', 'train');
    const test = await loadSplitNode('mnist', 'test');
    expect(Array.from(train.labels.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    expect(test.labels[0]).toBe(7);
    expect(classCounts(train)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(classCounts(test)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    // The normalisation constant everyone uses for MNIST: mean 0.1307 of the training pixels.
    expect(meanPixel(train)).toBeCloseTo(0.1307, 4);
  });

  it('Fashion-MNIST: first test label is Ankle boot, classes exactly balanced, mean pixel', async () => {
    const train = await loadSplitNode('fashion-mnist', 'train');
    const test = await loadSplitNode('fashion-mnist', 'test');
    expect(test.labels[0]).toBe(9);
    expect(classCounts(train)).toEqual(new Array(10).fill(6000));
    expect(classCounts(test)).toEqual(new Array(10).fill(1000));
    expect(meanPixel(train)).toBeCloseTo(0.2860, 3);
  });
});

describe('loadSplitNode on broken assets', () => {
  const roots: string[] = [];
  afterAll(() => { for (const r of roots) rmSync(r, { recursive: true, force: true }); });

  /** A copy of public/data/mnist in a temporary root, for breaking. */
  function copyOfMnist(): { root: string; dir: string } {
    const root = mkdtempSync(join(tmpdir(), 'rewire-data-'));
    roots.push(root);
    const dir = join(root, 'public', datasetDir('mnist'));
    mkdirSync(dir, { recursive: true });
    const source = join(REPO_ROOT, 'public', datasetDir('mnist'));
    for (const name of [MANIFEST_FILE_NAME, ...IDX_FILE_NAMES.filter((f) => f.startsWith('t10k')).map(assetFileName)]) {
      copyFileSync(join(source, name), join(dir, name));
    }
    return { root, dir };
  }

  async function loadError(root: string, verify = true): Promise<DataLoadError> {
    const e = await loadSplitNode('mnist', 'test', { root, verify }).then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(DataLoadError);
    return e as DataLoadError;
  }

  it('loads an intact copy', async () => {
    const { root } = copyOfMnist();
    expect((await loadSplitNode('mnist', 'test', { root })).count).toBe(10000);
  });

  it('names a missing file and how to create it', async () => {
    const { root, dir } = copyOfMnist();
    rmSync(join(dir, 't10k-labels-idx1-ubyte.gz'));
    const e = await loadError(root);
    expect(e.file).toBe(join(dir, 't10k-labels-idx1-ubyte.gz'));
    expect(e.message).toContain('file not found');
    expect(e.message).toContain('npm run data');
  });

  it('reports a truncated gzip as corrupt', async () => {
    const { root, dir } = copyOfMnist();
    const path = join(dir, 't10k-images-idx3-ubyte.gz');
    const gz = readFileSync(path);
    writeFileSync(path, gz.subarray(0, gz.length - 1000));
    const e = await loadError(root);
    expect(e.file).toBe(path);
    expect(e.message).toContain('corrupt gzip data');
  });

  it('reports tampered content with both hashes, and skips the hash when verify is false', async () => {
    const { root, dir } = copyOfMnist();
    const path = join(dir, 't10k-labels-idx1-ubyte.gz');
    const raw = gunzipSync(readFileSync(path));
    raw[8] = (raw[8] + 1) % 10; // still a valid label, so only the checksum can tell
    writeFileSync(path, gzipSync(raw));
    const e = await loadError(root);
    expect(e.file).toBe(path);
    expect(e.message).toContain('checksum mismatch');
    expect(e.message).toContain('expected SHA-256 ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2');
    expect(e.message).toMatch(/actual [0-9a-f]{64}/);
    const unchecked = await loadSplitNode('mnist', 'test', { root, verify: false });
    expect(unchecked.labels[0]).toBe(raw[8]);
  });

  it('rejects a manifest that is not JSON or lists other checksums', async () => {
    const { root, dir } = copyOfMnist();
    const manifestPath = join(dir, MANIFEST_FILE_NAME);
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { files: Record<string, { sha256: string }> };
    manifest.files['t10k-images-idx3-ubyte'].sha256 = '0'.repeat(64);
    writeFileSync(manifestPath, JSON.stringify(manifest));
    const e1 = await loadError(root, false);
    expect(e1.file).toBe(manifestPath);
    expect(e1.message).toContain('the official file\'s is 0fa7898d');
    writeFileSync(manifestPath, '{ not json');
    const e2 = await loadError(root);
    expect(e2.message).toContain('not valid JSON');
  });
});
