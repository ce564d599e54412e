// The Experiment panel's charts, each the lab's existing D3 module bound to one element: test accuracy
// per epoch (training/curvesChart), links-per-pixel histograms (stats/histogramChart) and robustness
// curves with their spread over repeats (robustness/curveChart).
import { useMemo } from 'react';
import type { ExperimentSweepKind } from '../../state/experimentPlan';
import { createCurveChart } from '../robustness/curveChart';
import type { CurveChartData } from '../robustness/curveData';
import { createHistogramChart, type HistogramData } from '../stats/histogramChart';
import { degreeHistogram } from '../stats/statsData';
import { useChart, type ChartModule } from '../stats/useChart';
import { createCurvesChart } from '../training/curvesChart';
import type { CurveSeries } from '../training/curvesData';
import { ACCURACY_LABEL } from './config';

interface AccuracyData {
  series: CurveSeries[];
  minEpochs: number;
}

function createAccuracyChart(svg: SVGSVGElement): ChartModule<AccuracyData> {
  const chart = createCurvesChart(svg, { yLabel: ACCURACY_LABEL, mode: 'fraction' });
  return { update: (d) => chart.update(d.series, d.minEpochs), destroy: () => chart.destroy() };
}

export function AccuracyChart({ title, series, minEpochs }: { title: string; series: CurveSeries[]; minEpochs: number }) {
  const data = useMemo(() => ({ series, minEpochs }), [series, minEpochs]);
  const ref = useChart<SVGSVGElement, AccuracyData>(createAccuracyChart, data);
  return (
    <figure className="chart experiment-accuracy" data-testid="experiment-accuracy">
      <figcaption>{title}</figcaption>
      <svg ref={ref} role="img" aria-label={`${title}: test accuracy per epoch, one line per network`} />
      <ul className="experiment-legend" aria-hidden="true">
        {series.map((s) => <li key={s.id}><span className="swatch" style={{ background: s.color }} />{s.label}</li>)}
      </ul>
    </figure>
  );
}

/** How many input pixels have each number of links; `top` shares the x axis between networks. */
export function PixelDegreeHistogram({ degrees, top, color, label }: { degrees: Int32Array; top: number; color: string; label: string }) {
  const data = useMemo<HistogramData>(() => ({
    series: [{ id: 'pixels', label, color, histogram: degreeHistogram(degrees, top), style: 'bars' }],
    logScale: false, xLabel: 'links per input pixel', unit: 'pixels', integer: true,
  }), [degrees, top, color, label]);
  const ref = useChart<SVGSVGElement, HistogramData>(createHistogramChart, data);
  return <svg ref={ref} role="img" aria-label={`How many input pixels have each number of links, ${label}`} data-testid="experiment-histogram" />;
}

export function RobustnessChart({ kind, data, caption }: { kind: ExperimentSweepKind; data: CurveChartData; caption: string }) {
  const ref = useChart<SVGSVGElement, CurveChartData>(createCurveChart, data);
  const title = kind === 'removal' ? 'Links removed at random' : 'Weights shuffled among links';
  return (
    <figure className="chart experiment-robustness" data-testid={`experiment-${kind}-chart`} data-series={data.series.length}>
      <figcaption>{title}</figcaption>
      <svg ref={ref} role="img" aria-label={`${data.xLabel} against test accuracy, one curve per network`} />
      <p className="chart-caption">{caption}</p>
    </figure>
  );
}
