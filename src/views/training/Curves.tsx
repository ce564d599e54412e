// Test accuracy and training loss per epoch, one coloured curve per model trained this session.
import { useEffect, useMemo, useRef } from 'react';
import type { EpochSummary } from '../../state/progress';
import { modelColor } from '../config';
import { useModels, useTraining } from '../LabContext';
import { createCurvesChart, type CurvesChart } from './curvesChart';
import type { CurveSeries, DomainMode } from './curvesData';

function Chart({ title, yLabel, mode, series, minEpochs }: { title: string; yLabel: string; mode: DomainMode; series: CurveSeries[]; minEpochs: number }) {
  const svgRef = useRef<SVGSVGElement>(null);
  const chartRef = useRef<CurvesChart | null>(null);
  useEffect(() => {
    if (!svgRef.current) return;
    const chart = createCurvesChart(svgRef.current, { yLabel, mode });
    chartRef.current = chart;
    return () => {
      chart.destroy();
      chartRef.current = null;
    };
  }, [yLabel, mode]);
  useEffect(() => {
    chartRef.current?.update(series, minEpochs);
  }, [series, minEpochs, yLabel, mode]);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg ref={svgRef} role="img" aria-label={`${title} per epoch`} />
    </figure>
  );
}

export function Curves() {
  const models = useModels((s) => s.models);
  const histories = useTraining((s) => s.histories);
  const plannedEpochs = useTraining((s) => s.run.config?.epochs ?? 2);
  const { accuracy, loss } = useMemo(() => {
    const pick = (field: keyof Pick<EpochSummary, 'testAccuracy' | 'trainLoss'>): CurveSeries[] =>
      models.map((m, i) => ({
        id: m.id,
        label: m.label,
        color: modelColor(i),
        points: (histories[m.id] ?? []).map((h) => ({ epoch: h.epoch, value: h[field] })),
      }));
    return { accuracy: pick('testAccuracy'), loss: pick('trainLoss') };
  }, [models, histories]);
  if (models.length === 0) return null;
  return (
    <div className="charts">
      <Chart title="Test accuracy" yLabel="accuracy" mode="fraction" series={accuracy} minEpochs={plannedEpochs} />
      <Chart title="Training loss" yLabel="loss" mode="positive" series={loss} minEpochs={plannedEpochs} />
    </div>
  );
}
