// The topology timeline: a slider over every epoch kept (0 = the initial random wiring), play/pause,
// single steps and the playback speed. Playing steps the store's cursor on a timer owned here.
import { useEffect, useId } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { PLAYBACK_SPEEDS, type TopologyStore } from '../../state/topology';
import { SelectField } from './SelectField';
import { PLAYBACK_HOLD_MS, REWIRE_ANIMATION_MS } from './config';

/** Time between two steps of playback: one rewiring animation and a short hold, at `speed`. */
export function playbackIntervalMs(speed: number): number {
  return (REWIRE_ANIMATION_MS + PLAYBACK_HOLD_MS) / speed;
}

/** A bar and a triangle: "step" icons drawn inline (symbol fonts are not everywhere). */
function StepIcon({ direction }: { direction: 1 | -1 }) {
  return (
    <svg width="14" height="12" viewBox="0 0 14 12" aria-hidden="true" style={{ transform: direction < 0 ? 'scaleX(-1)' : undefined, display: 'block' }}>
      <path d="M2 1 L10 6 L2 11 Z" fill="currentColor" />
      <rect x="10.5" y="1" width="2" height="10" fill="currentColor" />
    </svg>
  );
}

export function Timeline({ store }: { store: TopologyStore }) {
  const t = useStore(store, useShallow((s) => {
    const model = s.selectedModel ? s.models[s.selectedModel] : undefined;
    const frames = model?.frames ?? [];
    return {
      finalOnly: model?.loaded?.finalOnly === true,
      count: frames.length,
      epoch: frames[s.cursor]?.epoch ?? 0,
      lastEpoch: frames.at(-1)?.epoch ?? 0,
      cursor: s.cursor,
      playing: s.playing,
      speed: s.speed,
    };
  }));
  const actions = store.getState();
  const sliderId = useId();

  useEffect(() => {
    if (!t.playing) return;
    const timer = setInterval(() => store.getState().step(1), playbackIntervalMs(t.speed));
    return () => clearInterval(timer);
  }, [store, t.playing, t.speed]);

  const disabled = t.count < 2;
  // A file without a wiring history shows the wiring it was saved with: the final one, not epoch 0.
  const label = t.count === 0 ? 'no wiring yet'
    : t.finalOnly ? `final wiring (epoch ${t.epoch}; the file has no history)`
    : t.epoch === 0 ? `initial wiring / ${t.lastEpoch}` : `epoch ${t.epoch} / ${t.lastEpoch}`;
  const atStart = t.cursor <= 0;
  const atEnd = t.cursor >= t.count - 1;
  return (
    <div className="timeline" role="group" aria-label="Timeline" data-testid="timeline">
      <div className="timeline-buttons">
        <button type="button" aria-label="Step back" title="Step back" disabled={disabled || atStart} onClick={() => actions.step(-1)}>
          <StepIcon direction={-1} />
        </button>
        <button
          type="button"
          className="timeline-play"
          disabled={disabled}
          onClick={() => (t.playing ? actions.pause() : actions.play())}
        >
          {t.playing ? 'Pause' : 'Play'}
        </button>
        <button type="button" aria-label="Step forward" title="Step forward" disabled={disabled || atEnd} onClick={() => actions.step(1)}>
          <StepIcon direction={1} />
        </button>
      </div>
      <span className="timeline-slider">
        <label htmlFor={sliderId}>Epoch</label>
        <input
          id={sliderId}
          type="range"
          min={0}
          max={Math.max(0, t.count - 1)}
          step={1}
          value={t.cursor}
          disabled={disabled}
          aria-valuetext={t.finalOnly ? 'final wiring' : t.epoch === 0 ? 'initial wiring' : `epoch ${t.epoch} of ${t.lastEpoch}`}
          onChange={(e) => actions.seek(Number(e.target.value))}
        />
      </span>
      <output className="timeline-epoch" data-testid="timeline-epoch" data-epoch={t.epoch}>
        {label}
      </output>
      <SelectField label="Speed" value={t.speed} onChange={(v) => actions.setSpeed(Number(v))}>
          {PLAYBACK_SPEEDS.map((v) => <option key={v} value={v}>{v}×</option>)}
        </SelectField>
    </div>
  );
}
