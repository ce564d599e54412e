// Builds the page's stores around one worker client: session, training and models, each its own
// vanilla zustand store (usable without React, so tests drive them with a fake client).
import { SPLIT_COUNTS } from '../data/registry';
import type { DatasetName, TrainConfig } from '../engine/types';
import type { LabClient } from '../worker/client';
import { createRunTokens, type BackendName } from '../worker/protocol';
import { createAttackStore } from './attackStep';
import { createDrawingStore } from './drawing';
import { createExperimentStore } from './experiment';
import { createModelsStore, modelLabel } from './models';
import { createRobustnessStore, LIVE_SEED } from './robustness';
import { createSessionStore, type LoadSplit, type SessionDeps } from './session';
import { createTopologyStore, topologyEventHandler } from './topology';
import { anyRunActive, createTrainingStore } from './training';
import { createUiStore } from './ui';

export interface LabOptions {
  client: LabClient;
  loadSplit: LoadSplit;
  /** Where the dataset assets are served from, e.g. import.meta.env.BASE_URL. */
  baseUrl: string;
  galleryCount: number;
  initialDataset?: DatasetName;
  /** A backend asked for by name (see SessionDeps.preferBackend). */
  preferBackend?: BackendName;
  /** Where measured backend choices are remembered (localStorage in the page). */
  choiceMemory?: SessionDeps['choiceMemory'];
  initialConfig?: TrainConfig;
  initialPanel?: string;
  /** The workers fetch the training set themselves (see SessionDeps.trainingSetInWorkers). */
  trainingSetInWorkers?: boolean;
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
    preferBackend: options.preferBackend,
    choiceMemory: options.choiceMemory,
    trainingSetInWorkers: options.trainingSetInWorkers,
  });
  // The Train panel and the Experiment panel both start runs; the worker wants their tokens increasing.
  const runTokens = createRunTokens();
  const training = createTrainingStore({
    client,
    session,
    trainSetSize: SPLIT_COUNTS.train,
    initialConfig: options.initialConfig,
    runTokens,
    // The Experiment's networks hold workers too: a Train run waits for one of them to finish.
    busyElsewhere: () => experiment.getState().runs.filter((r) => r.status === 'training').length,
  });
  const models = createModelsStore(client);
  const ui = createUiStore(options.initialPanel);
  // Every sparse model's wiring, epoch by epoch, for the Wiring and Statistics panels.
  const topology = createTopologyStore();
  const stopTopology = client.subscribe(topologyEventHandler(topology, modelLabel, (m) => session.getState().reportError(m)));
  const robustness = createRobustnessStore({ client, models, session });
  const drawing = createDrawingStore({
    client,
    session,
    models,
    // "Pick a test image" needs the pixels on this thread; the session's copy went to the worker.
    loadTestSet: async (dataset) => {
      await session.getState().ensureSplit('test');
      return options.loadSplit(dataset, 'test', { baseUrl: options.baseUrl });
    },
    // Drawings are read under the Robustness panel's link and node removal and shuffling (its links, its seed).
    structural: {
      get: () => {
        const { removal, shuffle, linkOrder, nodes, nodeOrder } = robustness.getState().sliders;
        return { removal, shuffle, seed: LIVE_SEED, linkOrder, nodes, nodeOrder };
      },
      subscribe: (listener) => robustness.subscribe(listener),
    },
  });
  const experiment = createExperimentStore({
    client, session, models, runTokens, isTrainingBusy: () => anyRunActive(training.getState()),
  });
  // The experiment's optional step: its networks under random failure and targeted attack.
  const attack = createAttackStore({ client, experiment });
  return {
    client,
    ui,
    session,
    training,
    models,
    drawing,
    robustness,
    topology,
    experiment,
    attack,
    dispose() {
      stopTopology();
      session.dispose();
      training.dispose();
      models.dispose();
      drawing.dispose();
      robustness.dispose();
      attack.dispose();
      experiment.dispose();
      client.terminate();
    },
  };
}
