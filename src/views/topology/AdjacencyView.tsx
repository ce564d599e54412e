// One model's adjacency matrix for the layer and epoch the topology store shows. React renders the
// canvas and SVG once; the store is read in a subscription that feeds the chart, never React state.
import { useEffect, useRef } from 'react';
import { frameAtEpoch, shownFrame, type LayerFrame, type TopologyState, type TopologyStore } from '../../state/topology';
import { createAdjacencyChart, type AdjacencyChart } from './adjacencyChart';
import { ADJACENCY_DEFAULT_WIDTH, ADJACENCY_MARGIN, REWIRE_ANIMATION_MS } from './config';
import { frameOutDegrees, sharedWeightMax } from './frameStats';
import type { ColorMode } from './raster';
import { rowLayout, type RowLayout } from './rowOrder';
import type { ZoomLink } from './zoomLink';

export interface AdjacencyViewProps {
  store: TopologyStore;
  modelId: string;
  colorBy: ColorMode;
  /** Models whose weights share one colour scale (those shown side by side). */
  scaleModels: readonly string[];
  link?: ZoomLink;
  label: string;
}

interface Shown {
  modelId: string;
  layer: number;
  frameIndex: number;
  frame: LayerFrame;
  layout: RowLayout;
  colorBy: ColorMode;
  weightMax: number;
}

const layoutCache = new WeakMap<LayerFrame, RowLayout>();
const staticLayouts = new Map<string, RowLayout>();

/** Row layouts are rebuilt only when their input changes: per frame for degree, once per size otherwise. */
function layoutFor(order: TopologyState['rowOrder'], frame: LayerFrame): RowLayout {
  if (order === 'degree') {
    let l = layoutCache.get(frame);
    if (!l) layoutCache.set(frame, (l = rowLayout('degree', frame.nIn, () => frameOutDegrees(frame))));
    return l;
  }
  const key = `${order}:${frame.nIn}`;
  let l = staticLayouts.get(key);
  if (!l) staticLayouts.set(key, (l = rowLayout(order, frame.nIn, () => frameOutDegrees(frame))));
  return l;
}

export function AdjacencyView({ store, modelId, colorBy, scaleModels, link, label }: AdjacencyViewProps) {
  const wrapRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const chartRef = useRef<AdjacencyChart | null>(null);
  const shownRef = useRef<Shown | null>(null);
  const scaleKey = scaleModels.join('|');

  useEffect(() => {
    const canvas = canvasRef.current;
    const svg = svgRef.current;
    const wrap = wrapRef.current;
    if (!canvas || !svg || !wrap) return;
    let chart: AdjacencyChart | null = null;
    chart = createAdjacencyChart(canvas, svg, {
      onZoom: (t) => { if (chart) link?.zoomed(chart, t); },
      onSizeChange: ({ height }) => { wrap.style.height = `${height}px`; },
    });
    chartRef.current = chart;
    const unlink = link?.add(chart);
    const measure = () => {
      const width = wrap.clientWidth || ADJACENCY_DEFAULT_WIDTH;
      chart?.resize(width - ADJACENCY_MARGIN.left - ADJACENCY_MARGIN.right, ADJACENCY_MARGIN);
    };
    measure();
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(measure);
    observer?.observe(wrap);

    const push = (s: TopologyState) => {
      const model = s.models[modelId];
      const selected = shownFrame(s);
      const epoch = selected?.epoch ?? model?.frames.at(-1)?.epoch ?? 0;
      const frame = frameAtEpoch(model, epoch);
      const layerFrame = frame?.layers[s.layer];
      if (!model || !frame || !layerFrame || !chart) return;
      const layout = layoutFor(s.rowOrder, layerFrame);
      const weightMax = sharedWeightMax(scaleKey.split('|').map((id) => frameAtEpoch(s.models[id], epoch)?.layers[s.layer]));
      const frameIndex = model.frames.indexOf(frame);
      const before = shownRef.current;
      if (before && before.frame === layerFrame && before.layout === layout && before.colorBy === colorBy && before.weightMax === weightMax) return;
      // Only one step forward in the same model and layer is a rewiring to animate; any other change is a jump.
      const animate = !!before && before.modelId === modelId && before.layer === s.layer && frameIndex === before.frameIndex + 1;
      shownRef.current = { modelId, layer: s.layer, frameIndex, frame: layerFrame, layout, colorBy, weightMax };
      try {
        chart.update({
          frame: layerFrame,
          previous: animate && before ? before.frame : null,
          animate,
          layout,
          layerIndex: s.layer,
          epoch: frame.epoch,
          weightMax,
          colorBy,
          animationMs: REWIRE_ANIMATION_MS / s.speed,
        });
        delete wrap.dataset.error;
      } catch (e) {
        // A bad frame must not break the store action that delivered it: show the problem here.
        wrap.dataset.error = e instanceof Error ? e.message : String(e);
        console.error(e);
      }
    };
    push(store.getState());
    const unsubscribe = store.subscribe(push);
    return () => {
      unsubscribe();
      observer?.disconnect();
      unlink?.();
      chart?.destroy();
      chart = null;
      chartRef.current = null;
      shownRef.current = null;
    };
  }, [store, modelId, colorBy, scaleKey, link]);

  return (
    <div className="adjacency" ref={wrapRef} data-testid="adjacency-view" data-model={modelId}>
      <canvas
        ref={canvasRef}
        className="adjacency-canvas"
        role="img"
        aria-label={`Adjacency matrix of ${label}: rows are input neurons, columns output neurons, coloured cells are links`}
        data-testid="adjacency-canvas"
      />
      <svg ref={svgRef} className="adjacency-overlay" aria-hidden="true" />
    </div>
  );
}
