// Builds the page's stores around one worker client: session, training and models, each its own
// vanilla zustand store (usable without React, so tests drive them with a fake client).
import { SPLIT_COUNTS } from '../data/registry';
import type { DatasetName, TrainConfig } from '../engine/types';
import type { LabClient } from '../worker/client';
import { createModelsStore, modelLabel } from './models';
import { createSessionStore, type LoadSplit } from './session';
import { createTopologyStore, topologyEventHandler } from './topology';
import { createTrainingStore } from './training';
import { createUiStore } from './ui';

export interface LabOptions {
  client: LabClient;
  loadSplit: LoadSplit;
  /** Where the dataset assets are served from, e.g. import.meta.env.BASE_URL. */
  baseUrl: string;
  galleryCount: number;
  initialDataset?: DatasetName;
  initialConfig?: TrainConfig;
  initialPanel?: string;
}

export type Lab = ReturnType<typeof createLab>;

export function createLab(options: LabOptions) {
  const { client } = options;
  const session = createSessionStore({
    client,
    loadSplit: options.loadSplit,
    baseUrl: options.baseUrl,
    galleryCount: options.galleryCount,
    initialDataset: options.initialDataset,
  });
  const training = createTrainingStore({
    client,
    session,
    trainSetSize: SPLIT_COUNTS.train,
    initialConfig: options.initialConfig,
  });
  const models = createModelsStore(client);
  const ui = createUiStore(options.initialPanel);
  // Every sparse model's wiring, epoch by epoch, for the Wiring and Statistics panels.
  const topology = createTopologyStore();
  const stopTopology = client.subscribe(topologyEventHandler(topology, modelLabel, (m) => session.getState().reportError(m)));
  return {
    client,
    ui,
    session,
    training,
    models,
    topology,
    dispose() {
      stopTopology();
      session.dispose();
      training.dispose();
      models.dispose();
      client.terminate();
    },
  };
}
