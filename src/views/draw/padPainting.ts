// Paints the drawing pad: strokes as thick round white lines with a soft rim (MNIST's look: white
// ink on black, antialiased edges), or a picked 28×28 test image scaled up to the pad.
import { IMAGE_SIDE } from '../../engine/constants';
import { INK_BACKGROUND, INK_COLOR, PAD_SIDE, PAD_STROKE_BLUR, PAD_STROKE_WIDTH } from './config';
import { greyToRgba } from './imagePixels';

export interface PadPoint { x: number; y: number }
export type Stroke = readonly PadPoint[];

/** A pointer position in pad pixels, from its position in CSS pixels within the canvas's box. */
export function toPadPoint(offsetX: number, offsetY: number, boxWidth: number, boxHeight: number): PadPoint {
  const clamp = (v: number) => Math.min(PAD_SIDE, Math.max(0, v));
  return { x: clamp((offsetX / Math.max(1, boxWidth)) * PAD_SIDE), y: clamp((offsetY / Math.max(1, boxHeight)) * PAD_SIDE) };
}

/** Clears the pad to the ink background and draws every stroke as one smooth path each. */
export function paintStrokes(ctx: CanvasRenderingContext2D, strokes: readonly Stroke[]): void {
  ctx.save();
  ctx.fillStyle = INK_BACKGROUND;
  ctx.fillRect(0, 0, PAD_SIDE, PAD_SIDE);
  ctx.strokeStyle = INK_COLOR;
  ctx.fillStyle = INK_COLOR;
  ctx.lineWidth = PAD_STROKE_WIDTH;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.shadowColor = INK_COLOR;
  ctx.shadowBlur = PAD_STROKE_BLUR;
  for (const stroke of strokes) {
    if (stroke.length === 0) continue;
    ctx.beginPath();
    if (stroke.length === 1) {
      // A tap: a zero-length line draws nothing in some browsers, so draw the dot itself.
      ctx.arc(stroke[0].x, stroke[0].y, PAD_STROKE_WIDTH / 2, 0, 2 * Math.PI);
      ctx.fill();
      continue;
    }
    ctx.moveTo(stroke[0].x, stroke[0].y);
    // Quadratic curves through the midpoints smooth the polyline of pointer samples.
    for (let i = 1; i < stroke.length - 1; i++) {
      const mx = (stroke[i].x + stroke[i + 1].x) / 2;
      const my = (stroke[i].y + stroke[i + 1].y) / 2;
      ctx.quadraticCurveTo(stroke[i].x, stroke[i].y, mx, my);
    }
    const last = stroke[stroke.length - 1];
    ctx.lineTo(last.x, last.y);
    ctx.stroke();
  }
  ctx.restore();
}

/** Shows a 28×28 image on the pad, each pixel a visible square (it is the exact input). */
export function paintImage(ctx: CanvasRenderingContext2D, pixels: ArrayLike<number>): void {
  const small = new OffscreenCanvas(IMAGE_SIDE, IMAGE_SIDE);
  const smallCtx = small.getContext('2d');
  if (!smallCtx) throw new Error('src/views/draw/padPainting.ts: this browser gives no 2D context for an OffscreenCanvas');
  smallCtx.putImageData(new ImageData(greyToRgba(pixels), IMAGE_SIDE, IMAGE_SIDE), 0, 0);
  ctx.save();
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(small, 0, 0, PAD_SIDE, PAD_SIDE);
  ctx.restore();
}
