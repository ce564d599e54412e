// The drawing pad: draw with a mouse, finger or pen (pointer events with capture, no scrolling on
// touch), undo per stroke, clear; a picked test image is shown here too. The store reads the pad's
// ink through a callback it throttles.
import { useCallback, useEffect, useRef, useState, type PointerEvent } from 'react';
import type { StoreApi } from 'zustand';
import { inkFromRgba } from '../../data/drawing';
import type { DrawingState, InkImage } from '../../state/drawing';
import { useDrawing, useLab } from '../LabContext';
import { PAD_SIDE } from './config';
import { paintImage, paintStrokes, toPadPoint, type PadPoint } from './padPainting';

/** The strokes of each lab's pad, kept while the panel is hidden (switching tabs unmounts it). */
const padMemory = new WeakMap<StoreApi<DrawingState>, { current: PadPoint[][] }>();
function strokesOf(store: StoreApi<DrawingState>): { current: PadPoint[][] } {
  let memory = padMemory.get(store);
  if (!memory) padMemory.set(store, (memory = { current: [] }));
  return memory;
}

export function DrawingPad() {
  const { drawing } = useLab();
  const source = useDrawing((s) => s.source);
  const pixels = useDrawing((s) => s.pixels);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const strokes = strokesOf(drawing);
  const activePointer = useRef<number | null>(null);
  const frame = useRef<number | null>(null);
  const [strokeCount, setStrokeCount] = useState(() => strokes.current.length);

  const context = () => canvasRef.current?.getContext('2d', { willReadFrequently: true }) ?? null;
  const readInk = useCallback((): InkImage => {
    const ctx = context();
    if (!ctx) return { ink: new Float32Array(0), width: 0, height: 0 };
    // White ink on black: the luminance is the ink.
    return { ink: inkFromRgba(ctx.getImageData(0, 0, PAD_SIDE, PAD_SIDE).data, PAD_SIDE, PAD_SIDE, false), width: PAD_SIDE, height: PAD_SIDE };
  }, []);
  const paint = useCallback(() => {
    const ctx = context();
    if (ctx) paintStrokes(ctx, strokes.current);
  }, [strokes]);

  // A picked test image replaces the strokes; a reset of the store (clear, dataset switch) empties the pad.
  useEffect(() => {
    const ctx = context();
    if (!ctx) return;
    if (source.kind === 'test' && pixels) {
      strokes.current = [];
      setStrokeCount(0);
      paintImage(ctx, pixels);
    } else if (source.kind === 'empty' && activePointer.current === null) {
      strokes.current = [];
      setStrokeCount(0);
      paintStrokes(ctx, []);
    } else {
      paintStrokes(ctx, strokes.current); // back on the panel: the drawing as it was
    }
  }, [source, pixels, strokes]);

  useEffect(() => () => { if (frame.current !== null) cancelAnimationFrame(frame.current); }, []);

  const pointOf = (e: { clientX: number; clientY: number }, canvas: HTMLCanvasElement) => {
    const box = canvas.getBoundingClientRect();
    return toPadPoint(e.clientX - box.left, e.clientY - box.top, box.width, box.height);
  };

  const onPointerDown = (e: PointerEvent<HTMLCanvasElement>) => {
    if (e.pointerType === 'mouse' && e.button !== 0) return;
    if (activePointer.current !== null) return; // a second finger does not start a second stroke
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    activePointer.current = e.pointerId;
    if (drawing.getState().source.kind === 'test') strokes.current = []; // drawing replaces a picked image
    strokes.current.push([pointOf(e, e.currentTarget)]);
    paint();
    drawing.getState().inkChanged(readInk, false);
  };

  const onPointerMove = (e: PointerEvent<HTMLCanvasElement>) => {
    if (activePointer.current !== e.pointerId) return;
    const stroke = strokes.current[strokes.current.length - 1];
    const events = e.nativeEvent.getCoalescedEvents?.() ?? [];
    for (const ev of events.length > 0 ? events : [e]) stroke.push(pointOf(ev, e.currentTarget));
    if (frame.current !== null) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = null;
      paint();
      drawing.getState().inkChanged(readInk, false);
    });
  };

  const endStroke = (e: PointerEvent<HTMLCanvasElement>) => {
    if (activePointer.current !== e.pointerId) return;
    activePointer.current = null;
    if (frame.current !== null) cancelAnimationFrame(frame.current);
    frame.current = null;
    paint();
    setStrokeCount(strokes.current.length);
    drawing.getState().inkChanged(readInk, true);
  };

  const undo = () => {
    strokes.current.pop();
    paint();
    setStrokeCount(strokes.current.length);
    drawing.getState().inkChanged(readInk, true);
  };

  const clear = () => {
    strokes.current = [];
    paint();
    setStrokeCount(0);
    drawing.getState().clear();
  };

  const hasInput = pixels !== null;
  return (
    <div className="draw-pad">
      <canvas
        ref={canvasRef}
        width={PAD_SIDE}
        height={PAD_SIDE}
        className="draw-pad-canvas"
        data-testid="drawing-pad"
        role="img"
        aria-label="Drawing pad: draw a digit with the mouse, a finger or a pen"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={endStroke}
        onPointerCancel={endStroke}
        onLostPointerCapture={endStroke}
      />
      {!hasInput && strokeCount === 0 && <p className="draw-pad-hint" aria-hidden="true">Draw a digit here</p>}
      <div className="buttons draw-pad-buttons">
        <button type="button" onClick={undo} disabled={strokeCount === 0 || source.kind !== 'drawing'}>Undo</button>
        <button type="button" onClick={clear} disabled={!hasInput && strokeCount === 0}>Clear</button>
      </div>
    </div>
  );
}
