// Entry of the adjacency bench page: mounts the topology view's chart on a 784×1000 layer at 1%
// density and records the redraw time the chart itself reports (data-redraw-ms on its canvas).
import type { AdjacencyBenchOptions, AdjacencyBenchResult, AdjacencyCase, BenchGlobals } from '../../src/cli/bench/browserTypes';
import { createRng } from '../../src/engine/rng';
import { linkCount, sampleIds } from '../../src/engine/topology';
import { createAdjacencyChart, type AdjacencyData } from '../../src/views/topology/adjacencyChart';
import { ADJACENCY_DEFAULT_WIDTH, ADJACENCY_MARGIN } from '../../src/views/topology/config';
import { naturalLayout, pixelGridLayout } from '../../src/views/topology/rowOrder';

function nextFrames(n: number): Promise<void> {
  return new Promise((resolve) => {
    const tick = (left: number) => (left === 0 ? resolve() : requestAnimationFrame(() => tick(left - 1)));
    tick(n);
  });
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function runCase(data: AdjacencyData, zoom: number, redraws: number): Promise<AdjacencyCase> {
  const box = document.createElement('div');
  box.style.position = 'relative';
  const canvas = document.createElement('canvas');
  canvas.style.position = 'absolute';
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  box.append(canvas, svg);
  document.body.append(box);
  const chart = createAdjacencyChart(canvas, svg);
  try {
    chart.resize(ADJACENCY_DEFAULT_WIDTH, ADJACENCY_MARGIN);
    chart.update(data);
    await nextFrames(2);
    if (zoom !== 1) {
      chart.zoomBy(zoom);
      await nextFrames(2);
    }
    const redrawMs: number[] = [];
    for (let r = 0; r < redraws; r++) {
      const before = Number(canvas.dataset.redrawCount ?? 0);
      // A new epoch of the same layer: what the timeline does when it steps (no animation).
      chart.update({ ...data, epoch: data.epoch + r + 1 });
      await nextFrames(2);
      if (Number(canvas.dataset.redrawCount ?? 0) <= before) throw new Error('tests/bench/adjacencyPage.ts: the chart did not redraw after update()');
      redrawMs.push(Number(canvas.dataset.redrawMs));
    }
    return { layout: data.layout.name, zoom, devicePixelRatio: globalThis.devicePixelRatio, redrawMs, canvas: { width: canvas.width, height: canvas.height } };
  } finally {
    chart.destroy();
    box.remove();
  }
}

async function runAdjacency(o: AdjacencyBenchOptions): Promise<AdjacencyBenchResult> {
  const rng = createRng(11);
  const links = sampleIds(o.nIn * o.nOut, linkCount(o.nIn, o.nOut, o.density), rng);
  const weights = new Float32Array(links.length);
  for (let k = 0; k < weights.length; k++) weights[k] = 0.1 * rng.normal();
  const frame = { nIn: o.nIn, nOut: o.nOut, links, weights, removed: new Int32Array(0), added: new Int32Array(0) };
  const layouts = o.nIn === 784 ? [pixelGridLayout(), naturalLayout(o.nIn)] : [naturalLayout(o.nIn)];
  const result: AdjacencyBenchResult = { links: links.length, cases: [], problems: [] };
  for (const layout of layouts) {
    for (const zoom of [1, 4]) {
      const data: AdjacencyData = { frame, previous: null, animate: false, layout, layerIndex: 0, epoch: 0, weightMax: 0.3, colorBy: 'weight', animationMs: 0 };
      try {
        result.cases.push(await runCase(data, zoom, o.redraws));
      } catch (e) {
        result.problems.push(`${layout.name} ×${zoom}: ${messageOf(e)}`);
      }
    }
  }
  return result;
}

const bench: BenchGlobals = { adjacency: runAdjacency };
Object.assign(globalThis, { rewireBench: bench });
