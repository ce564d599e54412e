// SHA-256: FIPS 180-4 test vectors and agreement with node:crypto across padding boundaries,
// for both the Web Crypto path and the portable fallback used in insecure browser contexts.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex, sha256HexPortable } from '../../src/data/sha256';
import { createRng } from '../../src/engine/rng';

const ascii = (s: string) => new TextEncoder().encode(s);

describe('sha256', () => {
  it('matches the published test vectors', async () => {
    const vectors: Array<[string, string]> = [
      ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
      ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
      ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
    ];
    for (const [text, hash] of vectors) {
      expect(sha256HexPortable(ascii(text))).toBe(hash);
      expect(await sha256Hex(ascii(text))).toBe(hash);
    }
    const million = new Uint8Array(1_000_000).fill(0x61);
    expect(sha256HexPortable(million)).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });

  it('agrees with node:crypto on every length around the padding boundaries', async () => {
    const rng = createRng(7);
    const lengths = [...Array.from({ length: 140 }, (_, i) => i), 1000, 4096, 65537];
    for (const n of lengths) {
      const bytes = new Uint8Array(n);
      for (let i = 0; i < n; i++) bytes[i] = rng.int(256);
      const expected = createHash('sha256').update(bytes).digest('hex');
      expect(sha256HexPortable(bytes), `length ${n}`).toBe(expected);
      expect(await sha256Hex(bytes), `length ${n}`).toBe(expected);
    }
  });

  it('hashes only the view, not the whole underlying buffer', async () => {
    const buffer = ascii('xxabcxx');
    const view = buffer.subarray(2, 5);
    const expected = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
    expect(sha256HexPortable(view)).toBe(expected);
    expect(await sha256Hex(view)).toBe(expected);
  });
});

describe('sha256HexYielding', () => {
  it('matches the one-shot hash for lengths around block and slice boundaries', async () => {
    const { sha256HexYielding } = await import('../../src/data/sha256');
    for (const length of [0, 63, 64, 65, 64 * 3, 64 * 3 + 1, 1000, 4096 + 7]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 131 + 7) & 0xff);
      // Tiny slices (2 blocks) so the yielding path really slices these inputs.
      expect(await sha256HexYielding(bytes, 2)).toBe(sha256HexPortable(bytes));
    }
  });
});
