// Pure IDX parser shared by the browser and Node: validates a file's header, dimensions, exact
// length and label range, and returns errors as values that name the file; it never throws.
import { IMAGE_SIDE, NUM_CLASSES } from '../engine/constants';
import type { DataArrays } from '../engine/types';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  /** count × rows × cols bytes, 0..255, row-major per image; owns its buffer (byteOffset 0). */
  pixels: Uint8Array;
}

export interface IdxLabels {
  count: number;
  labels: Uint8Array;
}

/** IDX magic: two zero bytes, type 0x08 (unsigned byte), number of dimensions. */
export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;
const IMAGES_HEADER_BYTES = 16;
const LABELS_HEADER_BYTES = 8;

const hex32 = (x: number) => `0x${(x >>> 0).toString(16).padStart(8, '0')}`;

function fail<T>(fileName: string, problem: string): ParseResult<T> {
  return { ok: false, error: `${fileName}: ${problem}` };
}

function describeMagic(magic: number): string {
  const type = (magic >>> 8) & 0xff;
  const dims = magic & 0xff;
  if (magic >>> 16 !== 0) return `${hex32(magic)} (not an IDX header)`;
  return `${hex32(magic)} (element type 0x${type.toString(16).padStart(2, '0')}, ${dims} dimension${dims === 1 ? '' : 's'})`;
}

function checkBytes(bytes: unknown, fileName: string): string | null {
  if (!(bytes instanceof Uint8Array)) return `${fileName}: expected the file's bytes as a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`;
  return null;
}

/** Parses an IDX3 image file (magic 0x00000803) of 28×28 images. */
export function parseIdxImages(bytes: Uint8Array, fileName: string): ParseResult<IdxImages> {
  const wrongType = checkBytes(bytes, fileName);
  if (wrongType !== null) return { ok: false, error: wrongType };
  if (bytes.length < IMAGES_HEADER_BYTES) {
    return fail(fileName, `truncated IDX image header: ${bytes.length} bytes, an image file starts with a ${IMAGES_HEADER_BYTES}-byte header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (magic !== IDX_IMAGES_MAGIC) {
    return fail(fileName, `wrong magic number for an image file: expected ${describeMagic(IDX_IMAGES_MAGIC)}, found ${describeMagic(magic)}`);
  }
  const count = view.getUint32(4, false);
  const rows = view.getUint32(8, false);
  const cols = view.getUint32(12, false);
  if (count === 0) return fail(fileName, 'image count is 0; the file holds no images');
  if (rows !== IMAGE_SIDE || cols !== IMAGE_SIDE) {
    return fail(fileName, `wrong image dimensions: expected ${IMAGE_SIDE}×${IMAGE_SIDE}, found ${rows}×${cols}`);
  }
  const expected = IMAGES_HEADER_BYTES + count * rows * cols;
  if (bytes.length !== expected) {
    return fail(fileName, lengthProblem(bytes.length, expected, `${count} images of ${rows}×${cols}`));
  }
  // A view, not a copy: copying 47 MB on the main thread is a long task. The pixels share the file's
  // buffer (16 header bytes ride along when it is transferred to the worker).
  return { ok: true, value: { count, rows, cols, pixels: bytes.subarray(IMAGES_HEADER_BYTES) } };
}

/** Parses an IDX1 label file (magic 0x00000801); every label must lie in 0..numClasses-1. */
export function parseIdxLabels(bytes: Uint8Array, fileName: string, numClasses = NUM_CLASSES): ParseResult<IdxLabels> {
  const wrongType = checkBytes(bytes, fileName);
  if (wrongType !== null) return { ok: false, error: wrongType };
  if (!Number.isInteger(numClasses) || numClasses < 1 || numClasses > 256) {
    return fail(fileName, `number of classes must be an integer from 1 to 256, got ${numClasses}`);
  }
  if (bytes.length < LABELS_HEADER_BYTES) {
    return fail(fileName, `truncated IDX label header: ${bytes.length} bytes, a label file starts with an ${LABELS_HEADER_BYTES}-byte header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (magic !== IDX_LABELS_MAGIC) {
    return fail(fileName, `wrong magic number for a label file: expected ${describeMagic(IDX_LABELS_MAGIC)}, found ${describeMagic(magic)}`);
  }
  const count = view.getUint32(4, false);
  if (count === 0) return fail(fileName, 'label count is 0; the file holds no labels');
  const expected = LABELS_HEADER_BYTES + count;
  if (bytes.length !== expected) return fail(fileName, lengthProblem(bytes.length, expected, `${count} labels`));
  const labels = bytes.slice(LABELS_HEADER_BYTES);
  let bad = 0;
  let firstBad = -1;
  for (let i = 0; i < count; i++) {
    if (labels[i] >= numClasses) {
      if (firstBad < 0) firstBad = i;
      bad++;
    }
  }
  if (bad > 0) {
    return fail(fileName, `label out of range: label ${firstBad} is ${labels[firstBad]}, labels must lie in 0..${numClasses - 1} (${bad} label${bad === 1 ? '' : 's'} out of range)`);
  }
  return { ok: true, value: { count, labels } };
}

function lengthProblem(actual: number, expected: number, what: string): string {
  if (actual < expected) return `truncated: the header announces ${what} (${expected} bytes), the file has ${actual} bytes (${expected - actual} missing)`;
  return `trailing bytes: the header announces ${what} (${expected} bytes), the file has ${actual} bytes (${actual - expected} extra)`;
}

/** Joins a parsed image file and label file into one split, checking that their counts agree. */
export function pairSplit(
  images: IdxImages,
  labels: IdxLabels,
  fileNames: { images: string; labels: string },
): ParseResult<DataArrays> {
  if (images.count !== labels.count) {
    return {
      ok: false,
      error: `${fileNames.images} and ${fileNames.labels}: counts differ: ${images.count} images but ${labels.count} labels`,
    };
  }
  if (images.pixels.length !== images.count * images.rows * images.cols || labels.labels.length !== labels.count) {
    return { ok: false, error: `${fileNames.images} and ${fileNames.labels}: array lengths do not match the counts` };
  }
  return { ok: true, value: { images: images.pixels, labels: labels.labels, count: images.count } };
}
