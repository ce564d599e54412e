// Page-level UI state: which panel is shown. Kept apart from the lab's data stores.
import { createStore, type StoreApi } from 'zustand/vanilla';

export interface UiState {
  panel: string;
  setPanel(panel: string): void;
}

export type UiStore = StoreApi<UiState>;

export function createUiStore(initialPanel = 'train'): UiStore {
  return createStore<UiState>((set) => ({
    panel: initialPanel,
    setPanel: (panel) => set({ panel }),
  }));
}
