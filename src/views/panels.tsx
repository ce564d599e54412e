// The lab's panels, in tab order: one entry per panel (id used in the URL, tab label, component).
// A panel is added here and nowhere else; App renders the tab bar and the active panel from this list.
import type { ComponentType } from 'react';
import { DrawPanel } from './draw/DrawPanel';
import { ExperimentPanel } from './experiment/ExperimentPanel';
import { useLab } from './LabContext';
import { StatsPanel } from './stats';
import { TopologyPanel } from './topology';
import { RobustnessPanel } from './robustness/RobustnessPanel';
import { TrainPanel } from './training/TrainPanel';

export interface PanelEntry {
  id: string;
  label: string;
  /** One line for the tab's tooltip and the presentation-mode caption. */
  summary: string;
  component: ComponentType;
}

function WiringTab() {
  return <TopologyPanel store={useLab().topology} />;
}

function StatisticsTab() {
  return <StatsPanel store={useLab().topology} />;
}

export const PANELS: readonly PanelEntry[] = [
  { id: 'train', label: 'Train', summary: 'Configure and train sparse networks; follow accuracy and rewiring per epoch.', component: TrainPanel },
  { id: 'wiring', label: 'Wiring', summary: 'Adjacency matrices of each sparse layer; watch links removed and grown at every epoch.', component: WiringTab },
  { id: 'statistics', label: 'Statistics', summary: 'Degree distributions, the 28×28 map of links per pixel, turnover and weights.', component: StatisticsTab },
  { id: 'robustness', label: 'Robustness', summary: 'Remove links, shuffle weights or attack the inputs; compare accuracy live and as curves.', component: RobustnessPanel },
  { id: 'draw', label: 'Draw', summary: 'Draw a digit (or pick a test image), watch each network’s probabilities, then attack it.', component: DrawPanel },
  { id: 'experiment', label: 'Experiment', summary: 'The central experiment: SET against static, with weight decay and without; wiring maps and robustness curves side by side.', component: ExperimentPanel },
];

export function panelById(id: string): PanelEntry {
  return PANELS.find((p) => p.id === id) ?? PANELS[0];
}
