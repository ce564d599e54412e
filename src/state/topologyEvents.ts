// The topology store's listener for worker events: trained models as they start and rewire, and
// models loaded from files with the epochs their files keep.
import type { TrainConfig } from '../engine/types';
import type { WorkerEvent } from '../worker/protocol';
import type { TopologyStore } from './topology';
import { finalFrame, openingPreference, replayFrames } from './topologyReplay';

const WHERE = 'src/state/topologyEvents.ts';

/**
 * The listener a worker client needs: registers sparse models as they start, with their initial
 * wiring (epoch 0), and keeps every epoch's wiring.
 */
export function topologyEventHandler(
  store: TopologyStore, labelOf: (config: TrainConfig) => string, onProblem: (message: string) => void = () => {},
): (event: WorkerEvent) => void {
  return (event) => {
    if (event.type === 'trainStarted') {
      if (event.config.strategy === 'dense') return;
      const initial = event.initialTopology;
      const label = labelOf(event.config);
      if (initial.length > 0) for (const p of store.getState().setInitial(event.modelId, label, event.config.strategy, initial)) onProblem(p);
      else store.getState().register(event.modelId, label, event.config.strategy);
    } else if (event.type === 'modelLoaded') {
      // A model from a file replays its epochs when the file keeps them; otherwise it has one frame,
      // the final wiring.
      const m = event.model;
      if (m.strategy === 'dense' || m.topology.length === 0) return;
      const replay = m.wiring ? replayFrames(m.topology, m.history, m.wiring) : null;
      if (replay && !replay.ok) onProblem(`${WHERE}: model ${m.modelId}: its wiring history does not fit its links (${replay.error}); showing the final wiring`);
      const frames = replay?.ok ? replay.frames : [finalFrame(m.topology, m.history)];
      const loaded = { preference: openingPreference(m.config), finalOnly: !replay?.ok };
      for (const p of store.getState().setLoaded(m.modelId, m.label, m.strategy, frames, loaded)) onProblem(p);
    } else if (event.type === 'epoch' && store.getState().models[event.modelId]) {
      for (const p of store.getState().pushEpoch(event.modelId, event.event)) onProblem(p);
    }
  };
}
