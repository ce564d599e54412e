// Turns a split's two decompressed IDX files into DataArrays: size and checksum checks against
// the manifest, parsing, pairing. Shared by the browser and Node loaders so both fail alike.
import type { DataArrays } from '../engine/types';
import { DataLoadError } from './errors';
import { pairSplit, parseIdxImages, parseIdxLabels } from './idx';
import type { DatasetManifest } from './manifest';
import { SPLIT_COUNTS, SPLIT_FILES, type Split } from './registry';
import { sha256Hex } from './sha256';

export interface RawSplit {
  images: Uint8Array;
  labels: Uint8Array;
}

/** Where each file came from (URL or path), for error messages. */
export interface SplitSources {
  images: string;
  labels: string;
}

export async function assembleSplit(
  manifest: DatasetManifest,
  split: Split,
  raw: RawSplit,
  sources: SplitSources,
  verify: boolean,
  hash: (bytes: Uint8Array) => Promise<string> = sha256Hex,
): Promise<DataArrays> {
  for (const part of ['images', 'labels'] as const) {
    const entry = manifest.files[SPLIT_FILES[split][part]];
    const bytes = raw[part];
    if (bytes.length !== entry.bytes) {
      throw new DataLoadError(sources[part], `decompressed to ${bytes.length} bytes, the manifest says ${entry.bytes}`);
    }
    if (verify) {
      const actual = await hash(bytes);
      if (actual !== entry.sha256) {
        throw new DataLoadError(sources[part], `checksum mismatch: expected SHA-256 ${entry.sha256}, actual ${actual}`);
      }
    }
  }
  const images = parseIdxImages(raw.images, sources.images);
  if (!images.ok) throw new DataLoadError(sources.images, images.error);
  const labels = parseIdxLabels(raw.labels, sources.labels);
  if (!labels.ok) throw new DataLoadError(sources.labels, labels.error);
  const paired = pairSplit(images.value, labels.value, sources);
  if (!paired.ok) throw new DataLoadError(sources.images, paired.error);
  if (paired.value.count !== SPLIT_COUNTS[split]) {
    throw new DataLoadError(sources.images, `holds ${paired.value.count} examples, the official ${split} split has ${SPLIT_COUNTS[split]}`);
  }
  return paired.value;
}
