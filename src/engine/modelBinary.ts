// The binary model file's container: a magic, a JSON header, then one body of little-endian
// arrays. The header says what the body holds; the body is read strictly in that order.

/** "RWLM": what a binary model file starts with (old JSON files start with "{"). */
export const BINARY_MAGIC = Uint8Array.of(0x52, 0x57, 0x4c, 0x4d);
const PREFIX_BYTES = 8; // magic + uint32 header length

export function isBinaryModel(bytes: Uint8Array): boolean {
  return bytes.length >= BINARY_MAGIC.length && BINARY_MAGIC.every((b, k) => bytes[k] === b);
}

/** One array of the body: 32-bit floats, 32-bit unsigned integers, or raw bytes. */
export type BodyPart = { kind: 'f32'; values: Float32Array } | { kind: 'u32'; values: Int32Array } | { kind: 'bytes'; values: Uint8Array };

function partBytes(p: BodyPart): number {
  return p.kind === 'bytes' ? p.values.length : p.values.length * 4;
}

/** Magic, header length, header (padded with spaces to 4 bytes so the body is aligned), body. */
export function writeContainer(header: Record<string, unknown>, parts: readonly BodyPart[]): Uint8Array {
  const bodyBytes = parts.reduce((sum, p) => sum + partBytes(p), 0);
  let json = JSON.stringify({ ...header, bodyBytes });
  while ((PREFIX_BYTES + new TextEncoder().encode(json).length) % 4 !== 0) json += ' ';
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(PREFIX_BYTES + headerBytes.length + bodyBytes);
  const view = new DataView(out.buffer);
  out.set(BINARY_MAGIC, 0);
  view.setUint32(4, headerBytes.length, true);
  out.set(headerBytes, PREFIX_BYTES);
  let at = PREFIX_BYTES + headerBytes.length;
  for (const p of parts) {
    if (p.kind === 'bytes') out.set(p.values, at);
    else if (p.kind === 'f32') for (let k = 0; k < p.values.length; k++) view.setFloat32(at + 4 * k, p.values[k], true);
    else for (let k = 0; k < p.values.length; k++) view.setUint32(at + 4 * k, p.values[k], true);
    at += partBytes(p);
  }
  return out;
}

/** Reads the body part by part; every read is bounds-checked, and `finish` insists nothing is left. */
export class BodyReader {
  private at = 0;
  private readonly view: DataView;

  constructor(private readonly body: Uint8Array) {
    this.view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  }

  private need(bytes: number, what: string): void {
    if (this.at + bytes > this.body.length) throw new RangeError(`the body ends before ${what} (${this.body.length - this.at} bytes left, ${bytes} needed)`);
  }

  f32(count: number, what: string): Float32Array {
    this.need(count * 4, what);
    const out = new Float32Array(count);
    for (let k = 0; k < count; k++) out[k] = this.view.getFloat32(this.at + 4 * k, true);
    this.at += count * 4;
    return out;
  }

  /** uint32 values as Int32Array (link ids); a value over 2³¹−1 reads as negative and fails validation. */
  u32(count: number, what: string): Int32Array {
    this.need(count * 4, what);
    const out = new Int32Array(count);
    for (let k = 0; k < count; k++) out[k] = this.view.getInt32(this.at + 4 * k, true);
    this.at += count * 4;
    return out;
  }

  bytes(count: number, what: string): Uint8Array {
    this.need(count, what);
    const out = this.body.slice(this.at, this.at + count);
    this.at += count;
    return out;
  }

  finish(): void {
    if (this.at !== this.body.length) throw new RangeError(`the body has ${this.body.length - this.at} bytes after its last array`);
  }
}

/** The header (parsed JSON) and the body, or a problem in words. */
export function readContainer(bytes: Uint8Array): { ok: true; header: unknown; body: Uint8Array } | { ok: false; error: string } {
  if (!isBinaryModel(bytes)) return { ok: false, error: 'it does not start with the model file magic "RWLM"' };
  if (bytes.length < PREFIX_BYTES) return { ok: false, error: 'the file ends inside its header length' };
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  if (PREFIX_BYTES + headerLength > bytes.length) return { ok: false, error: `the header claims ${headerLength} bytes, but the file has ${bytes.length - PREFIX_BYTES} after the prefix` };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength));
  } catch {
    return { ok: false, error: 'the header is not valid UTF-8' };
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `the header is not valid JSON (${e instanceof Error ? e.message : String(e)})` };
  }
  const body = bytes.subarray(PREFIX_BYTES + headerLength);
  const declared = (header as { bodyBytes?: unknown } | null)?.bodyBytes;
  if (declared !== body.length) return { ok: false, error: `the header declares a body of ${String(declared)} bytes, but ${body.length} follow it` };
  return { ok: true, header, body };
}
