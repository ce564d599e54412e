// Issue 15 in headless Chromium on the real page: the worker pool's speed-up (the Experiment's step,
// and the finished experiment's removal and shuffling sweeps of 4 models × 10 levels × 3 repeats, with
// 1 and 2 workers in one run), the page's memory per worker count (RSS of this Chromium's process
// tree) and the measured backend choice's figures (the badge's "Measure paths").
import { readdirSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, withTimeout } from './browserServe';
import { figure } from './report';
import type { PartResult } from './context';

const SECTION = '6 worker pool';

/** RSS (MiB) of every process descending from this Node process whose name says Chromium. */
export function chromiumRssMiB(): number {
  const parent = new Map<number, number>();
  const name = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      name.set(Number(entry), stat.slice(stat.indexOf('(') + 1, close));
      parent.set(Number(entry), Number(stat.slice(close + 2).split(' ')[1]));
    } catch { /* the process ended while we read */ }
  }
  const ours = (pid: number): boolean => {
    for (let p = parent.get(pid), hops = 0; p !== undefined && hops < 20; p = parent.get(p), hops++) if (p === process.pid) return true;
    return false;
  };
  let kib = 0;
  for (const [pid, comm] of name) {
    if (!/chrom/i.test(comm) || !ours(pid)) continue;
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) kib += Number(m[1]);
    } catch { /* ended */ }
  }
  return kib / 1024;
}

async function openLab(page: Page, baseUrl: string, query: string): Promise<void> {
  await page.goto(`${baseUrl}?${query}`);
  await page.getByTestId('backend-badge').filter({ hasNotText: 'starting' }).waitFor({ timeout: 120_000 });
}

/** Seconds from the click to the experiment's status "done". */
async function experimentSeconds(page: Page, click: () => Promise<void>, timeoutMs: number): Promise<number> {
  const start = Date.now();
  await click();
  await withTimeout(page.locator('[data-testid="experiment-status"]:is([data-phase="done"], [data-phase="failed"], [data-phase="stopped"])').waitFor({ timeout: timeoutMs }), timeoutMs + 1000, 'experiment');
  const phase = await page.getByTestId('experiment-status').getAttribute('data-phase');
  if (phase !== 'done') throw new Error(`the experiment ended ${phase}: ${await page.getByTestId('experiment-status').textContent()}`);
  return (Date.now() - start) / 1000;
}

export interface PoolBenchResult {
  step: Record<number, number>;
  sweeps: Record<number, number>;
  memoryMiB: Record<number, number>;
  /** After a tiny training (its worker then holds the training set): RSS, and the page thread's ArrayBuffer stores. */
  trainedMiB: Record<number, number>;
  pageBuffersMiB: Record<number, number | null>;
  choice: string | null;
  size: 'quick' | 'full';
}

export async function measurePool(baseUrl: string, size: 'quick' | 'full', log: (m: string) => void): Promise<PoolBenchResult> {
  const result: PoolBenchResult = { step: {}, sweeps: {}, memoryMiB: {}, trainedMiB: {}, pageBuffersMiB: {}, choice: null, size };
  for (const workers of [1, 2]) {
    const browser: Browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
      await openLab(page, baseUrl, `panel=experiment&workers=${workers}`);
      await page.getByTestId('pretrained-status').filter({ hasText: /^Loaded pretrained/ }).waitFor({ timeout: 120_000 });
      log(`§6 finished experiment's sweeps on ${workers} worker(s)…`);
      result.sweeps[workers] = await experimentSeconds(page, () => page.getByRole('button', { name: 'Show the finished experiment' }).click(), 600_000);
      log(`§6 Experiment ${size} step on ${workers} worker(s)…`);
      await page.getByLabel('Size').selectOption(size);
      result.step[workers] = await experimentSeconds(page, () => page.getByRole('button', { name: 'Run with weight decay' }).click(), 900_000);
    } finally {
      await browser.close();
    }
  }
  for (const workers of [1, 2, 4]) {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await openLab(page, baseUrl, `workers=${workers}`);
      await page.getByTestId('pretrained-status').filter({ hasText: /^Loaded pretrained/ }).waitFor({ timeout: 120_000 });
      await page.waitForTimeout(2000);
      result.memoryMiB[workers] = chromiumRssMiB();
      if (workers === 1) {
        log('§6 backend choice (Measure paths)…');
        await page.getByRole('button', { name: 'Measure paths' }).click();
        const choice = page.getByTestId('backend-choice');
        await choice.waitFor({ timeout: 120_000 });
        result.choice = await choice.getAttribute('title');
      }
      log(`§6 page memory after a tiny training on ${workers} worker(s)…`);
      const trained = await memoryAfterTinyTraining(page);
      result.trainedMiB[workers] = trained.rssMiB;
      result.pageBuffersMiB[workers] = trained.pageBuffersMiB;
    } finally {
      await browser.close();
    }
  }
  return result;
}

/**
 * Trains a tiny network (H = 32, 1,000 images, one epoch), so a worker holds the training set, then
 * reads Chromium's RSS and, after a garbage collection, the ArrayBuffer stores of the page's own thread
 * (its V8 isolate; the workers have theirs): RSS mixes the page with its workers, which share one
 * renderer process, and moves by ±100 MiB from run to run; the page's buffers say what the page holds.
 */
export async function memoryAfterTinyTraining(page: Page): Promise<{ rssMiB: number; pageBuffersMiB: number | null }> {
  for (const [label, value] of [['Hidden size H', '32'], ['Density', '0.05'], ['Epochs', '1'], ['Batch size', '64']]) await page.getByLabel(label).fill(value);
  await page.getByLabel('Training-set size', { exact: true }).fill('1000');
  await page.getByRole('tab', { name: 'Train' }).click();
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  const ended = page.locator('[data-testid="run-status"]:is([data-status="finished"], [data-status="failed"], [data-status="stopped"])');
  await withTimeout(ended.waitFor({ timeout: 300_000 }), 301_000, 'tiny training');
  const status = await page.getByTestId('run-status').getAttribute('data-status');
  if (status !== 'finished') throw new Error(`the tiny training ended ${status}: ${await page.getByTestId('run-status').textContent()}`);
  await page.waitForTimeout(2000);
  const rssMiB = chromiumRssMiB();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  // backingStorageSize: ArrayBuffer stores (Chromium ≥ 124); absent in older ones.
  const heap = (await cdp.send('Runtime.getHeapUsage')) as { backingStorageSize?: number };
  return { rssMiB, pageBuffersMiB: heap.backingStorageSize === undefined ? null : heap.backingStorageSize / 2 ** 20 };
}

export function poolFigures(part: PartResult, r: PoolBenchResult | null): void {
  const add = (f: Parameters<typeof figure>[0]) => part.figures.push(figure(f));
  const ratio = (x: Record<number, number> | undefined) => (x?.[1] && x[2] ? x[1] / x[2] : null);
  add({ id: 'pool.sweepSpeedup', section: SECTION, label: 'finished experiment sweeps (4 models × 10 levels × 3 repeats, removal + shuffling): 1 worker / 2 workers', value: ratio(r?.sweeps), unit: '×', target: { op: '>=', value: 1.7 }, note: r ? `${r.sweeps[1]?.toFixed(1)} s vs ${r.sweeps[2]?.toFixed(1)} s on 2,000 test images` : 'not measured' });
  add({ id: 'pool.experimentStepSpeedup', section: SECTION, label: `Experiment ${r?.size ?? ''} step (SET + static, then curves): 1 worker / 2 workers`, value: ratio(r?.step), unit: '×', target: { op: '>=', value: 1.7 }, note: r ? `${r.step[1]?.toFixed(1)} s vs ${r.step[2]?.toFixed(1)} s` : 'not measured' });
  for (const w of [1, 2, 4]) add({ id: `pool.memory${w}`, section: SECTION, label: `page memory (Chromium RSS, all processes) with ${w} worker(s)`, value: r?.memoryMiB[w], unit: 'MiB', note: 'after start: test set in every worker, the 4 pretrained models loaded' });
  for (const w of [1, 2, 4]) add({ id: `pool.memoryTrained${w}`, section: SECTION, label: `page memory (Chromium RSS, all processes) with ${w} worker(s) after a tiny training`, value: r?.trainedMiB[w], unit: 'MiB', note: 'the worker that trained holds the training set (it fetched it itself); RSS varies by ±100 MiB between runs' });
  for (const w of [1, 2, 4]) add({ id: `pool.pageBuffers${w}`, section: SECTION, label: `the page thread's ArrayBuffer stores with ${w} worker(s) after a tiny training`, value: r?.pageBuffersMiB[w] ?? null, unit: 'MiB', note: 'after a GC: the test set and the model files kept for restarts; the training set (44.9 MiB) is held by the workers alone' });
  add({ id: 'pool.backendChoice', section: SECTION, label: 'backend choice (Measure paths, default size)', value: null, unit: '', note: r?.choice ?? 'not measured' });
}
