// The networks of one step side by side: each with its 28×28 map of links per input pixel (Gini and
// isolated pixels beneath), the histogram of those counts, its status and its honest cost line.
import { useStore } from 'zustand';
import { IMAGE_SIZE } from '../../engine/constants';
import type { ExperimentRun } from '../../state/experiment';
import { useLab } from '../LabContext';
import { frameSummary, PixelMapView } from '../stats/PixelMapView';
import { PixelDegreeHistogram } from './Charts';
import { EXPERIMENT_MAP_SCALE } from './config';
import { inputLayerOf, pathCaption, runColor, runStatusText } from './experimentData';

function mapLabel(run: ExperimentRun, epoch: number): string {
  if (run.source === 'finished') return 'links per pixel, as trained';
  return epoch === 0 ? 'links per pixel, before training' : `links per pixel, after epoch ${epoch}`;
}

function RunCard({ run, maxDegree }: { run: ExperimentRun; maxDegree: number }) {
  const { topology } = useLab();
  const model = useStore(topology, (s) => (run.modelId ? s.models[run.modelId] : undefined));
  const layer = inputLayerOf(model);
  const summary = layer ? frameSummary(layer) : null;
  const side = 28 * EXPERIMENT_MAP_SCALE;
  return (
    <article className="experiment-card" data-testid="experiment-card" data-run={run.key} data-status={run.status} style={{ borderTopColor: runColor(run) }}>
      <h4><span className="swatch" style={{ background: runColor(run) }} />{run.label}</h4>
      {layer && summary ? (
        <>
          <PixelMapView frame={layer} maxDegree={maxDegree} label={mapLabel(run, model?.frames.at(-1)?.epoch ?? 0)} scale={EXPERIMENT_MAP_SCALE} />
          <PixelDegreeHistogram degrees={summary.degrees} top={maxDegree} color={runColor(run)} label={run.label} />
        </>
      ) : (
        <div className="experiment-map-placeholder" style={{ width: side, height: side }}>
          {run.strategy === 'dense' ? `Dense: every pixel keeps all ${run.config.hidden} links` : 'The map appears when training starts'}
        </div>
      )}
      <p className={`experiment-run-status status-${run.status}`} data-testid="experiment-run-status">{runStatusText(run)}</p>
      <p className="experiment-run-path">{pathCaption(run)}</p>
    </article>
  );
}

/** The highest links-per-pixel count among the maps shown, so every map and histogram shares one scale. */
export function useSharedMaxDegree(runs: readonly ExperimentRun[]): number {
  const { topology } = useLab();
  const models = useStore(topology, (s) => s.models);
  let max = 1;
  for (const r of runs) {
    const layer = r.modelId ? inputLayerOf(models[r.modelId]) : null;
    if (layer && layer.nIn === IMAGE_SIZE) max = Math.max(max, frameSummary(layer).maxDegree);
  }
  return max;
}

export function RunCards({ runs, maxDegree }: { runs: readonly ExperimentRun[]; maxDegree: number }) {
  if (runs.length === 0) return <p className="muted experiment-empty">Not run yet.</p>;
  return (
    <div className="experiment-cards">
      {runs.map((r) => <RunCard key={r.key} run={r} maxDegree={maxDegree} />)}
    </div>
  );
}
