// A small banner at the foot of the screen when a new version of the page is ready ("a new version —
// reload") or when the page first becomes usable offline. The live region stays mounted so screen
// readers announce the text when it appears.
import { useStore } from 'zustand';
import type { UpdateStore } from './updateStore';
import './update.css';

export function UpdateBanner({ store }: { store: UpdateStore }) {
  const available = useStore(store, (s) => s.available);
  const offlineReady = useStore(store, (s) => s.offlineReady);
  const { reload, dismiss } = store.getState();
  return (
    <div className="update-banner-host" role="status" aria-live="polite">
      {available ? (
        <div className="update-banner" data-testid="update-banner">
          <span>A new version of the lab is ready — reload to use it.</span>
          <button type="button" onClick={() => reload()}>Reload</button>
          <button type="button" className="link-button" onClick={dismiss}>Not now</button>
        </div>
      ) : offlineReady ? (
        <div className="update-banner" data-testid="offline-ready">
          <span>Saved for offline use: this page now works without a network.</span>
          <button type="button" className="link-button" onClick={dismiss}>OK</button>
        </div>
      ) : null}
    </div>
  );
}
