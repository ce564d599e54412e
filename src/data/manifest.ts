// The manifest.json beside each dataset's assets: its shape, a builder for the prepare script,
// and strict validation (including agreement with the registry's official checksums).
import type { ParseResult } from './idx';
import {
  DATASETS, IDX_FILE_NAMES, OFFICIAL_CHECKSUMS, SPLIT_COUNTS, isDatasetName,
  type DatasetName, type IdxFileName,
} from './registry';

export const MANIFEST_VERSION = 1;

export interface ManifestFileEntry {
  /** SHA-256 of the uncompressed IDX file. */
  sha256: string;
  /** Size of the uncompressed IDX file. */
  bytes: number;
  /** Size of the served .gz asset (the unit of download progress). */
  gzBytes: number;
  /** Number of images or labels in the file. */
  count: number;
}

export interface DatasetManifest {
  dataset: DatasetName;
  version: number;
  classNames: string[];
  files: Record<IdxFileName, ManifestFileEntry>;
  train: { count: number };
  test: { count: number };
}

export function buildManifest(dataset: DatasetName, files: Record<IdxFileName, ManifestFileEntry>): DatasetManifest {
  const ordered = {} as Record<IdxFileName, ManifestFileEntry>;
  for (const name of IDX_FILE_NAMES) {
    const f = files[name];
    ordered[name] = { sha256: f.sha256, bytes: f.bytes, gzBytes: f.gzBytes, count: f.count };
  }
  return {
    dataset,
    version: MANIFEST_VERSION,
    classNames: [...DATASETS[dataset].classNames],
    files: ordered,
    train: { count: SPLIT_COUNTS.train },
    test: { count: SPLIT_COUNTS.test },
  };
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x > 0;

/**
 * Checks a parsed manifest.json for `dataset`. Besides the shape, it insists that the manifest
 * lists the official checksums and sizes from the registry, so assets built from other data are
 * rejected even when a caller skips hashing.
 */
export function validateManifest(value: unknown, fileName: string, dataset: DatasetName): ParseResult<DatasetManifest> {
  const bad = (problem: string): ParseResult<DatasetManifest> => ({ ok: false, error: `${fileName}: ${problem}` });
  if (!isRecord(value)) return bad('not a JSON object');
  if (!isDatasetName(value.dataset)) return bad(`unknown dataset ${JSON.stringify(value.dataset)}`);
  if (value.dataset !== dataset) return bad(`describes dataset "${value.dataset}", expected "${dataset}"`);
  if (value.version !== MANIFEST_VERSION) return bad(`unsupported version ${JSON.stringify(value.version)}, expected ${MANIFEST_VERSION}`);
  const classNames = value.classNames;
  const expectedClasses = DATASETS[dataset].classNames;
  if (!Array.isArray(classNames) || classNames.length !== expectedClasses.length || classNames.some((c, i) => c !== expectedClasses[i])) {
    return bad(`class names ${JSON.stringify(classNames)} differ from the registry's ${JSON.stringify(expectedClasses)}`);
  }
  for (const split of ['train', 'test'] as const) {
    const s = value[split];
    if (!isRecord(s) || s.count !== SPLIT_COUNTS[split]) {
      return bad(`${split}.count must be ${SPLIT_COUNTS[split]}, got ${JSON.stringify(isRecord(s) ? s.count : s)}`);
    }
  }
  if (!isRecord(value.files)) return bad('"files" is missing or not an object');
  const files = {} as Record<IdxFileName, ManifestFileEntry>;
  for (const name of IDX_FILE_NAMES) {
    const entry = value.files[name];
    if (!isRecord(entry)) return bad(`no entry for ${name} in "files"`);
    const { sha256, bytes, gzBytes, count } = entry;
    if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) return bad(`${name}.sha256 is not 64 lowercase hex digits`);
    if (!isCount(bytes) || !isCount(gzBytes) || !isCount(count)) return bad(`${name}: bytes, gzBytes and count must be positive integers`);
    const official = OFFICIAL_CHECKSUMS[dataset][name];
    if (sha256 !== official.sha256) return bad(`${name}.sha256 is ${sha256}, the official file's is ${official.sha256}`);
    if (bytes !== official.bytes) return bad(`${name}.bytes is ${bytes}, the official file has ${official.bytes}`);
    files[name] = { sha256, bytes, gzBytes, count };
  }
  return {
    ok: true,
    value: {
      dataset,
      version: MANIFEST_VERSION,
      classNames: [...expectedClasses],
      files,
      train: { count: SPLIT_COUNTS.train },
      test: { count: SPLIT_COUNTS.test },
    },
  };
}
