// The models store: every model trained this session, kept side by side (the worker holds their
// weights; here live only the facts a list or a comparison needs).
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { DatasetName, Strategy, TrainConfig } from '../engine/types';
import type { LabClient } from '../worker/client';
import type { PathKind, WorkerEvent } from '../worker/protocol';

export type ModelStatus = 'training' | 'trained' | 'stopped' | 'failed';

export interface ModelEntry {
  id: string;
  label: string;
  dataset: DatasetName;
  strategy: Strategy;
  hidden: number;
  density: number;
  weightDecay: number;
  config: TrainConfig;
  path: PathKind;
  status: ModelStatus;
  epochsCompleted: number;
  /** Test accuracy after the newest epoch; null before the first. */
  accuracy: number | null;
}

export interface ModelsState {
  models: ModelEntry[];
  rename(id: string, label: string): void;
}

const STRATEGY_SHORT: Record<Strategy, string> = { set: 'SET', rigl: 'RigL', static: 'static', dense: 'dense' };

/** "SET · H=1000 · d=1% · decay 1e-4": enough to tell models apart in a legend. */
export function modelLabel(config: TrainConfig): string {
  const parts = [STRATEGY_SHORT[config.strategy], `H=${config.hidden}`];
  if (config.strategy !== 'dense') parts.push(`d=${formatPercent(config.density)}`);
  parts.push(config.weightDecay === 0 ? 'no decay' : `decay ${config.weightDecay.toExponential(0)}`);
  return parts.join(' · ');
}

function formatPercent(fraction: number): string {
  const pct = fraction * 100;
  return `${Number.isInteger(pct) ? pct : Number(pct.toPrecision(2))}%`;
}

export function createModelsStore(client: LabClient): StoreApi<ModelsState> & { dispose(): void } {
  const store = createStore<ModelsState>()((set) => ({
    models: [],
    rename(id, label) {
      const trimmed = label.trim();
      if (trimmed === '') return;
      set((s) => ({ models: s.models.map((m) => (m.id === id ? { ...m, label: trimmed } : m)) }));
    },
  }));

  const update = (id: string, patch: Partial<ModelEntry>) =>
    store.setState((s) => ({ models: s.models.map((m) => (m.id === id ? { ...m, ...patch } : m)) }));

  const onEvent = (event: WorkerEvent) => {
    switch (event.type) {
      case 'trainStarted': {
        const { config } = event;
        const entry: ModelEntry = {
          id: event.modelId,
          label: modelLabel(config),
          dataset: config.dataset,
          strategy: config.strategy,
          hidden: config.hidden,
          density: config.strategy === 'dense' ? 1 : config.density,
          weightDecay: config.weightDecay,
          config,
          path: event.path,
          status: 'training',
          epochsCompleted: 0,
          accuracy: null,
        };
        store.setState((s) => ({ models: [...s.models.filter((m) => m.id !== entry.id), entry] }));
        break;
      }
      case 'epoch':
        update(event.modelId, { epochsCompleted: event.event.epoch, accuracy: event.event.testAccuracy });
        break;
      case 'trainDone': {
        const { summary } = event;
        const status: ModelStatus = summary.error ? 'failed' : summary.stoppedEarly ? 'stopped' : 'trained';
        update(event.modelId, { status, epochsCompleted: summary.epochsCompleted, accuracy: summary.finalAccuracy });
        break;
      }
      case 'error':
        // A crashed worker ends the run in progress.
        if (event.fatal) store.setState((s) => ({ models: s.models.map((m) => (m.status === 'training' ? { ...m, status: 'failed' } : m)) }));
        break;
    }
  };
  const unsubscribe = client.subscribe(onEvent);
  return Object.assign(store, { dispose: unsubscribe });
}
