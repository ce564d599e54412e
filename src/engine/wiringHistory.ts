// A model's wiring history: per epoch and sparse layer, the link ids rewiring removed and grew.
// Stored compactly (sorted ids as LEB128 varints of their gaps: a 1%-dense layer's gaps mostly fit
// one or two bytes) and replayed backwards from the final links to every epoch's wiring.

/** One sparse layer's rewiring at one epoch's end: sorted, disjoint link ids. */
export interface LayerDiff {
  removed: Int32Array;
  added: Int32Array;
}

/** Per sparse layer, in layer order. */
export type EpochWiring = LayerDiff[];

/** Grows a byte buffer as varints are appended. */
class ByteWriter {
  private bytes = new Uint8Array(1024);
  length = 0;

  push(value: number): void {
    let v = value >>> 0;
    if (v !== value) throw new Error(`wiringHistory.ts: ${value} is not a 32-bit unsigned integer`);
    for (;;) {
      if (this.length === this.bytes.length) {
        const bigger = new Uint8Array(this.bytes.length * 2);
        bigger.set(this.bytes);
        this.bytes = bigger;
      }
      if (v < 0x80) {
        this.bytes[this.length++] = v;
        return;
      }
      this.bytes[this.length++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
  }

  result(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

/**
 * Encodes `wiring` (every epoch must have one entry per sparse layer): for each epoch and layer,
 * the two counts, then each sorted id list as gaps (the first from 0).
 */
export function encodeWiring(wiring: readonly EpochWiring[]): Uint8Array {
  const out = new ByteWriter();
  for (const epoch of wiring) {
    for (const layer of epoch) {
      out.push(layer.removed.length);
      out.push(layer.added.length);
      for (const ids of [layer.removed, layer.added]) {
        let previous = -1;
        for (let k = 0; k < ids.length; k++) {
          if (ids[k] <= previous) throw new Error(`wiringHistory.ts: link ids must be sorted and unique (${ids[k]} after ${previous})`);
          out.push(ids[k] - previous - 1);
          previous = ids[k];
        }
      }
    }
  }
  return out.result();
}

/**
 * Decodes `epochs` epochs of `totals.length` layers (`totals[l]` = nIn·nOut, the bound on ids).
 * Strict: returns a problem in words for truncated or trailing bytes, an id out of range, or a
 * count larger than the layer.
 */
export function decodeWiring(bytes: Uint8Array, epochs: number, totals: readonly number[]): { ok: true; wiring: EpochWiring[] } | { ok: false; error: string } {
  let pos = 0;
  const read = (): number => {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (pos >= bytes.length) throw new RangeError('the wiring history ends early');
      const b = bytes[pos++];
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return value;
    }
    throw new RangeError(`a number in the wiring history is too long (byte ${pos})`);
  };
  try {
    const wiring: EpochWiring[] = [];
    for (let e = 0; e < epochs; e++) {
      const layers: LayerDiff[] = [];
      for (let l = 0; l < totals.length; l++) {
        const where = `epoch ${e + 1}, layer ${l + 1}`;
        const counts = [read(), read()];
        const lists = counts.map((count, which) => {
          if (count > totals[l]) throw new RangeError(`${where}: ${count} ${which === 0 ? 'removed' : 'grown'} links in a layer of ${totals[l]} possible`);
          const ids = new Int32Array(count);
          let id = -1;
          for (let k = 0; k < count; k++) {
            id += read() + 1;
            if (id >= totals[l]) throw new RangeError(`${where}: link id ${id} is outside [0, ${totals[l]})`);
            ids[k] = id;
          }
          return ids;
        });
        layers.push({ removed: lists[0], added: lists[1] });
      }
      wiring.push(layers);
    }
    if (pos !== bytes.length) throw new RangeError(`the wiring history has ${bytes.length - pos} bytes after its last epoch`);
    return { ok: true, wiring };
  } catch (e) {
    if (e instanceof RangeError) return { ok: false, error: e.message };
    throw e;
  }
}

/**
 * Every epoch's links of one layer, from its final links back: entry e is the wiring after epoch e
 * (entry 0 the initial one), the last entry is `final`. Returns a problem in words when the diffs
 * do not fit the links (a grown link absent afterwards, a removed one still present).
 */
export function replayLinks(final: Int32Array, diffs: readonly LayerDiff[]): { ok: true; links: Int32Array[] } | { ok: false; error: string } {
  const links: Int32Array[] = new Array<Int32Array>(diffs.length + 1);
  links[diffs.length] = final;
  for (let e = diffs.length - 1; e >= 0; e--) {
    const after = links[e + 1];
    const { removed, added } = diffs[e];
    const before = new Int32Array(after.length - added.length + removed.length);
    let a = 0; // into after
    let g = 0; // into added
    let r = 0; // into removed
    let n = 0;
    while (a < after.length || r < removed.length) {
      const fromAfter = a < after.length ? after[a] : Infinity;
      const fromRemoved = r < removed.length ? removed[r] : Infinity;
      if (fromRemoved === fromAfter) return { ok: false, error: `epoch ${e + 1}: removed link ${fromRemoved} is present after the epoch` };
      if (fromRemoved < fromAfter) {
        before[n++] = removed[r++];
        continue;
      }
      if (g < added.length && added[g] < fromAfter) return { ok: false, error: `epoch ${e + 1}: grown link ${added[g]} is absent after the epoch` };
      if (g < added.length && added[g] === fromAfter) g++;
      else before[n++] = fromAfter;
      a++;
    }
    if (g < added.length) return { ok: false, error: `epoch ${e + 1}: grown link ${added[g]} is absent after the epoch` };
    links[e] = before;
  }
  return { ok: true, links };
}
