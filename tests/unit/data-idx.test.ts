// The IDX parser: valid files, every kind of malformed file (messages name the file and the
// problem), split pairing, and a seeded fuzz run proving it never throws.
import { describe, expect, it } from 'vitest';
import { pairSplit, parseIdxImages, parseIdxLabels, type ParseResult } from '../../src/data/idx';
import { createRng } from '../../src/engine/rng';
import { idxImageBytes, idxLabelBytes } from './fixtures/idxBytes';

function errorOf<T>(r: ParseResult<T>): string {
  if (r.ok) throw new Error('expected a parse error, got ok');
  return r.error;
}

describe('parseIdxImages', () => {
  it('reads count, dimensions and pixels of a valid file', () => {
    const bytes = idxImageBytes(3, { pixel: (i, p) => (i * 100 + p) % 256 });
    const r = parseIdxImages(bytes, 'train-images');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.count).toBe(3);
    expect(r.value.rows).toBe(28);
    expect(r.value.cols).toBe(28);
    expect(r.value.pixels.length).toBe(3 * 784);
    expect(r.value.pixels[0]).toBe(0);
    expect(r.value.pixels[784 + 5]).toBe(105);
    expect(r.value.pixels[2 * 784 + 783]).toBe((200 + 783) % 256);
    // The pixels are a view into the file's buffer, after its 16-byte header (no 47 MB copy on the main thread).
    expect(r.value.pixels.byteOffset).toBe(16);
    expect(r.value.pixels.buffer.byteLength).toBe(16 + 3 * 784);
  });

  it('parses a file that is a view into a larger buffer', () => {
    const inner = idxImageBytes(2);
    const outer = new Uint8Array(inner.length + 10);
    outer.set(inner, 5);
    const r = parseIdxImages(outer.subarray(5, 5 + inner.length), 'view.idx3');
    expect(r.ok && r.value.count).toBe(2);
  });

  it('rejects a truncated header', () => {
    const e = errorOf(parseIdxImages(idxImageBytes(1).subarray(0, 10), 'a.idx3'));
    expect(e).toMatch(/^a\.idx3: /);
    expect(e).toContain('truncated IDX image header: 10 bytes');
  });

  it('rejects a truncated payload, saying how many bytes are missing', () => {
    const bytes = idxImageBytes(4);
    const e = errorOf(parseIdxImages(bytes.subarray(0, bytes.length - 100), 'imgs.idx3'));
    expect(e).toContain('imgs.idx3');
    expect(e).toContain('truncated');
    expect(e).toContain('4 images of 28×28');
    expect(e).toContain('100 missing');
  });

  it('rejects trailing bytes', () => {
    const bytes = idxImageBytes(2);
    const longer = new Uint8Array(bytes.length + 3);
    longer.set(bytes);
    const e = errorOf(parseIdxImages(longer, 'imgs.idx3'));
    expect(e).toContain('imgs.idx3');
    expect(e).toContain('trailing bytes');
    expect(e).toContain('3 extra');
  });

  it('rejects a label file given as images, naming both magic numbers', () => {
    const e = errorOf(parseIdxImages(idxImageBytes(1, { magic: 0x00000801 }), 'swapped.idx'));
    expect(e).toContain('swapped.idx');
    expect(e).toContain('wrong magic number');
    expect(e).toContain('expected 0x00000803');
    expect(e).toContain('found 0x00000801');
  });

  it('recognises bytes that are no IDX header at all', () => {
    const gz = new Uint8Array(64);
    gz.set([0x1f, 0x8b, 0x08, 0x00]);
    expect(errorOf(parseIdxImages(gz, 'x.gz'))).toContain('found 0x1f8b0800 (not an IDX header)');
  });

  it('rejects other image dimensions, saying what it found', () => {
    const e = errorOf(parseIdxImages(idxImageBytes(2, { rows: 32, cols: 32 }), 'cifar.idx3'));
    expect(e).toContain('cifar.idx3');
    expect(e).toContain('expected 28×28, found 32×32');
  });

  it('rejects a zero image count', () => {
    const e = errorOf(parseIdxImages(idxImageBytes(0), 'empty.idx3'));
    expect(e).toContain('empty.idx3');
    expect(e).toContain('image count is 0');
  });
});

describe('parseIdxLabels', () => {
  it('reads a valid label file', () => {
    const r = parseIdxLabels(idxLabelBytes([7, 2, 1, 0, 9]), 'labels.idx1');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.count).toBe(5);
    expect(Array.from(r.value.labels)).toEqual([7, 2, 1, 0, 9]);
  });

  it('rejects an out-of-range label, naming its index and value', () => {
    const e = errorOf(parseIdxLabels(idxLabelBytes([1, 2, 10, 3, 200]), 'labels.idx1'));
    expect(e).toContain('labels.idx1');
    expect(e).toContain('label 2 is 10');
    expect(e).toContain('0..9');
    expect(e).toContain('2 labels out of range');
  });

  it('honours a different number of classes', () => {
    expect(parseIdxLabels(idxLabelBytes([0, 2, 1]), 'l', 3).ok).toBe(true);
    expect(errorOf(parseIdxLabels(idxLabelBytes([0, 3]), 'l', 3))).toContain('label 1 is 3');
    expect(errorOf(parseIdxLabels(idxLabelBytes([0]), 'l', 0))).toContain('number of classes');
  });

  it('rejects wrong magic, a count that disagrees with the length, and zero labels', () => {
    expect(errorOf(parseIdxLabels(idxLabelBytes([1], { magic: 0x00000803 }), 'l.idx1'))).toContain('expected 0x00000801');
    const short = errorOf(parseIdxLabels(idxLabelBytes([1, 2, 3], { count: 5 }), 'l.idx1'));
    expect(short).toContain('l.idx1: truncated');
    expect(short).toContain('2 missing');
    const long = errorOf(parseIdxLabels(idxLabelBytes([1, 2, 3], { count: 2 }), 'l.idx1'));
    expect(long).toContain('trailing bytes');
    expect(errorOf(parseIdxLabels(idxLabelBytes([]), 'l.idx1'))).toContain('label count is 0');
    expect(errorOf(parseIdxLabels(new Uint8Array(3), 'l.idx1'))).toContain('truncated IDX label header: 3 bytes');
  });

  it('returns an error, not an exception, for a value that is not bytes', () => {
    const e = errorOf(parseIdxLabels(null as unknown as Uint8Array, 'nothing'));
    expect(e).toContain('nothing');
    expect(e).toContain('Uint8Array');
  });
});

describe('pairSplit', () => {
  it('joins images and labels with equal counts', () => {
    const images = parseIdxImages(idxImageBytes(3), 'i');
    const labels = parseIdxLabels(idxLabelBytes([4, 5, 6]), 'l');
    if (!images.ok || !labels.ok) throw new Error('fixtures should parse');
    const r = pairSplit(images.value, labels.value, { images: 'i', labels: 'l' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.count).toBe(3);
    expect(r.value.images).toBe(images.value.pixels);
    expect(Array.from(r.value.labels)).toEqual([4, 5, 6]);
  });

  it('rejects differing counts, naming both files', () => {
    const images = parseIdxImages(idxImageBytes(3), 'imgs.idx3');
    const labels = parseIdxLabels(idxLabelBytes([4, 5]), 'labs.idx1');
    if (!images.ok || !labels.ok) throw new Error('fixtures should parse');
    const e = errorOf(pairSplit(images.value, labels.value, { images: 'imgs.idx3', labels: 'labs.idx1' }));
    expect(e).toContain('imgs.idx3');
    expect(e).toContain('labs.idx1');
    expect(e).toContain('3 images but 2 labels');
  });
});

describe('fuzz: the parsers never throw', () => {
  it('returns ok or an error for 1,000 random and mutated inputs', () => {
    const rng = createRng(20240611);
    const seeds = [idxImageBytes(2), idxLabelBytes([1, 2, 3, 4, 5, 6, 7]), idxImageBytes(1, { rows: 3, cols: 3 })];
    let oks = 0;
    let errors = 0;
    for (let trial = 0; trial < 1000; trial++) {
      let input: Uint8Array;
      const kind = trial % 4;
      if (kind === 0) {
        // Random bytes of a random length, sometimes with a valid magic in front.
        input = new Uint8Array(rng.int(80));
        for (let i = 0; i < input.length; i++) input[i] = rng.int(256);
        if (input.length >= 4 && rng.next() < 0.5) input.set([0, 0, 8, rng.next() < 0.5 ? 1 : 3]);
      } else {
        const seed = seeds[rng.int(seeds.length)];
        input = seed.slice();
        if (kind === 1) {
          // Flip a few bytes, favouring the header where the interesting checks are.
          for (let m = rng.int(4) + 1; m > 0; m--) input[rng.next() < 0.7 ? rng.int(Math.min(16, input.length)) : rng.int(input.length)] = rng.int(256);
        } else if (kind === 2) {
          input = input.slice(0, rng.int(input.length + 1));
        } else {
          const extra = new Uint8Array(input.length + rng.int(20) + 1);
          extra.set(input);
          input = extra;
        }
      }
      for (const parse of [(b: Uint8Array) => parseIdxImages(b, 'fuzz'), (b: Uint8Array) => parseIdxLabels(b, 'fuzz')]) {
        let r: ParseResult<unknown> | undefined;
        expect(() => { r = parse(input); }).not.toThrow();
        expect(r).toBeDefined();
        if (r!.ok) oks++;
        else {
          errors++;
          expect(r!.error.startsWith('fuzz: ')).toBe(true);
        }
      }
    }
    expect(oks + errors).toBe(2000);
    // The mix is meant to exercise both outcomes, not only rejection.
    expect(oks).toBeGreaterThan(0);
    expect(errors).toBeGreaterThan(1000);
  });
});
