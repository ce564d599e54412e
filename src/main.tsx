// Page entry: starts the training worker, builds the stores around it, and renders the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { loadSplit } from './data/loadBrowser';
import { createLab } from './state/lab';
import { GALLERY_COUNT } from './views/config';
import { LabProvider } from './views/LabContext';
import { startLabWorker } from './worker/client';
import './views/styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html: the page has no #root element');

const lab = createLab({
  client: startLabWorker(),
  loadSplit,
  baseUrl: import.meta.env.BASE_URL,
  galleryCount: GALLERY_COUNT,
});
lab.session.getState().start();

createRoot(container).render(
  <StrictMode>
    <LabProvider lab={lab}>
      <App />
    </LabProvider>
  </StrictMode>,
);
