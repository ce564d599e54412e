// Base64 for typed arrays in model files: little-endian bytes, the same in Node and browsers
// (no Buffer, no btoa), and a strict decoder that reports malformed text instead of guessing.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = (() => {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
  return table;
})();

export function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  const CHUNK = 3 * 4096; // whole triples per chunk keep padding at the very end only
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const end = Math.min(bytes.length, start + CHUNK);
    let s = '';
    for (let i = start; i < end; i += 3) {
      const a = bytes[i];
      const b = i + 1 < end ? bytes[i + 1] : 0;
      const c = i + 2 < end ? bytes[i + 2] : 0;
      s += ALPHABET[a >> 2] + ALPHABET[((a & 3) << 4) | (b >> 4)];
      s += i + 1 < end ? ALPHABET[((b & 15) << 2) | (c >> 6)] : '=';
      s += i + 2 < end ? ALPHABET[c & 63] : '=';
    }
    parts.push(s);
  }
  return parts.join('');
}

/** Decodes strict base64 (length a multiple of 4, padding only at the end); null when malformed. */
export function base64ToBytes(text: string): Uint8Array | null {
  if (text.length % 4 !== 0) return null;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const last = i + 4 === text.length;
    const v0 = sextet(text, i);
    const v1 = sextet(text, i + 1);
    const v2 = last && pad === 2 ? 0 : sextet(text, i + 2);
    const v3 = last && pad >= 1 ? 0 : sextet(text, i + 3);
    if (v0 < 0 || v1 < 0 || v2 < 0 || v3 < 0) return null;
    const n = (v0 << 18) | (v1 << 12) | (v2 << 6) | v3;
    out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

function sextet(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c < 128 ? DECODE[c] : -1;
}

export function float32ToBase64(values: Float32Array): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let k = 0; k < values.length; k++) view.setFloat32(k * 4, values[k], true);
  return bytesToBase64(bytes);
}

export function int32ToBase64(values: Int32Array): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let k = 0; k < values.length; k++) view.setInt32(k * 4, values[k], true);
  return bytesToBase64(bytes);
}

/** Null when the text is not base64 or its byte count is not a whole number of floats. */
export function base64ToFloat32(text: string): Float32Array | null {
  const bytes = base64ToBytes(text);
  if (bytes === null || bytes.length % 4 !== 0) return null;
  const view = new DataView(bytes.buffer);
  const out = new Float32Array(bytes.length / 4);
  for (let k = 0; k < out.length; k++) out[k] = view.getFloat32(k * 4, true);
  return out;
}

export function base64ToInt32(text: string): Int32Array | null {
  const bytes = base64ToBytes(text);
  if (bytes === null || bytes.length % 4 !== 0) return null;
  const view = new DataView(bytes.buffer);
  const out = new Int32Array(bytes.length / 4);
  for (let k = 0; k < out.length; k++) out[k] = view.getInt32(k * 4, true);
  return out;
}
