// The "Presentation mode" switch: a pressed/unpressed button; the mode itself is a class on <html>,
// so the stylesheet alone enlarges the type and raises the contrast of every panel.
import { useEffect } from 'react';
import { useStore } from 'zustand';
import { useHosted } from './HostedContext';

export const PRESENTING_CLASS = 'presenting';

export function PresentationToggle() {
  const { presentation } = useHosted();
  const presenting = useStore(presentation, (s) => s.presenting);
  useEffect(() => {
    document.documentElement.classList.toggle(PRESENTING_CLASS, presenting);
  }, [presenting]);
  return (
    <button
      type="button"
      className="header-button"
      aria-pressed={presenting}
      aria-keyshortcuts="m"
      title="Large type and high contrast for a projector (shortcut: m)"
      onClick={() => presentation.getState().toggle()}
    >
      Presentation mode
    </button>
  );
}
