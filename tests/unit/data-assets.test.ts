// The committed public/data assets: each .gz decompresses to the file whose SHA-256 the manifest
// lists AND the registry's official table holds; headers are deterministic; reruns reproduce them.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gzipDeterministic, hasDeterministicGzipHeader } from '../../src/data/gzipAsset';
import { REPO_ROOT } from '../../src/data/loadNode';
import { validateManifest } from '../../src/data/manifest';
import { DATASET_NAMES, IDX_FILE_NAMES, MANIFEST_FILE_NAME, OFFICIAL_CHECKSUMS, assetFileName, datasetDir } from '../../src/data/registry';
import { sha256Hex } from '../../src/data/sha256';

const folder = (d: string) => join(REPO_ROOT, 'public', datasetDir(d as 'mnist'));

describe.each(DATASET_NAMES)('committed %s assets', (dataset) => {
  const manifestPath = join(folder(dataset), MANIFEST_FILE_NAME);
  const manifestJson: unknown = JSON.parse(readFileSync(manifestPath, 'utf8'));

  it('has a valid manifest and nothing but the four assets beside it', () => {
    const r = validateManifest(manifestJson, manifestPath, dataset);
    expect(r.ok ? 'ok' : r.error).toBe('ok');
    const expected = [MANIFEST_FILE_NAME, ...IDX_FILE_NAMES.map(assetFileName)].sort();
    expect(readdirSync(folder(dataset)).sort()).toEqual(expected);
  });

  it.each(IDX_FILE_NAMES)('%s.gz matches the manifest and the official checksum', async (file) => {
    const r = validateManifest(manifestJson, manifestPath, dataset);
    if (!r.ok) throw new Error(r.error);
    const entry = r.value.files[file];
    const gz = new Uint8Array(readFileSync(join(folder(dataset), assetFileName(file))));
    expect(gz.length).toBe(entry.gzBytes);
    expect(hasDeterministicGzipHeader(gz)).toBe(true);
    const raw = gunzipSync(gz);
    expect(raw.length).toBe(entry.bytes);
    const hash = await sha256Hex(raw);
    expect(hash).toBe(entry.sha256);
    expect(hash).toBe(OFFICIAL_CHECKSUMS[dataset][file].sha256);
    expect(raw.length).toBe(OFFICIAL_CHECKSUMS[dataset][file].bytes);
  });

  it('recompressing a label file reproduces the committed bytes exactly', () => {
    for (const file of ['train-labels-idx1-ubyte', 't10k-labels-idx1-ubyte'] as const) {
      const committed = new Uint8Array(readFileSync(join(folder(dataset), assetFileName(file))));
      const again = gzipDeterministic(gunzipSync(committed));
      expect(Buffer.compare(Buffer.from(again), Buffer.from(committed))).toBe(0);
    }
  });
});
