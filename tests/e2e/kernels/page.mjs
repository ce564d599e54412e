// Node side of the kernel checks: bundles tests/e2e/kernels/entry.ts with esbuild, serves it on the
// page's own origin (so the page can fetch the dataset assets), and calls the checks in the page.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PREFIX = '__kernel-checks__/';

let bundled = null;

/** The checks as one browser script (built once per process). */
function bundle() {
  bundled ??= build({
    entryPoints: [path.join(HERE, 'entry.ts')],
    bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent',
  }).then((result) => result.outputFiles[0].text);
  return bundled;
}

/** Opens a blank page at `${baseUrl}__kernel-checks__/` holding the checks, with WebGPU started. */
export async function openChecks(page, baseUrl) {
  const script = await bundle();
  const root = new URL(PREFIX, baseUrl).href;
  await page.route(`${root}**`, (route) => {
    const file = new URL(route.request().url()).pathname.split('/').pop();
    if (file === 'checks.js') return route.fulfill({ contentType: 'text/javascript', body: script });
    return route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>kernel checks</title><script type="module" src="checks.js"></script>' });
  });
  await page.goto(`${root}index.html`);
  await page.waitForFunction(() => globalThis.kernelChecks !== undefined, null, { timeout: 30_000 });
  // Rejects here, with the entry's message, when WebGPU did not start.
  await page.evaluate(async () => { await globalThis.kernelChecks; });
}

/** Runs check `name` in the page with `args`; its result comes back as plain JSON. */
export function runCheck(page, name, ...args) {
  return page.evaluate(async ([check, checkArgs]) => (await globalThis.kernelChecks)[check](...checkArgs), [name, args]);
}
