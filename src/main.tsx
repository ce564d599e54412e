// Page entry: reads the opening link, starts the training worker, builds the stores around it (the
// lab's, presentation mode, pretrained models), keeps the address bar in step, registers the service
// worker for offline use, and renders the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { SPLIT_COUNTS } from './data/registry';
import { loadSplit, splitUrls } from './data/loadBrowser';
import { createLab } from './state/lab';
import { createPretrainedStore } from './state/pretrained';
import { configFromUrl, labUrlSource, parseUrlState, slidersFromUrl, startUrlSync } from './state/url';
import { GALLERY_COUNT } from './views/config';
import { LabProvider } from './views/LabContext';
import { PANELS } from './views/panels';
import { HostedProvider } from './views/presentation/HostedContext';
import { createPresentationStore } from './views/presentation/presentationStore';
import { startLabWorker } from './worker/start';
import { startOffline } from './offline';
import { UpdateBanner } from './views/update/UpdateBanner';
import { createUpdateStore } from './views/update/updateStore';
import './views/styles.css';

/** Above this size a pretrained file waits for a click when the browser asks to save data. */
const SAVE_DATA_MAX_BYTES = 4 * 1024 * 1024;

/** Measured backend choices kept in localStorage (none where storage is off, e.g. some private modes). */
function pageChoiceMemory() {
  try {
    const storage = window.localStorage;
    return {
      get: (key: string) => storage.getItem(key),
      set: (key: string, value: string) => storage.setItem(key, value),
      keys: () => Object.keys(storage).filter((k) => k.startsWith('rewire-lab:backend:')),
    };
  } catch {
    return undefined;
  }
}

const container = document.getElementById('root');
if (!container) throw new Error('index.html: the page has no #root element');

const opening = parseUrlState(window.location.search, { panelIds: PANELS.map((p) => p.id) });
const lab = createLab({
  client: startLabWorker(opening.state.workers > 0 ? opening.state.workers : undefined),
  loadSplit,
  baseUrl: import.meta.env.BASE_URL,
  galleryCount: GALLERY_COUNT,
  initialDataset: opening.state.dataset,
  preferBackend: opening.state.backend === 'auto' ? undefined : opening.state.backend,
  choiceMemory: pageChoiceMemory(),
  initialConfig: configFromUrl(opening.state),
  initialPanel: opening.state.panel,
  // The page keeps only the test set; each worker that trains fetches the training set itself.
  trainingSetInWorkers: true,
});
const presentation = createPresentationStore(opening.state.present);
const sliders = slidersFromUrl(opening.state);
lab.robustness.getState().setSlider('removal', sliders.removal);
lab.robustness.getState().setSlider('shuffle', sliders.shuffle);
lab.robustness.getState().setSlider('epsilon', sliders.epsilon);
lab.robustness.getState().setAttack(sliders.attack);

const saveData = (navigator as Navigator & { connection?: { saveData?: boolean } }).connection?.saveData === true;
const pretrained = createPretrainedStore({
  baseUrl: import.meta.env.BASE_URL,
  fetch: (url) => fetch(url),
  loadModelFile: async (text, fileName) => {
    const outcome = await lab.models.getState().loadModelFile(text, fileName);
    if (!outcome.ok) {
      // The pretrained notice reports it, naming the file; the same words in the models list and the
      // error banner would say it three times.
      lab.models.getState().dismissLoadError();
      const session = lab.session.getState();
      for (const e of session.errors) if (e.message === outcome.error) session.dismissError(e.id);
      return outcome;
    }
    return { ok: true, testAccuracy: lab.models.getState().models.find((m) => m.id === outcome.modelId)?.accuracy };
  },
  autoLoadMaxBytes: saveData ? SAVE_DATA_MAX_BYTES : Infinity,
});

const url = startUrlSync(labUrlSource(lab, presentation, SPLIT_COUNTS.train), window, opening.state);

lab.session.getState().start();
// The current dataset's pretrained models load at once; another dataset's when the user switches to it.
void pretrained.getState().loadFor(lab.session.getState().dataset);
lab.session.subscribe((s, previous) => {
  if (s.dataset !== previous.dataset) void pretrained.getState().loadFor(s.dataset);
});

/** The training set's files, once the workers that fetched them hold it (none if no training set was asked for yet). */
function trainingSetFetchedByWorkers(): Promise<string[]> {
  return new Promise((resolve) => {
    const check = (): boolean => {
      const { loads, dataset } = lab.session.getState();
      if (loads.train.status === 'loading') return false;
      resolve(loads.train.status === 'ready' ? splitUrls(dataset, 'train', import.meta.env.BASE_URL, window.location.href) : []);
      return true;
    };
    if (check()) return;
    const stop = lab.session.subscribe(() => { if (check()) stop(); });
  });
}

const update = createUpdateStore();
startOffline(update, import.meta.env.BASE_URL, trainingSetFetchedByWorkers);

createRoot(container).render(
  <StrictMode>
    <LabProvider lab={lab}>
      <HostedProvider hosted={{ presentation, pretrained, url, ignoredUrlKeys: opening.ignored }}>
        <App />
        <UpdateBanner store={update} />
      </HostedProvider>
    </LabProvider>
  </StrictMode>,
);
