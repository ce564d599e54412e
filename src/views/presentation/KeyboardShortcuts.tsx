// The page's keyboard shortcuts: one window-level key handler (quiet while typing) and the
// "Keyboard shortcuts" button with its dialog, which "?" also opens.
import { useEffect, useRef, useState } from 'react';
import type { AttackChoice } from '../../state/robustness';
import { isRunActive } from '../../state/training';
import { useLab } from '../LabContext';
import { PANELS } from '../panels';
import { useHosted } from './HostedContext';
import { SHORTCUT_DOCS, SLIDER_STEPS, shortcutFor, type ShortcutAction } from './shortcuts';

const SLIDER_LABELS = { removal: 'Link removal', shuffle: 'Weight shuffling', epsilon: 'Adversarial ε' } as const;
const ATTACKS: readonly AttackChoice[] = ['fgsm', 'pgd', 'noise'];
const ATTACK_LABELS: Record<AttackChoice, string> = { fgsm: 'FGSM', pgd: 'PGD', noise: 'uniform noise' };

export function KeyboardShortcuts() {
  const { training, ui, robustness } = useLab();
  const { presentation } = useHosted();
  const dialog = useRef<HTMLDialogElement>(null);
  const [announcement, setAnnouncement] = useState('');

  useEffect(() => {
    const open = () => {
      const d = dialog.current;
      if (d && !d.open) d.showModal();
    };
    const goToPanel = (index: number) => {
      const panel = PANELS[((index % PANELS.length) + PANELS.length) % PANELS.length];
      ui.getState().setPanel(panel.id);
      setAnnouncement(`${panel.label} panel`);
    };
    const act = (action: ShortcutAction) => {
      const current = PANELS.findIndex((p) => p.id === ui.getState().panel);
      switch (action.kind) {
        case 'train-pause': {
          const t = training.getState();
          if (t.run.status === 'running') {
            t.pause();
            setAnnouncement('Pausing');
          } else if (t.run.status === 'paused') {
            t.resume();
            setAnnouncement('Resuming');
          } else if (!isRunActive(t.run.status)) {
            void t.start();
            setAnnouncement(t.config ? 'Training started' : 'The settings have problems; see the Train panel');
          }
          break;
        }
        case 'next-panel': goToPanel(current + 1); break;
        case 'previous-panel': goToPanel(current - 1); break;
        case 'panel':
          if (action.index < PANELS.length) goToPanel(action.index);
          break;
        case 'toggle-presentation':
          presentation.getState().toggle();
          setAnnouncement(presentation.getState().presenting ? 'Presentation mode on' : 'Presentation mode off');
          break;
        case 'show-shortcuts': open(); break;
        case 'slider': {
          const { sliders, setSlider } = robustness.getState();
          const step = SLIDER_STEPS[action.name];
          // Snap to the step grid so repeated presses land on round values (and short links).
          const steps = Math.round((sliders[action.name] + action.direction * step) / step);
          setSlider(action.name, Number((steps * step).toFixed(4)));
          const value = robustness.getState().sliders[action.name];
          setAnnouncement(`${SLIDER_LABELS[action.name]} ${action.name === 'epsilon' ? value.toFixed(2) : `${Math.round(value * 100)}%`}`);
          break;
        }
        case 'next-attack': {
          const { sliders, setAttack } = robustness.getState();
          const next = ATTACKS[(ATTACKS.indexOf(sliders.attack) + 1) % ATTACKS.length];
          setAttack(next);
          setAnnouncement(`Attack: ${ATTACK_LABELS[next]}`);
          break;
        }
        case 'reset-sliders':
          robustness.getState().resetSliders();
          setAnnouncement('Robustness sliders reset');
          break;
      }
    };
    const onKeyDown = (e: KeyboardEvent) => {
      // A component that handled the key, or any open dialog, owns it.
      if (e.defaultPrevented || document.querySelector('dialog[open]')) return;
      const action = shortcutFor(e);
      // A held key keeps moving a slider; anything else acts once per press.
      if (!action || (e.repeat && action.kind !== 'slider')) return;
      e.preventDefault();
      act(action);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [training, ui, robustness, presentation]);

  return (
    <>
      <button type="button" className="header-button" aria-haspopup="dialog" aria-keyshortcuts="?" onClick={() => dialog.current?.showModal()}>
        Keyboard shortcuts
      </button>
      <dialog ref={dialog} className="shortcuts-dialog" aria-labelledby="shortcuts-title">
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <p className="muted">They work anywhere on the page except while you type in a field.</p>
        <table className="shortcuts-table">
          <thead><tr><th scope="col">Key</th><th scope="col">Action</th></tr></thead>
          <tbody>
            {SHORTCUT_DOCS.map((s) => (
              <tr key={s.description}>
                <td>{s.keys.map((k, i) => (k === '…' ? <span key={i}> … </span> : <kbd key={i}>{k}</kbd>))}</td>
                <td>{s.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <form method="dialog">
          <button type="submit" className="header-button" autoFocus>Close</button>
        </form>
      </dialog>
      <p className="visually-hidden" aria-live="polite" data-testid="shortcut-announcement">{announcement}</p>
    </>
  );
}
