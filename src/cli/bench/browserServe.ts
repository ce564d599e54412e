// The browser bench's site, like the e2e runner's: `vite build` into a private temp folder, the
// bench pages (tests/bench/*, bundled with esbuild) added under bench/, `vite preview` on a free
// port, and a Chromium (found or installed like the e2e runner's) through playwright-core with WebGPU enabled.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { ensureChromium } from '../../../tests/e2e/browser.mjs';
import { REPO_ROOT } from '../../data/loadNode';
import { messageOf } from './context';

const FILE = 'cli/bench/browserServe.ts';
// The e2e runner's flags: WebGPU appears on SwiftShader with --enable-unsafe-webgpu alone.
export const CHROMIUM_ARGS = ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Bench pages: name → entry in tests/bench/ (each bundled on its own, so one failure spares the rest). */
export const BENCH_ENTRIES: Record<string, string> = {
  engine: 'tests/bench/enginePage.ts',
  'engine-worker': 'tests/bench/engineWorker.ts',
  adjacency: 'tests/bench/adjacencyPage.ts',
};

export interface Site {
  dist: string;
  baseUrl: string;
  /** Bench bundles that failed to build, with the reason. */
  bundleProblems: Record<string, string>;
  close(): Promise<void>;
}

function buildPage(dist: string): void {
  const vite = join(REPO_ROOT, 'node_modules/.bin/vite');
  const res = spawnSync(vite, ['build', '--outDir', dist, '--emptyOutDir', '--logLevel', 'warn'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`${FILE}: vite build failed:\n${res.stdout}\n${res.stderr}`);
  if (!existsSync(join(dist, 'index.html'))) throw new Error(`${FILE}: the build produced no index.html`);
}

async function bundleBenchPages(dist: string): Promise<Record<string, string>> {
  const esbuild = await import('esbuild');
  const out = join(dist, 'bench');
  mkdirSync(out, { recursive: true });
  const problems: Record<string, string> = {};
  for (const [name, entry] of Object.entries(BENCH_ENTRIES)) {
    try {
      await esbuild.build({
        entryPoints: { [name]: join(REPO_ROOT, entry) }, outdir: out, bundle: true, format: 'esm', platform: 'browser',
        target: 'es2022', minify: true, logLevel: 'silent', define: { 'process.env.NODE_ENV': '"production"' },
      });
      if (name !== 'engine-worker') writeFileSync(join(out, `${name}.html`), `<!doctype html><meta charset="utf-8"><title>bench ${name}</title><body><script type="module" src="./${name}.js"></script></body>\n`);
    } catch (e) {
      problems[name] = `bundling ${entry} failed: ${messageOf(e).split('\n').slice(0, 6).join(' | ')}`;
    }
  }
  return problems;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForServer(url: string, exited: () => number | null | undefined, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (exited() !== undefined) throw new Error(`${FILE}: vite preview exited (code ${exited()}):\n${output()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${FILE}: vite preview did not answer on ${url} within 30 s:\n${output()}`);
}

/** Builds the page and the bench pages into a temp folder and serves them; close() removes it all. */
export async function startSite(log: (m: string) => void): Promise<Site> {
  const dist = mkdtempSync(join(tmpdir(), 'rewire-lab-bench-'));
  let child: ReturnType<typeof spawn> | null = null;
  const close = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const c = child;
      const gone = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
      if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    }
    rmSync(dist, { recursive: true, force: true });
  };
  try {
    log('§4–5 building the page (vite) and the bench pages (esbuild)…');
    buildPage(dist);
    const bundleProblems = await bundleBenchPages(dist);
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}/`;
    const vite = join(REPO_ROOT, 'node_modules/.bin/vite');
    const server = spawn(vite, ['preview', '--outDir', dist, '--port', String(port), '--strictPort', '--host', '127.0.0.1'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child = server;
    let output = '';
    let exitCode: number | null | undefined;
    server.stdout?.on('data', (d) => { output += d; });
    server.stderr?.on('data', (d) => { output += d; });
    server.once('exit', (code) => { exitCode = code; });
    await waitForServer(baseUrl, () => exitCode, () => output);
    return { dist, baseUrl, bundleProblems, close };
  } catch (e) {
    await close();
    throw e;
  }
}

export async function launchChromium(): Promise<Browser> {
  // The e2e runner's finder: CHROMIUM_PATH, the usual install places, playwright's cache; as root on
  // Debian/Ubuntu with none found it installs the `chromium` package, so the bench runs where the tests do.
  const executablePath = ensureChromium((line) => process.stderr.write(`${line}\n`));
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}

/** Rejects after `ms` with a message naming `what` (page waits must never hang the bench). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
