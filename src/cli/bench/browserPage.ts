// Issue 8 §4–5 on the real page: JavaScript shipped for the first screen (gzip), time to interactive
// (Train enabled), time to the first pretrained model's accuracy, and main-thread long tasks while a
// tiny run trains from the UI.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { firstScreenFiles } from './pageSize';
import { withTimeout } from './browserServe';

const VIEWPORT = { width: 1360, height: 900 };

export interface FirstScreenJs {
  files: Array<{ file: string; bytes: number; gzipBytes: number }>;
  gzipBytes: number;
  bytes: number;
  /** Every other .js file of the build (workers, lazy chunks): loaded later, not counted above. */
  laterGzipBytes: number;
  missing: string[];
}

const gz = (data: Buffer) => gzipSync(data, { level: 9 }).length;

/** Sizes the first screen's JavaScript from the build (gzip level 9, what a static host would serve). */
export function firstScreenJs(dist: string): FirstScreenJs {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const read = (p: string) => (existsSync(join(dist, p)) ? readFileSync(join(dist, p), 'utf8') : null);
  const { files, missing } = firstScreenFiles(html, read);
  const sized = files.map((file) => {
    const data = readFileSync(join(dist, file));
    return { file, bytes: data.length, gzipBytes: gz(data) };
  });
  const all = existsSync(join(dist, 'assets')) ? readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js')).map((f) => `assets/${f}`) : [];
  const later = all.filter((f) => !files.includes(f)).reduce((sum, f) => sum + gz(readFileSync(join(dist, f))), 0);
  return {
    files: sized,
    gzipBytes: sized.reduce((a, f) => a + f.gzipBytes, 0),
    bytes: sized.reduce((a, f) => a + f.bytes, 0),
    laterGzipBytes: later,
    missing,
  };
}

/** ms since navigation start when the Train button is enabled, polled every animation frame. */
async function trainEnabledAt(page: Page, timeoutMs: number): Promise<number> {
  const handle = await page.waitForFunction(() => {
    const train = Array.from(document.querySelectorAll('button')).find((b) => b.textContent?.trim() === 'Train');
    return train && !train.disabled ? performance.now() : null;
  }, undefined, { polling: 'raf', timeout: timeoutMs });
  return (await handle.jsonValue()) as number;
}

export interface LoadTiming {
  /** First contentful paint, time to interactive (Train enabled), per cold load. */
  fcpMs: number[];
  ttiMs: number[];
  /** JavaScript resources the browser fetched before the first contentful paint (cross-check). */
  scriptsBeforeFcp: string[];
}

/** Cold loads (a fresh context each: empty cache) of the page, timed in the page's own clock. */
export async function loadTimings(browser: Browser, baseUrl: string, runs: number): Promise<LoadTiming> {
  const out: LoadTiming = { fcpMs: [], ttiMs: [], scriptsBeforeFcp: [] };
  for (let r = 0; r < runs; r++) {
    const context = await browser.newContext({ viewport: VIEWPORT });
    try {
      const page = await context.newPage();
      await page.goto(baseUrl, { waitUntil: 'commit' });
      out.ttiMs.push(await trainEnabledAt(page, 90_000));
      // The paint entry is reported once the frame is presented, which can come after Train is enabled.
      await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0, undefined, { timeout: 30_000 }).catch(() => undefined);
      const paint = await page.evaluate(() => {
        const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN;
        const scripts = (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
          .filter((e) => e.name.endsWith('.js') && e.responseEnd <= fcp)
          .map((e) => new URL(e.name).pathname);
        return { fcp, scripts };
      });
      out.fcpMs.push(paint.fcp);
      if (r === 0) out.scriptsBeforeFcp = paint.scripts;
    } finally {
      await context.close();
    }
  }
  return out;
}

export interface PretrainedTiming {
  /** ms from navigation to the first model row showing a test accuracy; null with `reason` when none. */
  firstAccuracyMs: number | null;
  accuracyText?: string;
  reason?: string;
}

/** Time to the first accuracy of a pretrained model (models/index.json shipped with the page). */
export async function pretrainedTiming(browser: Browser, baseUrl: string, dist: string): Promise<PretrainedTiming> {
  if (!existsSync(join(dist, 'models', 'index.json'))) {
    return { firstAccuracyMs: null, reason: 'public/models/index.json does not exist, so the page ships no pretrained models' };
  }
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    await page.goto(baseUrl, { waitUntil: 'commit' });
    const handle = await page.waitForFunction(() => {
      for (const cell of Array.from(document.querySelectorAll('[data-testid="model-list"] tbody td.accuracies'))) {
        const text = cell.textContent?.trim() ?? '';
        if (/\d\.\d/.test(text)) return { ms: performance.now(), text };
      }
      return null;
    }, undefined, { polling: 'raf', timeout: 120_000 }).catch(() => null);
    if (handle === null) return { firstAccuracyMs: null, reason: 'no model with an accuracy appeared in the model list within 120 s of loading the page' };
    const v = (await handle.jsonValue()) as { ms: number; text: string };
    return { firstAccuracyMs: v.ms, accuracyText: v.text };
  } finally {
    await context.close();
  }
}

export interface LongTaskResult {
  /** Long tasks (> 50 ms) that started between the click on Train and the run's end. */
  duringTraining: Array<{ startMs: number; durationMs: number }>;
  /** Of those, the ones before the first batch progress showed (run set-up: training-set download, checks). */
  beforeFirstProgress: number;
  /** ms from the click to the first batch progress. */
  firstProgressMs: number | null;
  /** All long tasks since navigation (page start-up included), for context. */
  total: number;
  trainingSeconds: number;
  status: string;
  settings: Record<string, string>;
}

/** The e2e test's tiny SET run, trained from the UI while a PerformanceObserver records long tasks. */
export const UI_RUN: Record<string, string> = {
  'Hidden size H': '128', Density: '0.05', Epochs: '2', 'Batch size': '128', 'Training-set size': '1000', 'Learning rate': '0.01',
};

export async function longTasksWhileTraining(browser: Browser, baseUrl: string): Promise<LongTaskResult> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    await context.addInitScript(() => {
      const tasks: Array<{ startMs: number; durationMs: number }> = [];
      (globalThis as unknown as { __benchLongTasks: typeof tasks }).__benchLongTasks = tasks;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) tasks.push({ startMs: e.startTime, durationMs: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
    const page = await context.newPage();
    await page.goto(baseUrl);
    await trainEnabledAt(page, 90_000);
    await page.getByLabel('Strategy').selectOption({ label: 'adaptive SET' });
    for (const [label, value] of Object.entries(UI_RUN)) await page.getByLabel(label, { exact: true }).fill(value);
    const start = await page.evaluate(() => performance.now());
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    const progress = await page.getByTestId('epoch-progress').getByRole('progressbar').waitFor({ timeout: 180_000 })
      .then(() => page.evaluate(() => performance.now()), () => null);
    const done = page.locator('[data-testid="run-status"][data-status="finished"], [data-testid="run-status"][data-status="failed"]');
    await withTimeout(done.waitFor({ timeout: 180_000 }), 185_000, 'the UI training run');
    const status = (await page.getByTestId('run-status').getAttribute('data-status')) ?? 'unknown';
    const end = await page.evaluate(() => performance.now());
    const tasks = await page.evaluate(() => (globalThis as unknown as { __benchLongTasks: Array<{ startMs: number; durationMs: number }> }).__benchLongTasks);
    const during = tasks.filter((t) => t.startMs >= start && t.startMs <= end);
    return {
      duringTraining: during,
      beforeFirstProgress: progress === null ? during.length : during.filter((t) => t.startMs < progress).length,
      firstProgressMs: progress === null ? null : progress - start,
      total: tasks.length,
      trainingSeconds: (end - start) / 1000,
      status,
      settings: { Strategy: 'adaptive SET', ...UI_RUN },
    };
  } finally {
    await context.close();
  }
}
