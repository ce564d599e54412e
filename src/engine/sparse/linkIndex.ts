// A sparse layer's links indexed both ways: by input neuron (the sorted id order itself, CSR) and by
// output neuron (a permutation, CSC), so the kernels can work on all the links of one neuron at once.

export interface LinkIndex {
  nIn: number;
  nOut: number;
  /** Input and output neuron of each link, in link order. */
  linkIn: Int32Array;
  linkOut: Int32Array;
  /** Links of input i are positions inStart[i] .. inStart[i + 1] − 1 (ids are sorted by input). */
  inStart: Int32Array;
  /** Links into output j are positions byOut[outStart[j]] .. byOut[outStart[j + 1] − 1], ascending. */
  outStart: Int32Array;
  byOut: Int32Array;
}

/**
 * Indexes sorted, unique link ids `i * nOut + j`; throws on ids out of range or out of order.
 * O(links + nIn + nOut): cheap enough to redo after every rewiring.
 */
export function buildLinkIndex(links: Int32Array, nIn: number, nOut: number, where = 'sparse/linkIndex.ts:'): LinkIndex {
  const n = links.length;
  const linkIn = new Int32Array(n);
  const linkOut = new Int32Array(n);
  const inStart = new Int32Array(nIn + 1);
  const outStart = new Int32Array(nOut + 1);
  for (let k = 0; k < n; k++) {
    const id = links[k];
    if (!(id >= 0 && id < nIn * nOut) || (k > 0 && links[k - 1] >= id)) throw new Error(`${where} links must be sorted, unique ids in [0, ${nIn * nOut})`);
    const i = Math.floor(id / nOut);
    const j = id - i * nOut;
    linkIn[k] = i;
    linkOut[k] = j;
    inStart[i + 1]++;
    outStart[j + 1]++;
  }
  for (let i = 0; i < nIn; i++) inStart[i + 1] += inStart[i];
  for (let j = 0; j < nOut; j++) outStart[j + 1] += outStart[j];
  // Counting sort by output; walking links in order keeps each output's links ascending.
  const byOut = new Int32Array(n);
  const fill = outStart.slice(0, nOut);
  for (let k = 0; k < n; k++) byOut[fill[linkOut[k]]++] = k;
  return { nIn, nOut, linkIn, linkOut, inStart, outStart, byOut };
}

/**
 * Marks the rows (neurons) of a feature-major batch that are nonzero for at least one sample:
 * a row that is zero everywhere contributes nothing forward and receives no weight gradient.
 */
export function markLiveRows(a: Float32Array, rows: number, batch: number, live: Uint8Array): void {
  for (let r = 0; r < rows; r++) {
    const base = r * batch;
    let any = 0;
    for (let b = 0; b < batch; b++) {
      if (a[base + b] !== 0) {
        any = 1;
        break;
      }
    }
    live[r] = any;
  }
}
