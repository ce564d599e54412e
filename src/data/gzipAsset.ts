// Deterministic gzip for the committed assets (Node only): level 9, no file name, mtime 0 and
// an "unknown" OS byte, so rerunning the prepare script rewrites byte-identical files.
import { gzipSync } from 'node:zlib';

/** RFC 1952 header byte 9: the OS; 255 means unknown, which keeps Linux/macOS/Windows alike. */
const GZIP_OS_OFFSET = 9;
const GZIP_OS_UNKNOWN = 255;

export function gzipDeterministic(raw: Uint8Array): Uint8Array {
  // zlib writes no file name and a zero mtime unless told otherwise; only the OS byte varies.
  const gz = gzipSync(raw, { level: 9 });
  const out = new Uint8Array(gz.buffer, gz.byteOffset, gz.byteLength);
  out[GZIP_OS_OFFSET] = GZIP_OS_UNKNOWN;
  return out;
}

/** True when the bytes start with a gzip header whose mtime is zero and that carries no file name. */
export function hasDeterministicGzipHeader(gz: Uint8Array): boolean {
  const FNAME = 0x08;
  return gz.length >= 10 && gz[0] === 0x1f && gz[1] === 0x8b && gz[2] === 8 &&
    (gz[3] & FNAME) === 0 && gz[4] === 0 && gz[5] === 0 && gz[6] === 0 && gz[7] === 0;
}
