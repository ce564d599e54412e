// The wiring panel: model, layer, row-order and colour controls, the timeline, and one adjacency view
// per model shown (two side by side in compare mode) with its counters and input-pixel map.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { frameAtEpoch, shownFrame, topologyStore, type RowOrderName, type TopologyStore } from '../../state/topology';
import { PIXEL_MAP_COMPANION_SCALE } from '../stats/config';
import { frameSummary, PixelMapView } from '../stats/PixelMapView';
import { AdjacencyView } from './AdjacencyView';
import { densityTop } from './colors';
import { ZOOM_STEP } from './config';
import { sharedWeightMax } from './frameStats';
import { createLegendChart, type LegendChart } from './legendChart';
import type { ColorMode } from './raster';
import { RewireCounters } from './RewireCounters';
import { Timeline } from './Timeline';
import { createZoomLink } from './zoomLink';
import { ModelPickers } from './ModelPickers';
import { SelectField } from './SelectField';
import './controls.css';
import './topology.css';

const ROW_ORDER_LABELS: Record<RowOrderName, string> = { natural: 'natural', degree: 'by degree', 'pixel-grid': 'pixel grid (28×28)' };

export function layerLabel(l: number): string {
  return l === 0 ? 'Layer 1 (pixels → hidden 1)' : `Layer ${l + 1} (hidden ${l} → hidden ${l + 1})`;
}

function Legend({ store, modelIds, colorBy }: { store: TopologyStore; modelIds: string[]; colorBy: ColorMode }) {
  const ref = useRef<SVGSVGElement>(null);
  const chartRef = useRef<LegendChart | null>(null);
  const key = modelIds.join('|');
  const weightMax = useStore(store, (s) => {
    const epoch = shownFrame(s)?.epoch ?? 0;
    return sharedWeightMax(key.split('|').map((id) => frameAtEpoch(s.models[id], epoch)?.layers[s.layer]));
  });
  const top = useStore(store, (s) => {
    const l = shownFrame(s)?.layers[s.layer];
    return l ? densityTop(l.links.length, l.nIn, l.nOut) : 1;
  });
  useEffect(() => {
    if (!ref.current) return;
    const chart = createLegendChart(ref.current);
    chartRef.current = chart;
    return () => chart.destroy();
  }, []);
  useEffect(() => {
    chartRef.current?.update({ colorBy, weightMax, densityTop: top });
  }, [colorBy, weightMax, top]);
  return <svg ref={ref} className="matrix-legend" role="img" aria-label={colorBy === 'weight' ? `Colour legend: weights from −${weightMax} to ${weightMax}` : `Colour legend: link density from 0 to ${top}`} />;
}

/** The input layer's links per pixel beside the matrix, at the epoch shown, on a scale shared by the models shown. */
function CompanionMap({ store, modelId, modelIds }: { store: TopologyStore; modelId: string; modelIds: string[] }) {
  const key = modelIds.join('|');
  const frame = useStore(store, (s) => frameAtEpoch(s.models[modelId], shownFrame(s)?.epoch ?? 0)?.layers[0] ?? null);
  const maxDegree = useStore(store, (s) => {
    const epoch = shownFrame(s)?.epoch ?? 0;
    let max = 1;
    for (const id of key.split('|')) {
      const f = frameAtEpoch(s.models[id], epoch)?.layers[0];
      if (f) max = Math.max(max, frameSummary(f).maxDegree);
    }
    return max;
  });
  if (!frame) return null;
  return <PixelMapView frame={frame} maxDegree={maxDegree} label="links per pixel" scale={PIXEL_MAP_COMPANION_SCALE} legend={false} />;
}

export function TopologyPanel({ store = topologyStore }: { store?: TopologyStore }) {
  const s = useStore(store, useShallow((st) => ({
    modelOrder: st.modelOrder,
    labels: st.modelOrder.map((id) => st.models[id]?.label ?? id).join('\u0000'),
    selectedModel: st.selectedModel,
    compareModel: st.compareModel,
    layer: st.layer,
    rowOrder: st.rowOrder,
    layerCount: shownFrame(st)?.layers.length ?? 0,
    frameCount: st.selectedModel ? (st.models[st.selectedModel]?.frames.length ?? 0) : 0,
  })));
  const actions = store.getState();
  const [colorBy, setColorBy] = useState<ColorMode>('weight');
  const link = useMemo(() => createZoomLink(), []);
  const labels = s.labels.split('\u0000');
  const labelOf = (id: string) => labels[s.modelOrder.indexOf(id)] ?? id;
  const shownIds = [s.selectedModel, s.compareModel].filter((id): id is string => id !== null);
  const canShow = s.selectedModel !== null && s.frameCount > 0;

  return (
    <section className="panel topology-panel" aria-labelledby="topology-title" data-testid="topology-panel">
      <h2 id="topology-title">Wiring</h2>
      <p className="panel-note">
        Each sparse layer as a matrix: a row per input neuron, a column per output neuron, a coloured cell per link.
        After every epoch the weakest links are removed and new ones grown; scroll or use the buttons to zoom down to single links.
      </p>
      {s.modelOrder.length === 0 ? (
        <p className="muted">Train a sparse model (SET, RigL or static) to watch its wiring here.</p>
      ) : (
        <>
          <div className="topology-toolbar">
            <ModelPickers store={store} />
            <SelectField label="Layer" value={s.layer} disabled={!canShow} onChange={(v) => actions.selectLayer(Number(v))}>
                {Array.from({ length: Math.max(1, s.layerCount) }, (_, l) => <option key={l} value={l}>{layerLabel(l)}</option>)}
              </SelectField>
            <SelectField label="Row order" value={s.rowOrder} onChange={(v) => actions.selectRowOrder(v as RowOrderName)}>
                {(Object.keys(ROW_ORDER_LABELS) as RowOrderName[]).map((o) => (
                  <option key={o} value={o} disabled={o === 'pixel-grid' && s.layer !== 0}>{ROW_ORDER_LABELS[o]}</option>
                ))}
              </SelectField>
            <SelectField label="Colour" value={colorBy} onChange={(v) => setColorBy(v as ColorMode)}>
                <option value="weight">weight</option>
                <option value="density">link density</option>
              </SelectField>
            <div className="zoom-buttons" role="group" aria-label="Zoom">
              <button type="button" onClick={() => link.zoomBy(ZOOM_STEP)} disabled={!canShow}>Zoom in</button>
              <button type="button" onClick={() => link.zoomBy(1 / ZOOM_STEP)} disabled={!canShow}>Zoom out</button>
              <button type="button" onClick={() => link.reset()} disabled={!canShow}>Reset zoom</button>
            </div>
          </div>
          <Timeline store={store} />
          {!canShow ? (
            <p className="muted">Waiting for the first epoch’s wiring…</p>
          ) : (
            <>
              <div className={`adjacency-views${shownIds.length > 1 ? ' adjacency-compare' : ''}`}>
                {shownIds.map((id) => (
                  <div className="adjacency-column" key={id}>
                    <div className="adjacency-head">
                      <div>
                        <h3 className="adjacency-title">{labelOf(id)}</h3>
                        <RewireCounters store={store} modelId={id} />
                      </div>
                      {s.layer === 0 && <CompanionMap store={store} modelId={id} modelIds={shownIds} />}
                    </div>
                    <AdjacencyView store={store} modelId={id} colorBy={colorBy} scaleModels={shownIds} link={link} label={labelOf(id)} />
                  </div>
                ))}
              </div>
              <Legend store={store} modelIds={shownIds} colorBy={colorBy} />
            </>
          )}
        </>
      )}
    </section>
  );
}
