// Removed / grown / kept links of the layer and epoch shown, for one model: the numbers the
// rewiring animation draws, so a reader (or a test) can check them against the engine's report.
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { frameAtEpoch, shownFrame, type TopologyStore } from '../../state/topology';
import { rewireCounts } from './history';

const format = new Intl.NumberFormat('en-US');

export function RewireCounters({ store, modelId }: { store: TopologyStore; modelId: string }) {
  const c = useStore(store, useShallow((s) => {
    const epoch = shownFrame(s)?.epoch ?? 0;
    const frame = frameAtEpoch(s.models[modelId], epoch);
    const layer = frame?.layers[s.layer];
    if (!frame || !layer) return null;
    return { epoch: frame.epoch, links: layer.links.length, accuracy: frame.testAccuracy, ...rewireCounts(layer) };
  }));
  if (!c) return null;
  const items = [
    { key: 'removed', label: 'removed', value: c.removed },
    { key: 'grown', label: 'grown', value: c.grown },
    { key: 'kept', label: 'kept', value: c.kept },
  ];
  return (
    <dl className="rewire-counters" data-testid="rewire-counters" data-epoch={c.epoch} aria-live="polite">
      {items.map((it) => (
        <div key={it.key} className={`counter counter-${it.key}`}>
          <dt>{it.label}</dt>
          <dd data-testid={`count-${it.key}`} data-value={it.value}>{format.format(it.value)}</dd>
        </div>
      ))}
      <div className="counter">
        <dt>links</dt>
        <dd data-testid="count-links" data-value={c.links}>{format.format(c.links)}</dd>
      </div>
      {c.accuracy !== null && (
        <div className="counter">
          <dt>test accuracy</dt>
          <dd>{(c.accuracy * 100).toFixed(1)}%</dd>
        </div>
      )}
    </dl>
  );
}
