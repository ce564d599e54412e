// Presentation mode (large type, high contrast, for a projector) as a tiny store: the header's toggle,
// the "present" URL key and the keyboard shortcuts all read and change this one flag.
import { createStore, type StoreApi } from 'zustand/vanilla';

export interface PresentationState {
  presenting: boolean;
  setPresenting(on: boolean): void;
  toggle(): void;
}

export type PresentationStore = StoreApi<PresentationState>;

export function createPresentationStore(initial = false): PresentationStore {
  return createStore<PresentationState>()((set, get) => ({
    presenting: initial,
    setPresenting: (on) => set({ presenting: on }),
    toggle: () => set({ presenting: !get().presenting }),
  }));
}
