// The tab bar that switches panels (WAI-ARIA tabs: arrow keys move between tabs, Home/End jump). On a
// narrow screen the row scrolls sideways and keeps the active tab in view.
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { PANELS } from './panels';

export function PanelTabs({ active, onSelect }: { active: string; onSelect: (id: string) => void }) {
  const refs = useRef<Array<HTMLButtonElement | null>>([]);
  useEffect(() => {
    const tab = refs.current[PANELS.findIndex((p) => p.id === active)];
    const list = tab?.parentElement;
    if (!tab || !list || list.scrollWidth <= list.clientWidth) return;
    // Centre it in the row; scrollIntoView would also scroll the page up to the tabs.
    const t = tab.getBoundingClientRect();
    const l = list.getBoundingClientRect();
    list.scrollLeft += t.left - l.left - (l.width - t.width) / 2;
  }, [active]);
  const focusTab = (index: number) => {
    const i = (index + PANELS.length) % PANELS.length;
    onSelect(PANELS[i].id);
    refs.current[i]?.focus();
  };
  const onKeyDown = (e: KeyboardEvent, index: number) => {
    if (e.key === 'ArrowRight') focusTab(index + 1);
    else if (e.key === 'ArrowLeft') focusTab(index - 1);
    else if (e.key === 'Home') focusTab(0);
    else if (e.key === 'End') focusTab(PANELS.length - 1);
    else return;
    e.preventDefault();
  };
  return (
    <nav className="panel-tabs" aria-label="Panels">
      <div role="tablist" aria-label="Lab panels">
        {PANELS.map((p, i) => (
          <button
            key={p.id}
            ref={(el) => { refs.current[i] = el; }}
            role="tab"
            id={`tab-${p.id}`}
            aria-selected={p.id === active}
            aria-controls={`panel-${p.id}`}
            tabIndex={p.id === active ? 0 : -1}
            title={p.summary}
            className={p.id === active ? 'tab active' : 'tab'}
            onClick={() => onSelect(p.id)}
            onKeyDown={(e) => onKeyDown(e, i)}
          >
            {p.label}
          </button>
        ))}
      </div>
    </nav>
  );
}
