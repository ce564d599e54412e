// The lab's panels, in tab order: one entry per panel (id used in the URL, tab label, component).
// A panel is added here and nowhere else; App renders the tab bar and the active panel from this list.
import type { ComponentType } from 'react';
import { TrainPanel } from './training/TrainPanel';

export interface PanelEntry {
  id: string;
  label: string;
  /** One line for the tab's tooltip and the presentation-mode caption. */
  summary: string;
  component: ComponentType;
}

export const PANELS: readonly PanelEntry[] = [
  { id: 'train', label: 'Train', summary: 'Configure and train sparse networks; follow accuracy and rewiring per epoch.', component: TrainPanel },
];

export function panelById(id: string): PanelEntry {
  return PANELS.find((p) => p.id === id) ?? PANELS[0];
}
