// The registry's facts, the CHECKSUMS text format, and manifest validation.
import { describe, expect, it } from 'vitest';
import { diffChecksums, formatChecksums, parseChecksums } from '../../src/data/checksums';
import { buildManifest, validateManifest, type DatasetManifest } from '../../src/data/manifest';
import {
  DATASETS, DATASET_NAMES, IDX_FILE_NAMES, OFFICIAL_CHECKSUMS, SPLIT_COUNTS, SPLIT_FILES, assetFileName, datasetDir,
  type ChecksumTable,
} from '../../src/data/registry';
import { NUM_CLASSES } from '../../src/engine/constants';

describe('registry', () => {
  it('describes both datasets with ten class names and credits', () => {
    expect(DATASET_NAMES).toEqual(['mnist', 'fashion-mnist']);
    expect(DATASETS.mnist.label).toBe('MNIST');
    expect(DATASETS['fashion-mnist'].label).toBe('Fashion-MNIST');
    expect(DATASETS.mnist.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(DATASETS['fashion-mnist'].classNames[0]).toBe('T-shirt/top');
    expect(DATASETS['fashion-mnist'].classNames[9]).toBe('Ankle boot');
    for (const d of DATASET_NAMES) expect(DATASETS[d].classNames).toHaveLength(NUM_CLASSES);
    expect(DATASETS.mnist.credits).toContain('Yann LeCun');
    expect(DATASETS.mnist.credits).toContain('Corinna Cortes');
    expect(DATASETS.mnist.credits).toContain('Christopher J.C. Burges');
    expect(DATASETS['fashion-mnist'].credits).toContain('Zalando Research');
    expect(DATASETS['fashion-mnist'].licence).toContain('MIT');
  });

  it('names each split’s files and their sizes consistently', () => {
    expect(SPLIT_FILES.test).toEqual({ images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' });
    expect(datasetDir('fashion-mnist')).toBe('data/fashion-mnist/');
    expect(assetFileName('train-images-idx3-ubyte')).toBe('train-images-idx3-ubyte.gz');
    for (const d of DATASET_NAMES) {
      for (const split of ['train', 'test'] as const) {
        expect(OFFICIAL_CHECKSUMS[d][SPLIT_FILES[split].images].bytes).toBe(16 + SPLIT_COUNTS[split] * 784);
        expect(OFFICIAL_CHECKSUMS[d][SPLIT_FILES[split].labels].bytes).toBe(8 + SPLIT_COUNTS[split]);
      }
    }
  });
});

describe('CHECKSUMS format', () => {
  it('round-trips the official table', () => {
    const text = `# comment line\n\n${formatChecksums(OFFICIAL_CHECKSUMS)}`;
    const parsed = parseChecksums(text, 'CHECKSUMS');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value).toEqual(OFFICIAL_CHECKSUMS);
    expect(diffChecksums(parsed.value, OFFICIAL_CHECKSUMS, 'a', 'b')).toEqual([]);
  });

  it('reports the line of a malformed entry and a missing entry', () => {
    const lines = formatChecksums(OFFICIAL_CHECKSUMS).trimEnd().split('\n');
    const badHash = [...lines];
    badHash[2] = badHash[2].replace(/[0-9a-f]{64}/, 'xyz');
    const e1 = parseChecksums(badHash.join('\n'), 'SUMS');
    expect(!e1.ok && e1.error).toContain('SUMS:3: expected a 64-digit hex SHA-256');
    const unknown = parseChecksums(`cifar/train-images-idx3-ubyte ${'0'.repeat(64)} 10 bytes`, 'SUMS');
    expect(!unknown.ok && unknown.error).toContain('SUMS:1');
    const missing = parseChecksums(lines.slice(1).join('\n'), 'SUMS');
    expect(!missing.ok && missing.error).toContain('no checksum for mnist/train-images-idx3-ubyte');
    const twice = parseChecksums([...lines, lines[0]].join('\n'), 'SUMS');
    expect(!twice.ok && twice.error).toContain('listed twice');
  });

  it('lists disagreements between two tables', () => {
    const other = structuredClone(OFFICIAL_CHECKSUMS) as ChecksumTable;
    other['fashion-mnist']['t10k-labels-idx1-ubyte'].sha256 = 'f'.repeat(64);
    const diff = diffChecksums(other, OFFICIAL_CHECKSUMS, 'theirs', 'ours');
    expect(diff).toHaveLength(1);
    expect(diff[0]).toContain('fashion-mnist/t10k-labels-idx1-ubyte');
    expect(diff[0]).toContain('f'.repeat(64));
  });
});

describe('validateManifest', () => {
  const official = (): DatasetManifest => {
    const files = {} as DatasetManifest['files'];
    for (const f of IDX_FILE_NAMES) {
      files[f] = { ...OFFICIAL_CHECKSUMS['fashion-mnist'][f], gzBytes: 1234, count: f.startsWith('train') ? 60000 : 10000 };
    }
    return buildManifest('fashion-mnist', files);
  };

  it('accepts a manifest built from the official table', () => {
    const r = validateManifest(JSON.parse(JSON.stringify(official())), 'm.json', 'fashion-mnist');
    expect(r.ok).toBe(true);
    expect(r.ok && r.value.classNames[9]).toBe('Ankle boot');
  });

  it('rejects wrong dataset, version, class names, counts and hashes', () => {
    const cases: Array<[(m: Record<string, unknown>) => void, string]> = [
      [(m) => { m.dataset = 'mnist'; }, 'describes dataset "mnist", expected "fashion-mnist"'],
      [(m) => { m.version = 2; }, 'unsupported version 2'],
      [(m) => { (m.classNames as string[])[0] = 'Top'; }, 'class names'],
      [(m) => { m.test = { count: 9999 }; }, 'test.count must be 10000'],
      [(m) => { delete (m.files as Record<string, unknown>)['t10k-labels-idx1-ubyte']; }, 'no entry for t10k-labels-idx1-ubyte'],
      [(m) => { (m.files as Record<string, { sha256: string }>)['train-images-idx3-ubyte'].sha256 = 'a'.repeat(64); }, 'the official file\'s is c59f468a'],
      [(m) => { (m.files as Record<string, { gzBytes: number }>)['train-images-idx3-ubyte'].gzBytes = -1; }, 'positive integers'],
    ];
    for (const [mutate, message] of cases) {
      const m = JSON.parse(JSON.stringify(official())) as Record<string, unknown>;
      mutate(m);
      const r = validateManifest(m, 'm.json', 'fashion-mnist');
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error).toContain('m.json: ');
      expect(!r.ok && r.error).toContain(message);
    }
    expect(validateManifest([], 'm.json', 'mnist').ok).toBe(false);
  });
});
