// Robustness curves: choose a perturbation, its levels and repeats, run the sweep (with progress and
// Cancel), see accuracy against strength per model, and export the numbers (CSV) or the chart (SVG, PNG).
import { useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ADVERSARIAL_SUBSET, comparedModels } from '../../state/robustness';
import { isInputKind, SWEEP_KIND_LABELS, SWEEP_KINDS, type SweepOutcome } from '../../state/robustnessSweep';
import { ordersFor, type PerturbationKind, type PerturbationOrder } from '../../engine/robustness';
import { ProgressBar } from '../common/ProgressBar';
import { useLab, useModels, useSession } from '../LabContext';
import { downloadBlob, downloadText } from '../models/download';
import { PNG_SCALE } from './config';
import { createCurveChart, type CurveChart } from './curveChart';
import { chartDataOf, exportName, sweepCsv, type CurveChartData } from './curveData';
import { svgMarkup, svgToPng } from './exportChart';
import { modelLooks } from './modelLooks';
import { useRobustness } from './useRobustness';

const SWEEP_ORDER_LABELS: Readonly<Record<PerturbationOrder, string>> = {
  random: 'at random', strongest: 'largest |w| first', weakest: 'smallest |w| first', degree: 'hubs (most links) first', strength: 'strongest (Σ|w|) first',
};

function SweepChart({ data, outcome }: { data: CurveChartData; outcome: SweepOutcome }) {
  const svgRef = useRef<SVGSVGElement>(null);
  const chartRef = useRef<CurveChart | null>(null);
  const models = useModels((s) => s.models);
  const [exportError, setExportError] = useState<string | null>(null);
  useEffect(() => {
    if (!svgRef.current) return;
    const chart = createCurveChart(svgRef.current);
    chartRef.current = chart;
    return () => {
      chart.destroy();
      chartRef.current = null;
    };
  }, []);
  useEffect(() => {
    chartRef.current?.update(data);
  }, [data]);

  const lookOf = modelLooks(models);
  const exportPng = async () => {
    if (!svgRef.current) return;
    try {
      setExportError(null);
      downloadBlob(await svgToPng(svgRef.current, PNG_SCALE), exportName(outcome, 'png'));
    } catch (e) {
      setExportError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <figure className="chart robustness-figure" data-testid="robustness-chart" data-kind={outcome.kind}>
      <svg ref={svgRef} role="img" aria-label={`${data.xLabel} against test accuracy, one curve per model`} />
      <figcaption className="chart-caption">
        {outcome.order !== undefined && `Removed ${SWEEP_ORDER_LABELS[outcome.order]}. `}
        {outcome.repeats > 1
          ? `Lines: mean over 1 seed (each trained model) × ${outcome.repeats} draws; bands: lowest to highest draw; the CSV adds the 95% interval of each mean.`
          : 'One draw per level (more repeats add a band for the spread).'}
        {outcome.baseline && ' Dashed: uniform random noise of the same ε, the baseline an attack must beat.'}
        {outcome.limit !== null && ` Measured on the first ${outcome.limit.toLocaleString('en')} test images.`}
      </figcaption>
      <div className="buttons export-buttons">
        <button type="button" onClick={() => downloadText(sweepCsv(outcome, lookOf), exportName(outcome, 'csv'), 'text/csv')}>Export CSV</button>
        <button type="button" onClick={() => svgRef.current && downloadText(svgMarkup(svgRef.current), exportName(outcome, 'svg'), 'image/svg+xml')}>Export SVG</button>
        <button type="button" onClick={() => void exportPng()}>Export PNG</button>
      </div>
      {exportError && <p className="model-file-error" role="alert">{exportError}</p>}
    </figure>
  );
}

export function SweepSection() {
  const { robustness } = useLab();
  const form = useRobustness(useShallow((s) => s.sweepForm));
  const problems = useRobustness(useShallow((s) => s.sweepProblems));
  const sweep = useRobustness(useShallow((s) => s.sweep));
  const outcome = useRobustness((s) => s.outcome);
  const models = useModels((s) => s.models);
  const dataset = useSession((s) => s.dataset);
  const excluded = useRobustness(useShallow((s) => s.excluded));
  const hasModels = comparedModels(models, dataset, excluded).length > 0;
  const data = useMemo(() => (outcome ? chartDataOf(outcome, modelLooks(models)) : null), [outcome, models]);
  const act = robustness.getState();
  const running = sweep.status === 'running' || sweep.status === 'cancelling';
  const message = {
    idle: '', running: '', cancelling: 'Cancelling…', done: '', cancelled: 'Sweep cancelled.', failed: `Sweep failed: ${sweep.error}`,
  }[sweep.status];

  return (
    <section className="panel" aria-labelledby="sweep-title" data-testid="sweep">
      <h2 id="sweep-title">Robustness curves</h2>
      <p className="panel-note">
        Accuracy of every compared model against the strength of one perturbation, repeated with different random
        choices. {isInputKind(form.kind)
          ? `Attacks run on the first ${ADVERSARIAL_SUBSET.toLocaleString('en')} test images; FGSM and PGD also draw uniform noise of the same ε.`
          : 'Structural perturbations use the whole test set.'}
      </p>
      <div className="sweep-form">
        <div className="field">
          <label htmlFor="sweep-kind">Perturbation</label>
          <select id="sweep-kind" value={form.kind} disabled={running} onChange={(e) => act.setSweepKind(e.currentTarget.value as PerturbationKind)}>
            {SWEEP_KINDS.map((k) => <option key={k} value={k}>{SWEEP_KIND_LABELS[k]}</option>)}
          </select>
        </div>
        {ordersFor(form.kind).length > 0 && (
          <div className="field">
            <label htmlFor="sweep-order">Which go first</label>
            <select id="sweep-order" value={form.order ?? 'random'} disabled={running} onChange={(e) => act.setSweepOrder(e.currentTarget.value as PerturbationOrder)}>
              {ordersFor(form.kind).map((o) => <option key={o} value={o}>{SWEEP_ORDER_LABELS[o]}</option>)}
            </select>
          </div>
        )}
        <div className="field sweep-levels">
          <label htmlFor="sweep-levels">{isInputKind(form.kind) ? 'Levels (ε)' : 'Levels (fraction)'}</label>
          <input id="sweep-levels" type="text" inputMode="decimal" value={form.levelsText} disabled={running} onChange={(e) => act.setSweepLevels(e.currentTarget.value)} />
        </div>
        <div className="field sweep-repeats">
          <label htmlFor="sweep-repeats">Repeats</label>
          <input id="sweep-repeats" type="number" min={1} max={20} step={1} value={form.repeatsText} disabled={running} onChange={(e) => act.setSweepRepeats(e.currentTarget.value)} />
        </div>
      </div>
      {problems.length > 0 && <ul className="problems">{problems.map((p) => <li key={p}>{p}</li>)}</ul>}
      <div className="run-controls">
        <div className="buttons">
          <button type="button" className="primary" disabled={running || problems.length > 0 || !hasModels} onClick={() => act.runSweep()}>Run sweep</button>
          <button type="button" disabled={sweep.status !== 'running'} onClick={() => act.cancelSweep()}>Cancel</button>
        </div>
        {!hasModels && <p className="run-status">Train or load a model of this dataset to sweep it.</p>}
        {message && <p className={`run-status status-${sweep.status === 'failed' ? 'failed' : 'idle'}`} data-testid="sweep-status">{message}</p>}
      </div>
      {running && (
        <ProgressBar
          label="Sweep progress" value={sweep.done} max={sweep.total} testId="sweep-progress"
          caption={`${sweep.done} of ${sweep.total} evaluations`}
        />
      )}
      {data && outcome ? <SweepChart data={data} outcome={outcome} /> : <p className="muted">Run a sweep to draw the curves.</p>}
    </section>
  );
}
