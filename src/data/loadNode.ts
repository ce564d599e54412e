// Loads a dataset split in Node (tests, CLI) from the committed public/data/<dataset>/*.gz
// assets, with the same manifest, checksum and parser checks (and errors) as the browser loader.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { DataArrays } from '../engine/types';
import { DataLoadError } from './errors';
import { validateManifest, type DatasetManifest } from './manifest';
import { MANIFEST_FILE_NAME, SPLIT_FILES, assetFileName, datasetDir, isDatasetName, type DatasetName, type Split } from './registry';
import { assembleSplit } from './split';

export { DataLoadError };

const gunzipAsync = promisify(gunzip);

/** The repository root, two folders above this file (src/data/). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface LoadSplitNodeOptions {
  /** Folder holding public/data/ (default: the repository root). */
  root?: string;
  /** Check each file's SHA-256 against the manifest (default true). */
  verify?: boolean;
}

function assetFolder(dataset: DatasetName, root: string): string {
  return join(root, 'public', datasetDir(dataset));
}

async function readAsset(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DataLoadError(path, 'file not found; `npm run data` creates the dataset assets');
    throw new DataLoadError(path, `cannot be read: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export async function loadManifestNode(dataset: DatasetName, root: string = REPO_ROOT): Promise<DatasetManifest> {
  const path = join(assetFolder(dataset, root), MANIFEST_FILE_NAME);
  if (!isDatasetName(dataset)) throw new DataLoadError(path, `unknown dataset "${String(dataset)}"`);
  const text = (await readAsset(path)).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new DataLoadError(path, `not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const manifest = validateManifest(json, path, dataset);
  if (!manifest.ok) throw new DataLoadError(path, manifest.error);
  return manifest.value;
}

async function gunzipAsset(path: string): Promise<Uint8Array> {
  const compressed = await readAsset(path);
  try {
    const raw = await gunzipAsync(compressed);
    return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  } catch (e) {
    throw new DataLoadError(path, `corrupt gzip data: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Loads the official `split` of `dataset`; fresh arrays on every call (no cache). */
export async function loadSplitNode(dataset: DatasetName, split: Split, opts: LoadSplitNodeOptions = {}): Promise<DataArrays> {
  const root = opts.root ?? REPO_ROOT;
  const manifest = await loadManifestNode(dataset, root);
  const folder = assetFolder(dataset, root);
  const files = SPLIT_FILES[split];
  const paths = { images: join(folder, assetFileName(files.images)), labels: join(folder, assetFileName(files.labels)) };
  const [images, labels] = await Promise.all([gunzipAsset(paths.images), gunzipAsset(paths.labels)]);
  return assembleSplit(manifest, split, { images, labels }, paths, opts.verify ?? true);
}
