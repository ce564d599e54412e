// End-to-end harness: serves the built page with `vite preview`, drives Debian's Chromium through
// playwright-core (headless, WebGPU on), runs tests/e2e/*.e2e.mjs in order with a per-test timeout,
// fails a test on any unexpected console or page error, and saves screenshots to tests/e2e/artifacts/.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { ensureChromium } from './browser.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const ARTIFACTS = path.join(HERE, 'artifacts');
// Each run builds into its own folder and serves it on a free port, so runs never disturb each other
// (E2E_ONLY=<substring> keeps the test files whose names contain it; E2E_ONLY=draw,offline keeps either).
let PORT = 0;
let BASE_URL = '';
/** The Chromium to drive, found (or installed) at start. */
let EXECUTABLE = '';
const DIST = mkdtempSync(path.join(tmpdir(), 'rewire-lab-dist-'));
const ONLY = (process.env.E2E_ONLY ?? '').split(',').map((s) => s.trim());
const DEFAULT_TEST_TIMEOUT_MS = 90_000;
const SERVER_START_TIMEOUT_MS = 30_000;
// WebGPU appears on SwiftShader with only --enable-unsafe-webgpu (checked with Chromium 156 here).
const CHROMIUM_ARGS = [
  '--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run',
];

const cleanups = [];
async function cleanUp() {
  while (cleanups.length > 0) {
    const task = cleanups.pop();
    try {
      await task();
    } catch (e) {
      console.error(`tests/e2e/run.mjs: clean-up failed: ${e instanceof Error ? e.message : e}`);
    }
  }
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => { void cleanUp().finally(() => process.exit(130)); });
}

function startPreview() {
  const vite = path.join(ROOT, 'node_modules/.bin/vite');
  const child = spawn(vite, ['preview', '--outDir', DIST, '--port', String(PORT), '--strictPort', '--host', '127.0.0.1'], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
  return { child, exited, output: () => output };
}

async function waitForServer(server) {
  const deadline = Date.now() + SERVER_START_TIMEOUT_MS;
  let exitCode;
  server.exited.then((code) => { exitCode = code; });
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`vite preview exited (code ${exitCode}):\n${server.output()}`);
    try {
      const response = await fetch(BASE_URL);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`vite preview did not answer on ${BASE_URL} within ${SERVER_START_TIMEOUT_MS / 1000} s:\n${server.output()}`);
}

function withTimeout(promise, ms) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function safeName(name) {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

async function loadTests() {
  const files = readdirSync(HERE).filter((f) => f.endsWith('.e2e.mjs') && ONLY.some((o) => f.includes(o))).sort();
  const tests = [];
  for (const file of files) {
    const mod = await import(pathToFileURL(path.join(HERE, file)).href);
    if (!Array.isArray(mod.tests)) throw new Error(`tests/e2e/${file}: must export "tests", an array of { name, fn }`);
    for (const t of mod.tests) {
      if (typeof t.name !== 'string' || typeof t.fn !== 'function') throw new Error(`tests/e2e/${file}: every test needs a name and an fn`);
      tests.push({ ...t, file });
    }
  }
  return tests;
}

/**
 * The browser profile a test runs in. Service workers are blocked in the shared one: a worker registered
 * by one test would outlive it and answer the next test's requests from its cache, past page.route. A
 * test that declares `context` (e.g. `{ serviceWorkers: 'allow' }`, a phone's viewport) gets a fresh
 * profile of its own with those options, closed after it.
 */
async function contextFor(shared, test) {
  if (!test.context) return { context: shared, close: async () => undefined };
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'rewire-lab-e2e-own-'));
  const context = await chromium.launchPersistentContext(userDataDir, { ...contextOptions(), ...test.context });
  return { context, close: async () => { await context.close(); rmSync(userDataDir, { recursive: true, force: true }); } };
}

function contextOptions() {
  return { executablePath: EXECUTABLE, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1360, height: 900 }, serviceWorkers: 'block' };
}

async function runTest(shared, test) {
  const own = await contextFor(shared, test);
  const page = await own.context.newPage();
  const problems = [];
  const allowed = test.allowConsoleErrors ?? [];
  // The first unexpected error ends the test at once instead of letting it wait for its timeout.
  let failNow = () => undefined;
  const failure = new Promise((_, reject) => { failNow = reject; });
  failure.catch(() => undefined);
  const problem = (text) => {
    if (allowed.some((re) => re.test(text))) return;
    problems.push(text);
    failNow(new Error(text));
  };
  // Hermetic by default: the shipped pretrained models (15 MB dense ones among them) would load and be
  // evaluated in every test; a test that wants them says `pretrained: true` (or routes its own models/).
  if (!test.pretrained) {
    await page.route('**/models/index.json', (route) => route.fulfill({
      status: 200, contentType: 'application/json', body: JSON.stringify({ format: 'rewire-lab-model-index', version: 1, models: [] }),
    }));
  }
  page.on('console', (msg) => { if (msg.type() === 'error') problem(`console error: ${msg.text()}`); });
  page.on('pageerror', (err) => problem(`page error: ${err.message}`));
  page.on('worker', (worker) => {
    worker.on('console', (msg) => { if (msg.type() === 'error') problem(`worker console error: ${msg.text()}`); });
  });
  const screenshot = async (name) => {
    const file = path.join(ARTIFACTS, `${safeName(name)}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };
  const started = Date.now();
  try {
    const run = test.fn({ page, baseUrl: BASE_URL, screenshot });
    await withTimeout(Promise.race([run, failure]), test.timeoutMs ?? DEFAULT_TEST_TIMEOUT_MS);
    if (problems.length > 0) throw new Error(problems.join('\n'));
    return { ok: true, seconds: (Date.now() - started) / 1000 };
  } catch (e) {
    await screenshot(`${test.name}-failure`).catch(() => undefined);
    const message = e instanceof Error ? e.message : String(e);
    const extra = problems.length > 0 && !message.includes(problems[0]) ? `\n${problems.join('\n')}` : '';
    return { ok: false, seconds: (Date.now() - started) / 1000, error: message + extra };
  } finally {
    await page.close().catch(() => undefined);
    await own.close().catch(() => undefined);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function build() {
  const vite = path.join(ROOT, 'node_modules/.bin/vite');
  const res = spawnSync(vite, ['build', '--outDir', DIST, '--emptyOutDir', '--logLevel', 'warn'], { cwd: ROOT, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`tests/e2e/run.mjs: vite build failed:\n${res.stdout}\n${res.stderr}`);
  if (!existsSync(path.join(DIST, 'index.html'))) throw new Error('tests/e2e/run.mjs: the build produced no index.html');
}

async function main() {
  // The browser first: where none is installed this may install one (minutes) or stop with a hint.
  EXECUTABLE = ensureChromium();
  cleanups.push(async () => rmSync(DIST, { recursive: true, force: true }));
  build();
  PORT = await freePort();
  BASE_URL = `http://127.0.0.1:${PORT}/`;
  mkdirSync(ARTIFACTS, { recursive: true });
  const tests = await loadTests();
  const server = startPreview();
  await waitForServer(server);
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'rewire-lab-e2e-'));
  cleanups.push(async () => rmSync(userDataDir, { recursive: true, force: true }));
  const context = await chromium.launchPersistentContext(userDataDir, contextOptions());
  cleanups.push(() => context.close());

  let passed = 0;
  let failed = 0;
  for (const test of tests) {
    const result = await runTest(context, test);
    if (result.ok) {
      passed++;
      console.log(`✓ ${test.name} (${result.seconds.toFixed(1)} s)`);
    } else {
      failed++;
      console.log(`✗ ${test.name} (${result.seconds.toFixed(1)} s)\n    ${result.error.split('\n').join('\n    ')}`);
    }
  }
  return { passed, failed };
}

let summary = { passed: 0, failed: 1 };
try {
  summary = await main();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
} finally {
  await cleanUp();
}
console.log(`${summary.passed} passed, ${summary.failed} failed`);
process.exit(summary.failed > 0 ? 1 : 0);
