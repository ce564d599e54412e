// Picks the tfjs backend for the device path: WebGPU, then WebGL, then CPU, recording why each
// faster one was passed over (and skipping one whose GPU was lost); watches the WebGPU device for
// loss. Runs in the page, in a Web Worker and in Node (no DOM globals).
import * as tf from '@tensorflow/tfjs';

export type BackendName = 'webgpu' | 'webgl' | 'cpu';

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  description?: string;
  /**
   * A software rasteriser (SwiftShader, llvmpipe, WARP…) rather than a GPU: it runs on the CPU,
   * where a large dense matMul is far slower than the WebAssembly sparse path and holds up the
   * page's own drawing while it runs.
   */
  software?: boolean;
}

export interface BackendInfo {
  backend: BackendName;
  /** The GPU adapter WebGPU reported (only when the backend is WebGPU). */
  adapter?: AdapterSummary;
  /** Why faster backends were not used, one clause per backend tried; absent when the first try worked. */
  fallbackReason?: string;
  /** The GPU backend runs on a software rasteriser (see AdapterSummary.software). */
  software?: boolean;
  /** A software GPU was there and passed over for this (CPU) backend. */
  skippedSoftware?: boolean;
}

const ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'cpu'];

/** The navigator of the page or the worker; undefined in Node versions without one. */
function currentNavigator(): Navigator | undefined {
  return (globalThis as { navigator?: Navigator }).navigator;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Older Chromium exposes the adapter's info only through the (since removed) async method. */
interface LegacyAdapterInfo {
  requestAdapterInfo?: () => Promise<GPUAdapterInfo>;
}

/** Names of software rasterisers as adapters and WebGL renderers report them. */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|lavapipe|softpipe|software|microsoft basic render|\bwarp\b/i;

/** Whether an adapter or renderer description names a software rasteriser. */
export function isSoftwareRenderer(...names: (string | undefined)[]): boolean {
  return names.some((n) => n !== undefined && SOFTWARE_RENDERER.test(n));
}

export async function readAdapterInfo(adapter: GPUAdapter): Promise<AdapterSummary> {
  const legacy = adapter as unknown as LegacyAdapterInfo;
  const info: GPUAdapterInfo | undefined =
    'info' in adapter && adapter.info ? adapter.info : legacy.requestAdapterInfo ? await legacy.requestAdapterInfo.call(adapter) : undefined;
  const summary: AdapterSummary = { vendor: info?.vendor || 'unknown', architecture: info?.architecture || 'unknown' };
  if (info?.description) summary.description = info.description;
  // isFallbackAdapter moved from the adapter to its info; older browsers have neither.
  const fallback = info?.isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  if (fallback === true || isSoftwareRenderer(info?.vendor, info?.architecture, info?.description, info?.device)) {
    summary.software = true;
  }
  return summary;
}

/** The WebGL backend's renderer string (unmasked where the browser allows), or undefined. */
function webGlRenderer(): string | undefined {
  try {
    const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } }).gpgpu?.gl;
    if (!gl) return undefined;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer: unknown = gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
    return typeof renderer === 'string' ? renderer : undefined;
  } catch {
    return undefined;
  }
}

type Attempt = { ok: true; adapter?: AdapterSummary; software?: boolean } | { ok: false; reason: string; software?: boolean };

async function activate(name: BackendName): Promise<Attempt> {
  try {
    // setBackend resolves false (with a console warning) when the backend's factory fails.
    const ok = await tf.setBackend(name);
    if (!ok || tf.getBackend() !== name) return { ok: false, reason: `${name}: the backend failed to initialise` };
    await tf.ready();
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: `${name}: ${errorText(e)}` };
  }
}

function describeAdapter(a: AdapterSummary): string {
  return [a.vendor, a.architecture, a.description].filter((x) => x && x !== 'unknown').join(' ') || 'unnamed';
}

/** `allowSoftware`: use a software rasteriser too (only when the user asked for this backend by name). */
async function tryWebGpu(allowSoftware: boolean): Promise<Attempt> {
  const gpu = currentNavigator()?.gpu;
  if (!gpu) return { ok: false, reason: 'webgpu: navigator.gpu is not available here' };
  let adapter: GPUAdapter | null;
  try {
    // The same power preference tfjs-backend-webgpu asks for, so we report the adapter it will use.
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return { ok: false, reason: `webgpu: requestAdapter failed (${errorText(e)})` };
  }
  if (!adapter) return { ok: false, reason: 'webgpu: no GPU adapter was offered' };
  const summary = await readAdapterInfo(adapter);
  if (summary.software && !allowSoftware) {
    return { ok: false, software: true, reason: `webgpu: the adapter (${describeAdapter(summary)}) is a software rasteriser, far slower here than the sparse CPU path` };
  }
  try {
    // Loaded lazily: the WebGPU backend is large and useless where there is no GPU.
    await import('@tensorflow/tfjs-backend-webgpu');
  } catch (e) {
    return { ok: false, reason: `webgpu: could not load the backend module (${errorText(e)})` };
  }
  if (!tf.findBackendFactory('webgpu')) return { ok: false, reason: 'webgpu: the backend did not register itself' };
  const attempt = await activate('webgpu');
  return attempt.ok ? { ok: true, adapter: summary, ...(summary.software ? { software: true } : {}) } : attempt;
}

async function tryWebGl(allowSoftware: boolean): Promise<Attempt> {
  // tfjs registers WebGL only in a page or a worker, so in Node this is the expected outcome.
  if (!tf.findBackendFactory('webgl')) return { ok: false, reason: 'webgl: not available outside a browser' };
  const attempt = await activate('webgl');
  if (!attempt.ok) return attempt;
  const renderer = webGlRenderer();
  if (!isSoftwareRenderer(renderer)) return attempt;
  // The next backend tried (CPU) takes over from this one.
  if (!allowSoftware) return { ok: false, software: true, reason: `webgl: the renderer (${renderer}) is a software rasteriser, far slower here than the sparse CPU path` };
  return { ok: true, software: true };
}

async function tryCpu(): Promise<Attempt> {
  if (tf.env().platformName === 'node' && tf.env().getBool('IS_NODE')) {
    // The CPU backend's only use of IS_NODE after start-up is a console banner advertising
    // tfjs-node (the engine deliberately runs without it); the Node platform is already set.
    tf.env().set('IS_NODE', false);
  }
  return activate('cpu');
}

const TRIES: Record<BackendName, (allowSoftware: boolean) => Promise<Attempt>> = { webgpu: tryWebGpu, webgl: tryWebGl, cpu: tryCpu };

/**
 * Activates the fastest available backend, starting from `preference` (default: WebGPU) and
 * falling back down the order WebGPU → WebGL → CPU. Backends in `exclude` (one whose device was
 * lost) are skipped, with the reason recorded. A GPU backend on a software rasteriser (SwiftShader,
 * llvmpipe…) is passed over too — the CPU path is much faster than a GPU emulated on the same
 * CPU — unless it is the `preference` itself: asked for by name, it is used.
 */
export async function selectBackend(preference?: BackendName, exclude: readonly BackendName[] = []): Promise<BackendInfo> {
  const start = preference === undefined ? 0 : ORDER.indexOf(preference);
  if (start < 0) throw new Error(`backend.ts: unknown backend preference "${String(preference)}" (use webgpu, webgl or cpu)`);
  const reasons: string[] = [];
  let skippedSoftware = false;
  for (const name of ORDER.slice(start)) {
    if (exclude.includes(name)) {
      reasons.push(`${name}: its device was lost earlier in this session`);
      continue;
    }
    const attempt = await TRIES[name](name === preference);
    if (attempt.ok) {
      const info: BackendInfo = { backend: name };
      if (attempt.adapter) info.adapter = attempt.adapter;
      if (attempt.software) info.software = true;
      if (skippedSoftware) info.skippedSoftware = true;
      if (reasons.length > 0) info.fallbackReason = reasons.join('; ');
      return info;
    }
    reasons.push(attempt.reason);
    if (attempt.software) skippedSoftware = true;
  }
  throw new Error(`backend.ts: no tfjs backend could be started (${reasons.join('; ')})`);
}

/** A backend lent for timing beside the one in use: `release` switches tfjs back. */
export type BorrowedBackend = { ok: true; release(): Promise<void> } | { ok: false; reason: string; software?: boolean };

/**
 * Makes `name` the active backend for a while (the measured choice times WebGL beside WebGPU), unless it
 * runs on a software rasteriser (WebGL's renderer string names SwiftShader, llvmpipe…: not timed). On
 * refusal, and on `release`, the backend in use before is active again, its tensors untouched.
 */
export async function borrowBackend(name: 'webgl'): Promise<BorrowedBackend> {
  const previous = tf.getBackend();
  const back = async () => { if (tf.getBackend() !== previous) await tf.setBackend(previous); };
  const attempt = await TRIES[name](false);
  if (!attempt.ok) {
    await back();
    return { ok: false, reason: attempt.reason.replace(`${name}: `, ''), ...(attempt.software ? { software: true } : {}) };
  }
  return { ok: true, release: back };
}

/** What the page is told when the GPU device under a backend goes away. */
export interface DeviceLoss {
  backend: BackendName;
  /** GPUDeviceLostInfo's reason ("destroyed", "unknown") or how the loss was noticed. */
  reason: string;
  message: string;
}

interface WebGpuBackendLike {
  device?: { lost?: Promise<{ reason?: string; message?: string }>; destroy?: () => void };
}

/**
 * Destroys the WebGPU backend's device, as a driver reset would (the page's debug hook for testing
 * the fallback). False when the active backend is not WebGPU.
 */
export function destroyWebGpuDevice(): boolean {
  if (tf.getBackend() !== 'webgpu') return false;
  const device = (tf.backend() as unknown as WebGpuBackendLike).device;
  if (!device?.destroy) return false;
  device.destroy();
  return true;
}

/**
 * Calls `onLost` once if the active backend's WebGPU device is lost (a driver reset, a GPU
 * unplugged, or `device.destroy()`). Other backends have nothing to watch. Returns the function
 * that stops watching.
 */
export function watchDeviceLoss(onLost: (loss: DeviceLoss) => void): () => void {
  let watching = true;
  if (tf.getBackend() !== 'webgpu') return () => { watching = false; };
  const lost = (tf.backend() as unknown as WebGpuBackendLike).device?.lost;
  void lost?.then((info) => {
    if (!watching) return;
    watching = false;
    onLost({ backend: 'webgpu', reason: info?.reason || 'unknown', message: info?.message || 'the WebGPU device was lost' });
  });
  return () => { watching = false; };
}

/**
 * Whether an error thrown by a compute path says its GPU is gone: WebGPU rejects work on a lost
 * device ("Device is lost", "device was destroyed"), WebGL reports a lost context.
 */
export function isDeviceLossError(message: string | undefined): boolean {
  if (!message) return false;
  return /device (is |was |has been )?(lost|destroyed)|lost device|context (is |was )?lost|CONTEXT_LOST/i.test(message);
}

/** The active backend's tensor count and bytes (the worker's memory query; cheap, no readback). */
export function tensorMemory(): { backend: string; numTensors: number; numBytes: number } {
  const m = tf.memory();
  return { backend: tf.getBackend(), numTensors: m.numTensors, numBytes: m.numBytes };
}
