// Issue 8 §4, engine side: opens the bench pages (tests/bench/*) in Chromium and calls them —
// training-step timings and readbacks on WebGPU and WebGL, the same in a worker, adjacency redraws.
import type { Browser, Page } from 'playwright-core';
import type { AdjacencyBenchOptions, AdjacencyBenchResult, BenchGlobals, EngineBenchOptions, EngineBenchResult } from './browserTypes';
import { withTimeout } from './browserServe';

/** The small configuration of the browser figures (SwiftShader runs WebGPU on the CPU). */
export function engineOptions(backend: 'webgpu' | 'webgl', quick: boolean): EngineBenchOptions {
  return {
    backend,
    hidden: 128,
    density: 0.01,
    batchSize: 128,
    // Quick runs time the kernels the page uses (fused on WebGPU) and skip the stock-op comparison.
    kernels: backend === 'webgpu' && !quick ? ['fused', 'plain'] : backend === 'webgpu' ? ['fused'] : ['plain'],
    // SwiftShader runs these on the CPU at ~0.1–0.5 s a step: a few rounds keep the part to minutes.
    warmupSteps: 2,
    rounds: quick ? 2 : 3,
    stepsPerRound: quick ? 4 : 5,
    readbackEpochs: 2,
    readbackTrainImages: quick ? 512 : 1024,
    sparseCpuSteps: 0,
  };
}

async function openBenchPage(browser: Browser, name: string, baseUrl: string, deviceScaleFactor = 1): Promise<{ page: Page; errors: string[]; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, deviceScaleFactor });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console error: ${m.text()}`); });
  await page.goto(`${baseUrl}bench/${name}.html`);
  await page.waitForFunction(() => (globalThis as { rewireBench?: unknown }).rewireBench !== undefined, undefined, { timeout: 30_000 });
  return { page, errors, close: () => context.close() };
}

/** The engine bench in the page (or, with `worker`, in a module worker of the page). */
export async function runEngine(browser: Browser, baseUrl: string, options: EngineBenchOptions, worker: boolean): Promise<EngineBenchResult> {
  const { page, errors, close } = await openBenchPage(browser, 'engine', baseUrl);
  try {
    const call = page.evaluate(async ({ o, inWorker }) => {
      const bench = (globalThis as unknown as { rewireBench: BenchGlobals }).rewireBench;
      const run = inWorker ? bench.engineInWorker : bench.engine;
      if (!run) throw new Error('the engine bench page exposes no bench');
      return run(o);
    }, { o: options, inWorker: worker });
    const result = await withTimeout(call, 240_000, `the ${options.backend} engine bench${worker ? ' in a worker' : ''}`);
    result.problems.push(...errors.filter((e) => !/Failed to load resource/.test(e)));
    return result;
  } finally {
    await close();
  }
}

export async function runAdjacency(browser: Browser, baseUrl: string, options: AdjacencyBenchOptions, deviceScaleFactor: number): Promise<AdjacencyBenchResult> {
  const { page, errors, close } = await openBenchPage(browser, 'adjacency', baseUrl, deviceScaleFactor);
  try {
    const call = page.evaluate(async (o) => {
      const bench = (globalThis as unknown as { rewireBench: BenchGlobals }).rewireBench;
      if (!bench.adjacency) throw new Error('the adjacency bench page exposes no bench');
      return bench.adjacency(o);
    }, options);
    const result = await withTimeout(call, 120_000, 'the adjacency bench');
    result.problems.push(...errors);
    return result;
  } finally {
    await close();
  }
}
