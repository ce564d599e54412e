// What several e2e files need: a tiny trained model (trained once per e2e run by the CLI and shared, so
// the suite pays for it once), drawing a "7" with real mouse events, and waiting for the worker's backend.
// Not a test file itself (the runner takes only *.e2e.mjs).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BACKEND_TIMEOUT_MS = 60_000;

const trained = new Map();

/**
 * The bytes of a small trained model file (binary .rlm): H = 64, 5% density, 2 epochs on 4,000 MNIST
 * images, seed 7 — about 80% accuracy, trained in seconds on the sparse CPU path. Made once per strategy.
 */
export function tinyModel(strategy = 'set') {
  if (trained.has(strategy)) return trained.get(strategy);
  const dir = mkdtempSync(path.join(tmpdir(), 'rewire-lab-e2e-model-'));
  const out = path.join(dir, `tiny-${strategy}.rlm`);
  try {
    const res = spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), [
      'src/cli/lab.ts', 'train', '--strategy', strategy, '--hidden', '64', '--density', '0.05', '--epochs', '2',
      '--train-limit', '4000', '--batch', '64', '--lr', '0.005', '--seed', '7', '--out', out,
    ], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
    if (res.status !== 0) throw new Error(`lab train failed:\n${res.stdout}\n${res.stderr}`);
    trained.set(strategy, readFileSync(out));
    return trained.get(strategy);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The JSON header of a binary model file ("RWLM", uint32 LE header length, header). */
export function modelHeader(bytes) {
  assert.equal(bytes.subarray(0, 4).toString('latin1'), 'RWLM');
  return JSON.parse(bytes.subarray(8, 8 + bytes.readUInt32LE(4)).toString('utf8'));
}

/** Waits until the worker has started (the backend badge no longer says "starting"). */
export async function waitForBackend(page) {
  await page.getByTestId('backend-badge').filter({ hasNotText: 'starting' }).waitFor({ timeout: BACKEND_TIMEOUT_MS });
}

/** Draws a "7" on the drawing pad with real mouse events (the bar and the stem in one stroke). */
export async function drawSeven(page) {
  const pad = page.getByTestId('drawing-pad');
  const box = await pad.boundingBox();
  assert.ok(box && box.width > 100, 'the drawing pad is not on screen');
  const at = (fx, fy) => [box.x + fx * box.width, box.y + fy * box.height];
  await page.mouse.move(...at(0.25, 0.2));
  await page.mouse.down();
  await page.mouse.move(...at(0.75, 0.2), { steps: 12 });
  await page.mouse.move(...at(0.45, 0.85), { steps: 16 });
  await page.mouse.up();
}
