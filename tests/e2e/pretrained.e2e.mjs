// The models shipped in public/models: a cold load of the build reads their index, loads the current
// dataset's sparse models first and shows their test accuracy live, matching what index.json claims;
// the dense model follows. On this machine's software GPU the dense model is evaluated on the CPU
// path (a dense evaluation on SwiftShader took 95 s and kept the page from drawing meanwhile).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const tests = [
  {
    name: 'the shipped pretrained MNIST models load on a cold visit and show the accuracy their index claims',
    pretrained: true,
    timeoutMs: 120_000,
    async fn({ page, baseUrl, screenshot }) {
      const index = JSON.parse(readFileSync(path.join(ROOT, 'public/models/index.json'), 'utf8'));
      const sparse = index.models.filter((m) => m.dataset === 'mnist' && m.strategy !== 'dense' && m.weightDecay > 0);
      assert.ok(sparse.length >= 2, 'the index lists MNIST SET and static models');
      await page.goto(`${baseUrl}?panel=robustness`);
      const mnist = index.models.filter((m) => m.dataset === 'mnist');
      // Every MNIST model loads (sparse ones first) and is evaluated on all 10,000 test images. The
      // condition is polled on a timer, not on animation frames, so a page that stops drawing while
      // it waits still fails with this timeout's message instead of passing late.
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid^="live-accuracy-"][data-value]:not([data-value=""])').length >= n,
        mnist.length, { timeout: 60_000, polling: 250 });
      const values = await page.locator('[data-testid^="live-accuracy-"][data-value]:not([data-value=""])')
        .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
      for (const m of [...sparse, ...mnist.filter((x) => x.strategy === 'dense')]) {
        assert.ok(values.some((v) => Math.abs(v - m.testAccuracy) < 2e-3), `${m.file} claims ${m.testAccuracy}; the page shows ${values}`);
      }
      // The page kept drawing: a screenshot waits for a new frame, so it ends only if frames come.
      await screenshot('pretrained-shipped');
    },
  },
];
