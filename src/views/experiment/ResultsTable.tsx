// The experiment's results in one table (accuracy; under 10/30/50% link removal and 30% shuffling;
// how concentrated the input links are) and one sentence per step on what it shows.
import { useMemo } from 'react';
import { useStore } from 'zustand';
import type { ExperimentRun } from '../../state/experiment';
import { findings, resultRow, TABLE_REMOVAL_LEVELS, TABLE_SHUFFLE_LEVEL } from '../../state/experimentPlan';
import { useLab } from '../LabContext';
import { inputLayerOf, runColor } from './experimentData';

const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);

export function ResultsTable({ runs }: { runs: readonly ExperimentRun[] }) {
  const { topology } = useLab();
  const models = useStore(topology, (s) => s.models);
  const rows = useMemo(() => runs.map((r) => {
    const layer = r.modelId ? inputLayerOf(models[r.modelId]) : null;
    return { run: r, row: resultRow(r, layer && r.strategy !== 'dense' ? layer : null) };
  }), [runs, models]);
  const lines = findings(rows.map((r) => r.row));
  if (runs.length === 0) return <p className="muted">The table fills in as the networks are trained and measured.</p>;
  return (
    <>
      <table className="experiment-table" data-testid="experiment-results">
        <caption>Accuracy on the test images; under damage, the mean over the repeats.</caption>
        <thead>
          <tr>
            <th scope="col">Network</th>
            <th scope="col">Accuracy</th>
            {TABLE_REMOVAL_LEVELS.map((l) => <th key={l} scope="col">{l * 100}% links removed</th>)}
            <th scope="col">{TABLE_SHUFFLE_LEVEL * 100}% weights shuffled</th>
            <th scope="col">Input-pixel Gini</th>
            <th scope="col">Pixels without links</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ run, row }) => (
            <tr key={row.key} data-run={row.key} data-accuracy={row.accuracy ?? ''} data-removal30={row.removal[1] ?? ''} data-gini={row.gini ?? ''}>
              <th scope="row"><span className="swatch" style={{ background: runColor(run) }} />{row.label}</th>
              <td>{pct(row.accuracy)}</td>
              {row.removal.map((v, i) => <td key={TABLE_REMOVAL_LEVELS[i]}>{pct(v)}</td>)}
              <td>{pct(row.shuffle)}</td>
              <td>{row.gini === null ? '–' : row.gini.toFixed(2)}</td>
              <td>{row.isolatedPixels ?? '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {lines.length > 0 && (
        <ul className="experiment-findings" data-testid="experiment-findings">
          {lines.map((line) => <li key={line}>{line}</li>)}
        </ul>
      )}
    </>
  );
}
