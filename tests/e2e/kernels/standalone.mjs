// Runs tests/e2e/kernels.e2e.mjs without building the app: serves public/ (the dataset assets) on
// 127.0.0.1 and drives a Chromium (see ../browser.mjs). `node tests/e2e/kernels/standalone.mjs [name filter]`;
// `--measure H [batch steps rounds]` prints the counters and ms per step of stock, plain and fused
// at width H instead (1000 is the paper's; SwiftShader's milliseconds mean something only as ratios).
// `--base-url URL` uses a running server (e.g. `vite preview`) instead of serving public/.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { findChromium } from '../browser.mjs';
import { openChecks, runCheck } from './page.mjs';
import { tests } from '../kernels.e2e.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const PUBLIC = path.join(ROOT, 'public');
const ARGS = ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

function serve() {
  const server = createServer((request, response) => {
    const file = path.join(PUBLIC, decodeURIComponent(new URL(request.url, 'http://x').pathname));
    if (!file.startsWith(PUBLIC) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': file.endsWith('.json') ? 'application/json' : 'application/octet-stream' });
    createReadStream(file).pipe(response);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const given = process.argv.indexOf('--base-url');
const server = given >= 0 ? null : await serve();
const baseUrl = server ? `http://127.0.0.1:${server.address().port}/` : process.argv[given + 1];
const args = given >= 0 ? process.argv.filter((_, i) => i !== given && i !== given + 1) : process.argv;
const browser = await chromium.launch({ executablePath: findChromium() ?? '/usr/bin/chromium', headless: true, args: ARGS });
let failed = 0;
try {
  const measure = args.indexOf('--measure');
  if (measure >= 0) {
    const [hidden, batch, steps, rounds] = args.slice(measure + 1).map(Number);
    const page = await browser.newPage();
    await openChecks(page, baseUrl);
    console.log(JSON.stringify(await runCheck(page, 'measureTraffic', hidden || 1000, batch || 128, 3)));
    console.log(JSON.stringify(await runCheck(page, 'timeSteps', hidden || 1000, batch || 128, steps || 4, rounds || 3)));
  } else {
    const filter = args[2] ?? '';
    for (const test of tests.filter((t) => t.name.includes(filter))) {
      const page = await browser.newPage();
      const errors = [];
      page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
      page.on('pageerror', (e) => errors.push(e.message));
      const t0 = Date.now();
      try {
        await test.fn({ page, baseUrl, screenshot: async () => undefined });
        if (errors.length > 0) throw new Error(`console errors: ${errors.join('\n')}`);
        console.log(`✓ ${test.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      } catch (e) {
        failed++;
        console.log(`✗ ${test.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n    ${e instanceof Error ? e.message : e}`);
      } finally {
        await page.close();
      }
    }
  }
} finally {
  await browser.close();
  server?.close();
}
process.exit(failed > 0 ? 1 : 0);
