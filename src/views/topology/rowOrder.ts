// Row orders of an adjacency matrix (rows = a layer's input neurons): natural, by degree, and for the
// input layer the 28×28 pixel grid (image rows as blocks with separators). Pure; tested in Node.
import { IMAGE_SIDE, IMAGE_SIZE } from '../../engine/constants';
import type { RowOrderName } from '../../state/topology';

export interface RowGroup {
  /** First slot of the group and one past its last. */
  start: number;
  end: number;
  label: string;
}

export interface RowLayout {
  name: RowOrderName;
  /** Display rows, separators included. */
  slots: number;
  /** Input neuron shown in each slot; -1 for a separator. */
  neuronAt: Int32Array;
  /** Slot of each input neuron. */
  slotOf: Int32Array;
  /** Separator slots, ascending. */
  separators: Int32Array;
  /** Blocks of rows the axis labels (pixel grid: one per image row); empty otherwise. */
  groups: RowGroup[];
}

function fromOrder(name: RowOrderName, order: Int32Array): RowLayout {
  const slotOf = new Int32Array(order.length);
  for (let s = 0; s < order.length; s++) slotOf[order[s]] = s;
  return { name, slots: order.length, neuronAt: order, slotOf, separators: new Int32Array(0), groups: [] };
}

/** Neuron i in row i. */
export function naturalLayout(nIn: number): RowLayout {
  const order = new Int32Array(nIn);
  for (let i = 0; i < nIn; i++) order[i] = i;
  return fromOrder('natural', order);
}

/** Rows by degree, largest first; equal degrees keep their natural order (a stable sort). */
export function degreeLayout(degrees: ArrayLike<number>): RowLayout {
  const order = Int32Array.from({ length: degrees.length }, (_, i) => i);
  order.sort((a, b) => degrees[b] - degrees[a] || a - b);
  return fromOrder('degree', order);
}

/**
 * The input layer as the image it reads: pixel (r, c) = neuron r·side + c sits in block r at
 * position c, with one separator row between consecutive image rows, so that columns of the
 * matrix show which image rows (and where within them) feed each hidden neuron.
 */
export function pixelGridLayout(side: number = IMAGE_SIDE): RowLayout {
  const nIn = side * side;
  const slots = nIn + side - 1;
  const neuronAt = new Int32Array(slots).fill(-1);
  const slotOf = new Int32Array(nIn);
  const separators = new Int32Array(side - 1);
  const groups: RowGroup[] = [];
  for (let r = 0; r < side; r++) {
    const start = r * (side + 1);
    for (let c = 0; c < side; c++) {
      neuronAt[start + c] = r * side + c;
      slotOf[r * side + c] = start + c;
    }
    if (r < side - 1) separators[r] = start + side;
    groups.push({ start, end: start + side, label: String(r) });
  }
  return { name: 'pixel-grid', slots, neuronAt, slotOf, separators, groups };
}

/** Whether the pixel-grid order applies to a layer with `nIn` inputs. */
export function isPixelLayer(nIn: number): boolean {
  return nIn === IMAGE_SIZE;
}

/** The layout named `name` for a layer; the pixel grid falls back to natural when nIn is not 784. */
export function rowLayout(name: RowOrderName, nIn: number, outDegrees: () => ArrayLike<number>): RowLayout {
  if (name === 'degree') return degreeLayout(outDegrees());
  if (name === 'pixel-grid' && isPixelLayer(nIn)) return pixelGridLayout();
  return naturalLayout(nIn);
}
