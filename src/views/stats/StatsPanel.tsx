// The network-statistics panel for the epoch the timeline shows: degree and weight histograms of a
// layer, link turnover over epochs, the input pixels' link map, and the network's hubs; with a
// second model (compare mode) drawn as outlines, dashed lines and a second map.
import { useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { frameAtEpoch, shownFrame, topologyStore, type TopologyFrame, type TopologyStore } from '../../state/topology';
import { frameInDegrees, frameOutDegrees, sharedWeightMax } from '../topology/frameStats';
import { turnoverSeries } from '../topology/history';
import { COMPARE_COLOR, LAYER_COLORS, NETWORK_GRAPH, PIXEL_MAP, PRIMARY_COLOR } from './config';
import { degreeCcdf } from '../../engine/stats';
import { createCcdfChart, type CcdfData, type CcdfSeries } from './ccdfChart';
import { createHistogramChart, type HistogramData, type HistogramSeries } from './histogramChart';
import { createNetworkChart, type NetworkData } from './networkChart';
import { frameSummary, PixelMapView } from './PixelMapView';
import { degreeHistogram, hubGraph, weightHistogram, type HubGraph } from './statsData';
import { createTurnoverChart, type TurnoverData } from './turnoverChart';
import { useChart } from './useChart';
import { ModelPickers } from '../topology/ModelPickers';
import { SelectField } from '../topology/SelectField';
import '../topology/controls.css';
import './stats.css';

function Figure({ title, children, wide = false }: { title: string; children: React.ReactNode; wide?: boolean }) {
  return (
    <figure className={`chart stats-figure${wide ? ' stats-figure-wide' : ''}`}>
      <figcaption>{title}</figcaption>
      {children}
    </figure>
  );
}

function Ccdf({ data, label }: { data: CcdfData; label: string }) {
  const ref = useChart<SVGSVGElement, CcdfData>(createCcdfChart, data);
  return <svg ref={ref} role="img" aria-label={label} data-testid="stats-ccdf" />;
}

/** Out- and in-degree CCDFs of a layer for each shown model: out-degree blue, in-degree green; compared model dashed. */
function ccdfSeries(shown: Shown[], layer: number): CcdfSeries[] {
  return shown.flatMap((s, i) => [
    { id: `${i}:out`, label: `${s.label}, out-degree`, color: LAYER_COLORS[0], dashed: i > 0, points: degreeCcdf(frameOutDegrees(s.frame.layers[layer])) },
    { id: `${i}:in`, label: `${s.label}, in-degree`, color: LAYER_COLORS[1], dashed: i > 0, points: degreeCcdf(frameInDegrees(s.frame.layers[layer])) },
  ]);
}

function Histogram({ data, label }: { data: HistogramData; label: string }) {
  const ref = useChart<SVGSVGElement, HistogramData>(createHistogramChart, data);
  return <svg ref={ref} role="img" aria-label={label} data-testid="stats-histogram" />;
}

function Turnover({ data }: { data: TurnoverData }) {
  const ref = useChart<SVGSVGElement, TurnoverData>(createTurnoverChart, data);
  return <svg ref={ref} role="img" aria-label="Fraction of links removed per epoch, per layer" data-testid="turnover-chart" />;
}

function Network({ data }: { data: NetworkData }) {
  const ref = useChart<SVGSVGElement, NetworkData>(createNetworkChart, data);
  return <svg ref={ref} role="img" aria-label="Most connected neurons of each layer and the links among them" data-testid="network-chart" />;
}

const hubCache = new WeakMap<TopologyFrame, HubGraph>();

/** The hub picture of a frame, computed once per frame (it walks every link of every layer). */
function hubsOf(frame: TopologyFrame): HubGraph {
  let g = hubCache.get(frame);
  if (!g) hubCache.set(frame, (g = hubGraph(frame.layers, NETWORK_GRAPH.perLayer)));
  return g;
}

interface Shown {
  label: string;
  frame: TopologyFrame;
  frames: TopologyFrame[];
}

function degreeSeries(shown: Shown[], layer: number, degreesOf: typeof frameOutDegrees): HistogramSeries[] {
  const degrees = shown.map((s) => degreesOf(s.frame.layers[layer]));
  const top = Math.max(0, ...degrees.map((d) => d.reduce((m, v) => Math.max(m, v), 0)));
  return shown.map((s, i) => ({
    id: `${i}`, label: s.label, color: i === 0 ? PRIMARY_COLOR : COMPARE_COLOR,
    histogram: degreeHistogram(degrees[i], top), style: i === 0 ? 'bars' : 'outline',
  }));
}

export function StatsPanel({ store = topologyStore }: { store?: TopologyStore }) {
  const s = useStore(store, useShallow((st) => ({
    models: st.models, selectedModel: st.selectedModel, compareModel: st.compareModel, cursor: st.cursor, layer: st.layer,
    selectLayer: st.selectLayer,
  })));
  const [logScale, setLogScale] = useState(false);

  const view = useMemo(() => {
    const frame = shownFrame(s);
    const model = s.selectedModel ? s.models[s.selectedModel] : undefined;
    if (!frame || !model) return null;
    const shown: Shown[] = [{ label: model.label, frame, frames: model.frames }];
    const other = s.compareModel ? s.models[s.compareModel] : undefined;
    const otherFrame = frameAtEpoch(other, frame.epoch);
    if (other && otherFrame && otherFrame.layers.length === frame.layers.length) shown.push({ label: other.label, frame: otherFrame, frames: other.frames });
    const layer = Math.min(s.layer, frame.layers.length - 1);
    const weightMax = sharedWeightMax(shown.map((x) => x.frame.layers[layer]));
    const turnover = shown.flatMap((x, i) => frame.layers.map((_, l) => ({
      id: `${i}:${l}`, label: `${x.label}, layer ${l + 1}`, color: LAYER_COLORS[l % LAYER_COLORS.length], dashed: i > 0,
      points: turnoverSeries(x.frames, l).map((p) => ({ epoch: p.epoch, value: p.removedFraction })),
    })));
    const maxEpoch = Math.max(...shown.map((x) => x.frames.at(-1)?.epoch ?? 1));
    const pixelMax = Math.max(...shown.map((x) => frameSummary(x.frame.layers[0]).maxDegree));
    return {
      epoch: frame.epoch, layer, shown, pixelMax,
      out: degreeSeries(shown, layer, frameOutDegrees),
      in: degreeSeries(shown, layer, frameInDegrees),
      ccdf: ccdfSeries(shown, layer),
      weights: shown.map((x, i): HistogramSeries => ({
        id: `${i}`, label: x.label, color: i === 0 ? PRIMARY_COLOR : COMPARE_COLOR,
        histogram: weightHistogram(x.frame.layers[layer].weights, weightMax), style: i === 0 ? 'bars' : 'outline',
      })),
      turnover: { series: turnover, cursorEpoch: frame.epoch, maxEpoch },
      network: {
        graph: hubsOf(frame),
        weightMax: sharedWeightMax(frame.layers),
        columnLabels: ['input pixels', ...frame.layers.map((_, l) => `hidden ${l + 1}`)],
      },
    };
  }, [s]);

  const layerCount = view?.shown[0].frame.layers.length ?? 3;
  return (
    <section className="panel stats-panel" aria-labelledby="stats-title" data-testid="stats-panel">
      <div className="stats-head">
        <h2 id="stats-title">Network statistics</h2>
        <div className="stats-controls">
          <ModelPickers store={store} />
          <SelectField label="Statistics layer" value={s.layer} disabled={!view} onChange={(v) => s.selectLayer(Number(v))}>
              {Array.from({ length: layerCount }, (_, l) => <option key={l} value={l}>{layerName(l)}</option>)}
            </SelectField>
          <label className="inline-check">
            <input type="checkbox" checked={logScale} onChange={(e) => setLogScale(e.target.checked)} />
            <span>Log scale</span>
          </label>
        </div>
      </div>
      {!view ? (
        <p className="muted">Statistics appear once a sparse model has reported its wiring.</p>
      ) : (
        <>
          <p className="panel-note">
            Epoch {view.epoch} of <strong>{view.shown[0].label}</strong>
            {view.shown[1] && <> — compared with <span className="compare-key">{view.shown[1].label}</span> (outlines, dashed lines)</>}.
          </p>
          <div className="stats-grid">
            <Figure title={`Out-degree: links per input neuron (${layerName(view.layer)})`}>
              <Histogram data={{ series: view.out, logScale, xLabel: 'links out', unit: 'neurons', integer: true }} label="Out-degree distribution" />
            </Figure>
            <Figure title={`In-degree: links per output neuron (${layerName(view.layer)})`}>
              <Histogram data={{ series: view.in, logScale, xLabel: 'links in', unit: 'neurons', integer: true }} label="In-degree distribution" />
            </Figure>
            <Figure title={`Degree CCDF, log–log (${layerName(view.layer)})`}>
              <Ccdf data={{ series: view.ccdf }} label="Complementary cumulative degree distribution on log–log axes" />
              <ul className="stats-legend">
                <li><span className="swatch" style={{ background: LAYER_COLORS[0] }} />out-degree</li>
                <li><span className="swatch" style={{ background: LAYER_COLORS[1] }} />in-degree</li>
                {view.shown[1] && <li>dashed: {view.shown[1].label}</li>}
              </ul>
            </Figure>
            <Figure title={`Weights (${layerName(view.layer)})`}>
              <Histogram data={{ series: view.weights, logScale, xLabel: 'weight', unit: 'links', integer: false }} label="Weight distribution" />
            </Figure>
            <Figure title="Link turnover per epoch">
              <Turnover data={view.turnover} />
              <ul className="stats-legend">
                {view.turnover.series.slice(0, layerCount).map((t, l) => (
                  <li key={t.id}><span className="swatch" style={{ background: t.color }} />layer {l + 1}</li>
                ))}
              </ul>
            </Figure>
          </div>
          <div className="stats-row">
            <Figure title="Links per input pixel">
              <div className="pixel-maps">
                {view.shown.map((x, i) => (
                  <PixelMapView key={i} frame={x.frame.layers[0]} maxDegree={view.pixelMax} label={x.label} scale={PIXEL_MAP.scale} />
                ))}
              </div>
            </Figure>
            <Figure title={`Most connected neurons of ${view.shown[0].label} (top ${NETWORK_GRAPH.perLayer} per layer)`} wide>
              <Network data={view.network} />
            </Figure>
          </div>
        </>
      )}
    </section>
  );
}

function layerName(l: number): string {
  return l === 0 ? 'layer 1: pixels → hidden 1' : `layer ${l + 1}: hidden ${l} → hidden ${l + 1}`;
}
