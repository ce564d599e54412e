// "Copy link": writes the page's current state into the address bar at once and copies the address;
// where the clipboard is not allowed (plain http), it shows the link selected for copying by hand.
import { useRef, useState } from 'react';
import { useHosted } from '../presentation/HostedContext';

type CopyState = { kind: 'idle' } | { kind: 'copied' } | { kind: 'manual'; link: string };

export function CopyLink() {
  const { url } = useHosted();
  const [state, setState] = useState<CopyState>({ kind: 'idle' });
  const field = useRef<HTMLInputElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const copy = async () => {
    url.flush();
    const link = window.location.href;
    if (timer.current) clearTimeout(timer.current);
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(link);
      setState({ kind: 'copied' });
      timer.current = setTimeout(() => setState({ kind: 'idle' }), 2500);
    } catch {
      setState({ kind: 'manual', link });
      requestAnimationFrame(() => field.current?.select());
    }
  };

  return (
    <div className="copy-link">
      <button type="button" className="header-button" onClick={() => void copy()}>Copy link</button>
      <span className="copy-status" role="status" data-testid="copy-status">
        {state.kind === 'copied' ? 'Link copied' : ''}
      </span>
      {state.kind === 'manual' && (
        <span className="copy-manual">
          <label htmlFor="copy-link-field">Copy this link</label>
          <input id="copy-link-field" ref={field} readOnly value={state.link} onFocus={(e) => e.currentTarget.select()} />
          <button type="button" className="link-button" onClick={() => setState({ kind: 'idle' })}>Done</button>
        </span>
      )}
    </div>
  );
}
