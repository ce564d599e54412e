// Issue 8 §4–5 in headless Debian Chromium: builds and serves the page and the bench pages, runs the
// engine, adjacency and page measurements, and turns them into figures. WebGPU runs on SwiftShader
// (the CPU) here, so its ratios matter, not its absolute times.
import type { Browser } from 'playwright-core';
import type { AdjacencyBenchResult, EngineBenchResult } from './browserTypes';
import { engineOptions, runAdjacency, runEngine } from './browserEngine';
import { firstScreenJs, loadTimings, longTasksWhileTraining, pretrainedTiming, UI_RUN } from './browserPage';
import { measurePool, poolFigures } from './browserPool';
import { launchChromium, startSite } from './browserServe';
import { emptyPart, messageOf, type PartResult } from './context';
import { figure, type FigureInput } from './report';
import { ratio, summarize } from './stats';

const BROWSER = '4 browser';
const PAGE = '5 page';

export interface BrowserBenchOptions {
  quick: boolean;
  log(message: string): void;
}

/** Runs one measurement; a failure becomes a problem line and a null, never an aborted bench. */
async function attempt<T>(part: PartResult, what: string, run: () => Promise<T>): Promise<T | null> {
  try {
    return await run();
  } catch (e) {
    part.problems.push(`${what}: ${messageOf(e).split('\n')[0]}`);
    return null;
  }
}

function engineFigures(part: PartResult, r: EngineBenchResult | null, id: string, label: string, readbackTarget: boolean): void {
  const add = (f: FigureInput) => part.figures.push(figure(f));
  const where = r ? `${r.backend}${r.adapter ? ` (${r.adapter})` : ''}, ${r.where}` : 'not measured';
  for (const s of r?.steps ?? []) {
    const key = `${id}.${s.kernels}`;
    const traffic = s.dispatchesPerStep !== undefined ? `; ${s.dispatchesPerStep.toFixed(0)} dispatches and ${s.uploadsPerStep?.toFixed(0)} uploads per masked step` : '';
    add({ id: `${key}.maskedMsPerStep`, section: BROWSER, label: `${label} ${s.kernels}: masked step`, value: s.maskedMsPerStep, unit: 'ms', note: `H=128, d=1%, batch 128; median of ${s.maskedSamples.length} rounds; ${where}${traffic}` });
    add({ id: `${key}.denseMsPerStep`, section: BROWSER, label: `${label} ${s.kernels}: same step, dense layers`, value: s.denseMsPerStep, unit: 'ms' });
    add({ id: `${key}.maskOverhead`, section: BROWSER, label: `${label} ${s.kernels}: masked / dense`, value: ratio(s.maskedMsPerStep, s.denseMsPerStep), unit: '×', target: { op: '<=', value: 1.2 } });
  }
  if (r?.readbacks) {
    const b = r.readbacks;
    add({
      id: `${id}.readbacksPerEpoch`, section: BROWSER, label: `${label}: GPU→CPU readbacks per epoch`, value: b.readbacksPerEpoch, unit: '',
      target: readbackTarget ? { op: '<=', value: 5 } : undefined,
      note: `${b.readbacks} in a real ${b.epochs}-epoch SET run of ${b.batchesPerEpoch} batches per epoch (accuracy on ${b.testImages} test images ${b.testAccuracy.toFixed(3)}); ${b.method}`,
    });
  }
  if (r?.sparseCpu) {
    const c = r.sparseCpu;
    add({ id: `${id}.sparseCpuStepMs`, section: BROWSER, label: `sparse CPU path in a ${r.where}, H=1000`, value: c.msPerStep, unit: 'ms', note: `MNIST, d=1%, batch 128; median of ${c.steps} steps; ${c.kernels === 'wasm-simd' ? 'WebAssembly SIMD' : 'JS'} kernels (no GPU needed)` });
  }
  if (r === null || r.steps.length === 0) add({ id: `${id}.maskedMsPerStep`, section: BROWSER, label: `${label}: masked step`, value: null, unit: 'ms', note: r?.problems[0] ?? 'not measured (see problems)' });
}

function adjacencyFigures(part: PartResult, byDpr: Array<AdjacencyBenchResult | null>): void {
  const cases = byDpr.flatMap((r) => r?.cases ?? []).map((c) => ({ ...c, median: summarize(c.redrawMs).medianMs }));
  const first = cases.find((c) => c.devicePixelRatio === 1 && c.zoom === 1);
  const worst = cases.reduce<(typeof cases)[number] | null>((w, c) => (w === null || c.median > w.median ? c : w), null);
  const links = byDpr.find((r) => r)?.links;
  part.figures.push(figure({
    id: 'browser.adjacencyRedrawMs', section: BROWSER, label: 'adjacency redraw 784×1000 (whole matrix, dpr 1)', value: first?.median, unit: 'ms', target: { op: '<=', value: 16 },
    note: first ? `${links} links; ${first.layout} rows, canvas ${first.canvas.width}×${first.canvas.height}; median of ${first.redrawMs.length} redraws reported by the chart (data-redraw-ms)` : 'not measured (see problems)',
  }));
  if (worst) {
    part.figures.push(figure({
      id: 'browser.adjacencyRedrawWorstMs', section: BROWSER, label: 'adjacency redraw 784×1000, slowest case', value: worst.median, unit: 'ms', target: { op: '<=', value: 16 },
      note: `${worst.layout} rows, zoom ×${worst.zoom}, dpr ${worst.devicePixelRatio} (canvas ${worst.canvas.width}×${worst.canvas.height}); of ${cases.length} cases: ${[...new Set(cases.map((c) => c.layout))].join(' and ')} rows × zoom ${[...new Set(cases.map((c) => c.zoom))].join(', ')} × dpr ${[...new Set(cases.map((c) => c.devicePixelRatio))].join(', ')}`,
    }));
  }
}

/** WebGPU in a worker (where the lab trains) and WebGL in the page; returns the WebGL result. */
async function otherEngines(browser: Browser, baseUrl: string, part: PartResult, log: (m: string) => void): Promise<EngineBenchResult | null> {
  log('§4 engine on WebGPU (worker)…');
  // In the worker, also the sparse CPU path: what a browser without a GPU trains with.
  const workerOptions = { ...engineOptions('webgpu', false), kernels: ['fused' as const], readbackEpochs: 0, sparseCpuSteps: 20 };
  const inWorker = await attempt(part, 'WebGPU engine bench in a worker', () => runEngine(browser, baseUrl, workerOptions, true));
  part.details.webgpuWorker = inWorker;
  engineFigures(part, inWorker, 'browser.webgpuWorker', 'WebGPU in a worker', false);
  part.problems.push(...(inWorker?.problems ?? []));
  log('§4 engine on WebGL (page)…');
  const webgl = await attempt(part, 'WebGL engine bench', () => runEngine(browser, baseUrl, engineOptions('webgl', false), false));
  part.details.webgl = webgl;
  engineFigures(part, webgl, 'browser.webgl', 'WebGL', true);
  return webgl;
}

async function measure(browser: Browser, baseUrl: string, dist: string, opts: BrowserBenchOptions, part: PartResult): Promise<void> {
  const { quick, log } = opts;
  const d = part.details;
  log('§4 engine on WebGPU (page)…');
  const webgpu = await attempt(part, 'WebGPU engine bench', () => runEngine(browser, baseUrl, engineOptions('webgpu', quick), false));
  d.webgpu = webgpu;
  engineFigures(part, webgpu, 'browser.webgpu', 'WebGPU', true);
  // Quick runs keep what the page uses by default (WebGPU in the page); full runs add the rest.
  const webgl = quick ? null : await otherEngines(browser, baseUrl, part, log);
  for (const r of [webgpu, webgl]) part.problems.push(...(r?.problems ?? []));

  log('§4 adjacency redraw…');
  const adjacency: Array<AdjacencyBenchResult | null> = [];
  for (const dpr of quick ? [1] : [1, 2]) {
    adjacency.push(await attempt(part, `adjacency bench (dpr ${dpr})`, () => runAdjacency(browser, baseUrl, { nIn: 784, nOut: 1000, density: 0.01, redraws: quick ? 5 : 15 }, dpr)));
  }
  d.adjacency = adjacency;
  for (const r of adjacency) part.problems.push(...(r?.problems ?? []));
  adjacencyFigures(part, adjacency);

  log(quick ? '§4 long tasks during UI training: skipped (--quick)' : '§4 long tasks while the paper\'s network trains from the UI…');
  const longTasks = quick ? null : await attempt(part, 'long tasks during UI training', () => longTasksWhileTraining(browser, baseUrl));
  d.longTasks = longTasks;
  const worst = longTasks ? Math.max(0, ...longTasks.duringTraining.map((t) => t.durationMs)) : null;
  part.figures.push(figure({
    id: 'browser.longTasksDuringTraining', section: BROWSER, label: 'main-thread long tasks (> 50 ms) while training', value: longTasks?.duringTraining.length, unit: '', target: { op: '<=', value: 0 },
    note: longTasks ? `run ${longTasks.status} in ${longTasks.trainingSeconds.toFixed(1)} s (SET, H=${UI_RUN['Hidden size H']}, ${UI_RUN.Epochs} epochs, ${UI_RUN['Training-set size']} images)${longTasks.duringTraining.length > 0 ? `; longest ${worst?.toFixed(0)} ms; ${longTasks.beforeFirstProgress} of them before the first batch progress (${longTasks.firstProgressMs?.toFixed(0) ?? '?'} ms after the click: run set-up, training-set download and checks)` : ''}; ${longTasks.total} long tasks since navigation` : quick ? 'skipped in --quick' : 'not measured (see problems)',
  }));

  log('§5 page: first-screen JavaScript, load times, pretrained models…');
  const js = await attempt(part, 'first-screen JavaScript', async () => firstScreenJs(dist));
  d.firstScreenJs = js;
  part.figures.push(figure({
    id: 'page.firstScreenJsGzipKiB', section: PAGE, label: 'JavaScript for the first screen (gzip)', value: js ? js.gzipBytes / 1024 : null, unit: 'KiB',
    note: js ? `${js.files.map((f) => f.file).join(', ')} (${(js.bytes / 1024).toFixed(0)} KiB raw); loaded later: ${(js.laterGzipBytes / 1024).toFixed(0)} KiB gzip (worker with tfjs, lazy chunks)` : undefined,
  }));
  const loads = await attempt(part, 'page load timings', () => loadTimings(browser, baseUrl, quick ? 1 : 3));
  d.load = loads;
  const fcp = loads ? summarize(loads.fcpMs) : null;
  const tti = loads ? summarize(loads.ttiMs) : null;
  part.figures.push(figure({ id: 'page.firstContentfulPaintMs', section: PAGE, label: 'first contentful paint (localhost, cold cache)', value: fcp?.medianMs, unit: 'ms', note: fcp ? `median of ${fcp.runs} loads` : undefined }));
  part.figures.push(figure({ id: 'page.timeToInteractiveMs', section: PAGE, label: 'time to interactive (Train enabled)', value: tti?.medianMs, unit: 'ms', note: tti ? `median of ${tti.runs} cold loads: navigation to the Train button enabled, polled every frame` : undefined }));
  const pretrained = await attempt(part, 'pretrained models', () => pretrainedTiming(browser, baseUrl, dist));
  d.pretrained = pretrained;
  part.figures.push(figure({
    id: 'page.firstPretrainedAccuracyMs', section: PAGE, label: 'time to first accuracy of a pretrained model', value: pretrained?.firstAccuracyMs, unit: 'ms',
    note: pretrained?.reason ?? (pretrained?.accuracyText ? `navigation to the header's first "${pretrained.accuracyText.trim()}"` : undefined),
  }));
  part.figures.push(figure({
    id: 'page.firstLiveAccuracyMs', section: PAGE, label: 'pretrained: time to the first live accuracy (sliders work)', value: pretrained?.firstLiveMs, unit: 'ms',
    target: { op: '<=', value: 5000 },
    note: pretrained?.allSparseLiveMs != null ? `Robustness panel opened cold; all ${pretrained.sparseModels} sparse MNIST models live at ${pretrained.allSparseLiveMs.toFixed(0)} ms` : pretrained?.reason,
  }));

  log(`§6 worker pool: Experiment ${quick ? 'Quick' : 'Full'} step and the finished experiment's sweeps on 1 and 2 workers, memory, backend choice…`);
  const pool = await attempt(part, 'worker pool', () => measurePool(baseUrl, quick ? 'quick' : 'full', log));
  d.pool = pool;
  poolFigures(part, pool);
}

/** Only §6, the worker pool (`npm run bench -- --only pool`): its speed-ups, memory and backend choice. */
export async function benchPool(opts: BrowserBenchOptions): Promise<PartResult> {
  const part = emptyPart();
  const site = await startSite(opts.log);
  try {
    const pool = await attempt(part, 'worker pool', () => measurePool(site.baseUrl, opts.quick ? 'quick' : 'full', opts.log));
    part.details.pool = pool;
    poolFigures(part, pool);
  } finally {
    await site.close();
  }
  return part;
}

export async function benchBrowser(opts: BrowserBenchOptions): Promise<PartResult> {
  const part = emptyPart();
  const site = await startSite(opts.log);
  try {
    for (const [name, problem] of Object.entries(site.bundleProblems)) part.problems.push(`bench page ${name}: ${problem}`);
    const browser = await launchChromium();
    try {
      part.details.chromium = browser.version();
      await measure(browser, site.baseUrl, site.dist, opts, part);
    } finally {
      await browser.close();
    }
  } finally {
    await site.close();
  }
  return part;
}
