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
  /** ms from navigation to the header's first "Loaded pretrained … (97.4%)"; null with `reason` when none. */
  firstAccuracyMs: number | null;
  accuracyText?: string;
  /** ms from navigation (Robustness panel) to the first live accuracy a slider acts on, and to the last sparse model's. */
  firstLiveMs?: number | null;
  allSparseLiveMs?: number | null;
  sparseModels?: number;
  reason?: string;
}

/** How long after navigation `condition` first returns a value (polled on a timer, not on animation frames). */
async function timeTo<T>(page: Page, condition: () => T | null, timeoutMs: number): Promise<T | null> {
  const handle = await page.waitForFunction(condition, undefined, { polling: 50, timeout: timeoutMs }).catch(() => null);
  return handle === null ? null : ((await handle.jsonValue()) as T);
}

/** Time to the first accuracy of a pretrained model (models/index.json shipped with the page), and to live sliders. */
export async function pretrainedTiming(browser: Browser, baseUrl: string, dist: string): Promise<PretrainedTiming> {
  const indexFile = join(dist, 'models', 'index.json');
  if (!existsSync(indexFile)) {
    return { firstAccuracyMs: null, reason: 'public/models/index.json does not exist, so the page ships no pretrained models' };
  }
  const index = JSON.parse(readFileSync(indexFile, 'utf8')) as { models: Array<{ dataset: string; strategy: string }> };
  const sparseModels = index.models.filter((m) => m.dataset === 'mnist' && m.strategy !== 'dense').length;
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    await page.goto(baseUrl, { waitUntil: 'commit' });
    const first = await timeTo(page, () => {
      const text = document.querySelector('[data-testid="pretrained-status"]')?.textContent ?? '';
      return /Loaded pretrained .*\(\d+(\.\d)?%\)/.test(text) ? { ms: performance.now(), text } : null;
    }, 120_000);
    if (first === null) return { firstAccuracyMs: null, reason: 'no pretrained model reported an accuracy within 120 s of loading the page' };
    await page.goto(`${baseUrl}?panel=robustness`, { waitUntil: 'commit' });
    const firstLiveMs = await page.waitForFunction(() => {
      const shown = document.querySelectorAll('[data-testid^="live-accuracy-"][data-value]:not([data-value=""])').length;
      return shown >= 1 ? performance.now() : null;
    }, undefined, { polling: 50, timeout: 120_000 }).then((h) => h.jsonValue() as Promise<number>, () => null);
    const allSparseLiveMs = await page.waitForFunction((count) => {
      const shown = document.querySelectorAll('[data-testid^="live-accuracy-"][data-value]:not([data-value=""])').length;
      return shown >= count ? performance.now() : null;
    }, sparseModels, { polling: 50, timeout: 120_000 }).then((h) => h.jsonValue() as Promise<number>, () => null);
    return { firstAccuracyMs: first.ms, accuracyText: first.text, firstLiveMs, allSparseLiveMs, sparseModels };
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
/** The paper's network on the full training set, two epochs (seconds on the sparse CPU path). */
export const UI_RUN: Record<string, string> = {
  'Hidden size H': '1000', Density: '0.01', Epochs: '2', 'Batch size': '128', 'Training-set size': '60000', 'Learning rate': '0.001',
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
    const done = page.locator('[data-testid="run-status"][data-status="finished"], [data-testid="run-status"][data-status="failed"]');
    // On the sparse CPU path a tiny run can end before its first progress event: stop waiting then.
    const progress = await Promise.race([
      page.getByTestId('epoch-progress').getByRole('progressbar').waitFor({ timeout: 180_000 }).then(() => page.evaluate(() => performance.now()), () => null),
      done.waitFor({ timeout: 180_000 }).then(() => null, () => null),
    ]);
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
