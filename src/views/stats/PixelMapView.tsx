// The 28×28 map of links per input pixel for one frame of the input layer, captioned with its Gini
// coefficient and the number of isolated pixels (engine/stats.ts), with a colour legend.
import { useEffect, useMemo, useRef } from 'react';
import { pixelDegreeSummary } from '../../engine/stats';
import type { LayerFrame } from '../../state/topology';
import { IMAGE_SIDE } from '../../engine/constants';
import { createPixelMapChart, type PixelMapChart } from './pixelMapChart';

export interface PixelMapViewProps {
  /** The input layer (784 → H) at the epoch shown. */
  frame: LayerFrame;
  /** Top of the colour scale, shared by maps shown side by side. */
  maxDegree: number;
  label: string;
  /** CSS pixels per image pixel. */
  scale: number;
  legend?: boolean;
}

const summaries = new WeakMap<LayerFrame, ReturnType<typeof pixelDegreeSummary>>();

/** The pixel-degree summary of a frame, computed once per frame. */
export function frameSummary(frame: LayerFrame): ReturnType<typeof pixelDegreeSummary> {
  let s = summaries.get(frame);
  if (!s) summaries.set(frame, (s = pixelDegreeSummary(frame.links, frame.nOut)));
  return s;
}

export function PixelMapView({ frame, maxDegree, label, scale, legend = true }: PixelMapViewProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const legendRef = useRef<SVGSVGElement>(null);
  const chartRef = useRef<PixelMapChart | null>(null);
  const summary = useMemo(() => frameSummary(frame), [frame]);
  useEffect(() => {
    if (!canvasRef.current) return;
    const chart = createPixelMapChart(canvasRef.current, legendRef.current);
    chartRef.current = chart;
    return () => {
      chart.destroy();
      chartRef.current = null;
    };
  }, []);
  useEffect(() => {
    chartRef.current?.update({ degrees: summary.degrees, maxDegree });
  }, [summary, maxDegree]);
  const side = IMAGE_SIDE * scale;
  return (
    <figure className="pixel-map" data-testid="pixel-map" data-gini={summary.gini.toFixed(4)} data-isolated={summary.isolatedPixels}>
      <canvas
        ref={canvasRef}
        style={{ width: side, height: side }}
        role="img"
        aria-label={`Links per input pixel, ${label}: Gini ${summary.gini.toFixed(2)}, ${summary.isolatedPixels} pixels without links`}
      />
      {legend && <svg ref={legendRef} className="pixel-map-legend" aria-hidden="true" style={{ width: Math.max(side, 120) }} />}
      <figcaption>
        <span className="pixel-map-label">{label}</span>
        <span>Gini <strong>{summary.gini.toFixed(2)}</strong> · isolated <strong>{summary.isolatedPixels}</strong> · max <strong>{summary.maxDegree}</strong></span>
      </figcaption>
    </figure>
  );
}
