// The keyboard shortcuts as one table (it drives both the key handler and the "Keyboard shortcuts"
// dialog), and the rule that keeps them quiet while the user types into a field.

export type ShortcutAction =
  | { kind: 'train-pause' }
  | { kind: 'next-panel' }
  | { kind: 'previous-panel' }
  | { kind: 'panel'; index: number }
  | { kind: 'toggle-presentation' }
  | { kind: 'show-shortcuts' }
  | { kind: 'slider'; name: 'removal' | 'shuffle' | 'epsilon'; direction: 1 | -1 }
  | { kind: 'next-attack' }
  | { kind: 'reset-sliders' };

/** How far one key press moves each robustness slider. */
export const SLIDER_STEPS = { removal: 0.05, shuffle: 0.05, epsilon: 0.02 } as const;

export interface ShortcutDoc {
  keys: readonly string[];
  description: string;
}

/** What the dialog lists, in this order. */
export const SHORTCUT_DOCS: readonly ShortcutDoc[] = [
  { keys: ['t'], description: 'Train, pause or resume' },
  { keys: ['n'], description: 'Next panel' },
  { keys: ['p'], description: 'Previous panel' },
  { keys: ['1', '…', '9'], description: 'Go to panel by number' },
  { keys: ['m'], description: 'Presentation mode on or off' },
  { keys: ['r', 'R'], description: 'Link removal up / down by 5%' },
  { keys: ['s', 'S'], description: 'Weight shuffling up / down by 5%' },
  { keys: ['e', 'E'], description: 'Adversarial ε up / down by 0.02' },
  { keys: ['a'], description: 'Next attack (FGSM, PGD, noise)' },
  { keys: ['0'], description: 'Reset the robustness sliders' },
  { keys: ['?'], description: 'Show this list' },
  { keys: ['Esc'], description: 'Close this list' },
];

/** The parts of a KeyboardEvent the rule reads (so it can be checked without a DOM). */
export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  target: EventTarget | null;
}

// Inputs that take text: a letter typed there is the user's, not a shortcut. Buttons, checkboxes,
// radios and range sliders take no text, so shortcuts still work while they have focus.
const NON_TEXT_INPUTS = new Set(['button', 'checkbox', 'radio', 'range', 'reset', 'submit', 'color', 'file', 'image']);

export function isTypingTarget(target: EventTarget | null): boolean {
  const el = target as { tagName?: string; type?: string; isContentEditable?: boolean } | null;
  if (!el || typeof el.tagName !== 'string') return false;
  const tag = el.tagName.toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') return !NON_TEXT_INPUTS.has((el.type ?? 'text').toLowerCase());
  return el.isContentEditable === true;
}

/** The action a key press asks for, or null (modified keys and keys typed into fields are never ours). */
export function shortcutFor(e: KeyLike): ShortcutAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target)) return null;
  switch (e.key) {
    case 't': case 'T': return { kind: 'train-pause' };
    case 'n': case 'N': return { kind: 'next-panel' };
    case 'p': case 'P': return { kind: 'previous-panel' };
    case 'm': case 'M': return { kind: 'toggle-presentation' };
    case '?': return { kind: 'show-shortcuts' };
    // Lower case raises a slider, upper case (Shift) lowers it.
    case 'r': return { kind: 'slider', name: 'removal', direction: 1 };
    case 'R': return { kind: 'slider', name: 'removal', direction: -1 };
    case 's': return { kind: 'slider', name: 'shuffle', direction: 1 };
    case 'S': return { kind: 'slider', name: 'shuffle', direction: -1 };
    case 'e': return { kind: 'slider', name: 'epsilon', direction: 1 };
    case 'E': return { kind: 'slider', name: 'epsilon', direction: -1 };
    case 'a': case 'A': return { kind: 'next-attack' };
    case '0': return { kind: 'reset-sliders' };
    default:
      if (/^[1-9]$/.test(e.key)) return { kind: 'panel', index: Number(e.key) - 1 };
      return null;
  }
}
