// The page's layout: header, error banner, the panel tabs, then the active panel (each panel in a
// boundary so one failure does not blank the page).
import { useStore } from 'zustand';
import { ErrorBanner } from './views/common/ErrorBanner';
import { Guard } from './views/common/Guard';
import { Header } from './views/header/Header';
import { PageNotices } from './views/header/PageNotices';
import { PanelHelp } from './views/help/PanelHelp';
import { useLab } from './views/LabContext';
import { PanelTabs } from './views/PanelTabs';
import { panelById } from './views/panels';

export function App() {
  const { ui } = useLab();
  const active = panelById(useStore(ui, (s) => s.panel));
  const setPanel = useStore(ui, (s) => s.setPanel);
  const Panel = active.component;
  return (
    <div className="app">
      <Header />
      <ErrorBanner />
      <PageNotices />
      <PanelTabs active={active.id} onSelect={setPanel} />
      <main id={`panel-${active.id}`} role="tabpanel" aria-labelledby={`tab-${active.id}`} className="panel-host">
        <PanelHelp panelId={active.id} summary={active.summary} />
        <Guard name={active.label}><Panel /></Guard>
      </main>
      <footer className="app-footer">
        Sparse MLPs rewired between epochs (SET / RigL), after arXiv 2602.21961. MNIST by LeCun, Cortes and Burges;
        Fashion-MNIST by Zalando Research (MIT licence).
      </footer>
    </div>
  );
}
