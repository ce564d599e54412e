// The page's layout: header, error banner, then the settings and gallery column beside the run
// panel; each panel sits in a boundary so one failure does not blank the page.
import type { ReactNode } from 'react';
import { ErrorBanner } from './views/common/ErrorBanner';
import { PanelBoundary } from './views/common/PanelBoundary';
import { Gallery } from './views/gallery/Gallery';
import { Header } from './views/header/Header';
import { useLab } from './views/LabContext';
import { RunPanel } from './views/training/RunPanel';
import { SettingsForm } from './views/training/SettingsForm';

function Guard({ name, children }: { name: string; children: ReactNode }) {
  const { session } = useLab();
  return (
    <PanelBoundary name={name} onError={(message) => session.getState().reportError(message)}>
      {children}
    </PanelBoundary>
  );
}

export function App() {
  return (
    <div className="app">
      <Header />
      <ErrorBanner />
      <main className="layout">
        <div className="column column-side">
          <Guard name="settings"><SettingsForm /></Guard>
          <Guard name="gallery"><Gallery /></Guard>
        </div>
        <div className="column column-main">
          <Guard name="training run"><RunPanel /></Guard>
        </div>
      </main>
      <footer className="app-footer">
        Sparse MLPs rewired between epochs (SET / RigL), after arXiv 2602.21961. MNIST by LeCun, Cortes and Burges;
        Fashion-MNIST by Zalando Research (MIT licence).
      </footer>
    </div>
  );
}
