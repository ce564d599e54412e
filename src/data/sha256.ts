// SHA-256 of bytes in Node and the browser. Uses Web Crypto where it exists; pages served over
// plain http from a non-localhost address have no crypto.subtle, so a portable FIPS 180-4
// implementation stands in there (about 6× slower: ~0.35 s for the 47 MB training images in Node).

const ROUND_CONSTANTS = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const INITIAL_HASH = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/** Processes one 64-byte block of `block` starting at `offset` into the running hash `h`. */
function compressBlock(h: Uint32Array, w: Uint32Array, block: Uint8Array, offset: number): void {
  for (let t = 0; t < 16; t++) {
    const o = offset + 4 * t;
    w[t] = (block[o] << 24) | (block[o + 1] << 16) | (block[o + 2] << 8) | block[o + 3];
  }
  for (let t = 16; t < 64; t++) {
    const x = w[t - 15];
    const y = w[t - 2];
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
  }
  let a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
  for (let t = 0; t < 64; t++) {
    const bigSigma1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const choose = (e & f) ^ (~e & g);
    const t1 = (k + bigSigma1 + choose + ROUND_CONSTANTS[t] + w[t]) | 0;
    const bigSigma0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const majority = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (bigSigma0 + majority) | 0;
    k = g; g = f; f = e; e = (d + t1) | 0;
    d = c; c = b; b = a; a = (t1 + t2) | 0;
  }
  h[0] += a; h[1] += b; h[2] += c; h[3] += d;
  h[4] += e; h[5] += f; h[6] += g; h[7] += k;
}

function toHex(words: Uint32Array | Uint8Array, bytesPerWord: number): string {
  let out = '';
  for (let i = 0; i < words.length; i++) out += words[i].toString(16).padStart(2 * bytesPerWord, '0');
  return out;
}

/** SHA-256 in plain JavaScript (synchronous); lowercase hex. */
export function sha256HexPortable(bytes: Uint8Array): string {
  const h = new Uint32Array(INITIAL_HASH);
  const w = new Uint32Array(64);
  const fullBlocks = Math.floor(bytes.length / 64);
  for (let i = 0; i < fullBlocks; i++) compressBlock(h, w, bytes, 64 * i);
  return finish(h, w, bytes, fullBlocks);
}

/**
 * SHA-256 in plain JavaScript that hands the thread back every `blocksPerSlice` blocks (1 MB by
 * default), so hashing the 47 MB training images on a page's main thread never makes a long task
 * (Web Crypto's digest runs there as one ~100 ms task).
 */
export async function sha256HexYielding(bytes: Uint8Array, blocksPerSlice = 16384): Promise<string> {
  const h = new Uint32Array(INITIAL_HASH);
  const w = new Uint32Array(64);
  const fullBlocks = Math.floor(bytes.length / 64);
  for (let start = 0; start < fullBlocks; start += blocksPerSlice) {
    const end = Math.min(fullBlocks, start + blocksPerSlice);
    for (let i = start; i < end; i++) compressBlock(h, w, bytes, 64 * i);
    if (end < fullBlocks) await yieldToEventLoop();
  }
  return finish(h, w, bytes, fullBlocks);
}

/** Resolves in a new task (MessageChannel, no setTimeout clamping), letting input and rendering run. */
export function yieldToEventLoop(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

function finish(h: Uint32Array, w: Uint32Array, bytes: Uint8Array, fullBlocks: number): string {
  // Padding: 0x80, zeros, then the message length in bits as a 64-bit big-endian integer.
  const rest = bytes.length - 64 * fullBlocks;
  const tail = new Uint8Array(rest + 9 <= 64 ? 64 : 128);
  tail.set(bytes.subarray(64 * fullBlocks));
  tail[rest] = 0x80;
  const bitLength = bytes.length * 8;
  const tailView = new DataView(tail.buffer);
  tailView.setUint32(tail.length - 8, Math.floor(bitLength / 0x100000000), false);
  tailView.setUint32(tail.length - 4, bitLength >>> 0, false);
  for (let offset = 0; offset < tail.length; offset += 64) compressBlock(h, w, tail, offset);
  return toHex(h, 4);
}

/** SHA-256 of `bytes` as lowercase hex, through Web Crypto when available. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) return sha256HexPortable(bytes);
  // Web Crypto takes only ArrayBuffer-backed views; copy a view of a SharedArrayBuffer.
  const input: Uint8Array<ArrayBuffer> = bytes.buffer instanceof ArrayBuffer
    ? (bytes as Uint8Array<ArrayBuffer>)
    : new Uint8Array(bytes);
  const digest = await subtle.digest('SHA-256', input);
  return toHex(new Uint8Array(digest), 1);
}
