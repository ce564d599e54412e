// The Experiment's optional step "attack the hubs": the trained networks under random failure (dashed)
// and targeted attack (solid, with the band of its draws), links and hidden neurons side by side, drawn
// as the levels arrive; then a table at 25% removed with each figure's 95% interval, and the reading.
import { useMemo } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { ATTACK_SERIES, ATTACK_TABLE_LEVEL, attackReadings, attackRows, type AttackGroup, type AttackPoints, type AttackTarget, type Estimate } from '../../state/attackPlan';
import { isAttackBusy } from '../../state/attackStep';
import { isExperimentBusy } from '../../state/experiment';
import { ProgressBar } from '../common/ProgressBar';
import { useExperiment, useLab } from '../LabContext';
import { createCurveChart } from '../robustness/curveChart';
import type { CurveChartData } from '../robustness/curveData';
import { useChart } from '../stats/useChart';
import { runColor } from './experimentData';

const GROUP_TEXT: Record<AttackGroup, { title: string; xLabel: string }> = {
  links: { title: 'Links: at random (dashed) or largest |w| first', xLabel: 'Fraction of links removed' },
  nodes: { title: 'Hidden neurons: at random (dashed) or hubs first', xLabel: 'Fraction of hidden neurons removed' },
};

/** One chart's curves: per network, random failure dashed and the attack solid; null before any point. */
export function attackChartData(targets: readonly AttackTarget[], points: AttackPoints, group: AttackGroup): CurveChartData | null {
  const series = targets.flatMap((t) => ATTACK_SERIES.filter((s) => s.group === group).flatMap((s) => {
    const measured = points[t.key]?.[s.id] ?? [];
    if (measured.length === 0) return [];
    return [{
      id: `${t.key}:${s.id}`, label: `${t.label}, ${s.short}`, color: runColor(t), dashed: !s.targeted,
      points: measured.map((p) => ({ level: p.level, mean: p.mean, min: p.min, max: p.max })),
    }];
  }));
  return series.length === 0 ? null : { xLabel: GROUP_TEXT[group].xLabel, series };
}

function AttackChart({ group, data }: { group: AttackGroup; data: CurveChartData }) {
  const ref = useChart<SVGSVGElement, CurveChartData>(createCurveChart, data);
  const levels = Math.max(...data.series.map((s) => s.points.length));
  return (
    <figure className="chart experiment-robustness" data-testid={`attack-${group}-chart`} data-series={data.series.length} data-levels={levels}>
      <figcaption>{GROUP_TEXT[group].title}</figcaption>
      <svg ref={ref} role="img" aria-label={`${data.xLabel} against test accuracy: random failure dashed, targeted attack solid, one colour per network`} />
    </figure>
  );
}

const cell = (e: Estimate | null) => (e === null ? '–' : `${(e.mean * 100).toFixed(1)}% [${(e.low * 100).toFixed(1)}, ${(e.high * 100).toFixed(1)}]`);

export function AttackStep() {
  const { attack } = useLab();
  const s = useStore(attack, useShallow((st) => ({ phase: st.phase, targets: st.targets, points: st.points, setup: st.setup, done: st.done, total: st.total, message: st.message })));
  const experimentPhase = useExperiment((st) => st.phase);
  const trained = useExperiment((st) => st.runs.some((r) => r.modelId !== null && (r.status === 'trained' || r.status === 'loaded')));
  const busy = isAttackBusy(s.phase);
  const rows = useMemo(() => attackRows(s.targets, s.points), [s.targets, s.points]);
  const readings = attackReadings(rows);
  const charts = (['links', 'nodes'] as const).map((group) => ({ group, data: attackChartData(s.targets, s.points, group) }));
  const level = `${ATTACK_TABLE_LEVEL * 100}%`;
  const status = s.phase === 'running' ? `Measuring: ${s.done} of ${s.total} evaluations` : s.phase === 'stopping' ? 'Stopping…' : s.message ?? (s.phase === 'done' ? 'Done.' : '');
  return (
    <div className="attack-step">
      <div className="buttons">
        <button type="button" className="primary" disabled={busy || isExperimentBusy(experimentPhase) || !trained} onClick={() => void attack.getState().run()}>
          Attack the hubs
        </button>
      </div>
      <p className="run-status" data-testid="attack-status" data-phase={s.phase} aria-live="polite">
        {status || (trained ? 'Ready: the networks above can be attacked.' : 'Offered once a step has finished (or the finished experiment is shown).')}
      </p>
      {s.phase === 'running' && <ProgressBar label="Attacking the networks" value={s.done} max={s.total} testId="attack-progress" />}
      <div className="experiment-robustness-charts">
        {charts.map(({ group, data }) => (data ? <AttackChart key={group} group={group} data={data} /> : null))}
      </div>
      {s.setup && (
        <p className="chart-caption">
          Lines: mean over 1 network seed × {s.setup.repeats} draws; bands: lowest to highest draw. On {s.setup.limit === null ? 'all 10,000' : `the first ${s.setup.limit.toLocaleString('en-US')}`} test images.
        </p>
      )}
      {rows.some((r) => r.draws > 0) && (
        <div className="attack-table-wrap">
        <table className="experiment-table" data-testid="attack-results">
          <caption>Accuracy with {level} removed: mean [95% interval] over the draws (1 network seed each).</caption>
          <thead>
            <tr>
              <th scope="col">Network</th>
              {ATTACK_SERIES.map((series) => <th key={series.id} scope="col">{series.label}</th>)}
              <th scope="col">Draws</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.target.key} data-run={row.target.key} {...Object.fromEntries(ATTACK_SERIES.map((series) => [`data-${series.id}`, row.at[series.id]?.mean ?? '']))}>
                <th scope="row"><span className="swatch" style={{ background: runColor(row.target) }} />{row.target.label}</th>
                {ATTACK_SERIES.map((series) => <td key={series.id}>{cell(row.at[series.id])}</td>)}
                <td>{row.draws}</td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      )}
      {readings.length > 0 && (
        <ul className="experiment-findings" data-testid="attack-findings">
          {readings.map((line) => <li key={line}>{line}</li>)}
        </ul>
      )}
    </div>
  );
}
