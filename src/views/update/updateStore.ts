// The service worker's news for the page, as a tiny store: whether a new version waits (and how to
// switch to it) and whether the page is ready to work offline. src/offline.ts writes it; the update
// banner reads it.
import { createStore, type StoreApi } from 'zustand/vanilla';

export interface UpdateState {
  /** A new version is installed and waits for the user to reload. */
  available: boolean;
  /** Everything the page needs offline is cached (set once, on the first visit). */
  offlineReady: boolean;
  /** Switches to the waiting version and reloads; a no-op until one is offered. */
  reload(): void;
  offer(reload: () => void): void;
  setOfflineReady(): void;
  dismiss(): void;
}

export type UpdateStore = StoreApi<UpdateState>;

export function createUpdateStore(): UpdateStore {
  return createStore<UpdateState>()((set) => ({
    available: false,
    offlineReady: false,
    reload: () => undefined,
    offer: (reload) => set({ available: true, reload }),
    setOfflineReady: () => set({ offlineReady: true }),
    dismiss: () => set({ available: false, offlineReady: false }),
  }));
}
