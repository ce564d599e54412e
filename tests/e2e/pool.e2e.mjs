// End-to-end checks of issue 15 on this machine's SwiftShader WebGPU (asked for by name): the fused
// step's self-check passes there, and a forced mismatch makes the page train with the plain ops and
// say so in the badge.
import assert from 'node:assert/strict';

async function openWebGpu(page, baseUrl, extra) {
  await page.goto(`${baseUrl}?backend=webgpu&workers=1&debug=1${extra}`);
  const badge = page.getByTestId('backend-badge');
  await badge.filter({ hasNotText: 'starting' }).waitFor({ timeout: 120_000 });
  assert.equal((await badge.textContent())?.trim(), 'webgpu');
  return page.locator('.backend');
}

export const tests = [
  {
    name: 'pool: the fused WebGPU step passes its self-check; a forced mismatch falls back to the plain ops and says so',
    timeoutMs: 240_000,
    async fn({ page, baseUrl, screenshot }) {
      let backend = await openWebGpu(page, baseUrl, '');
      assert.match((await backend.getAttribute('title')) ?? '', /Fused WebGPU step checked against the plain ops: relative error/);
      assert.equal(await page.getByTestId('self-check-failed').count(), 0);

      backend = await openWebGpu(page, baseUrl, '&selfcheck=fail');
      await page.getByTestId('self-check-failed').waitFor({ timeout: 10_000 });
      assert.match((await backend.getAttribute('title')) ?? '', /failed its self-check .* training uses the plain ops/);
      assert.match((await page.getByRole('alert').textContent()) ?? '', /disagreed with the plain ops .*failure forced by the debug hook.*so training uses the plain ops/);
      await screenshot('pool-self-check-failed');
    },
  },
];
