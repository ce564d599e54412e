// One 28×28 image on a canvas, scaled up with visible pixels (what the network sees), with a text
// alternative for screen readers.
import { useEffect, useRef } from 'react';
import { IMAGE_PIXELS_SIDE } from './imagePixels';

export function ImageCanvas({ rgba, sizePx, label, testId }: { rgba: Uint8ClampedArray<ArrayBuffer> | null; sizePx: number; label: string; testId?: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    if (rgba) ctx.putImageData(new ImageData(rgba, IMAGE_PIXELS_SIDE, IMAGE_PIXELS_SIDE), 0, 0);
    else ctx.clearRect(0, 0, IMAGE_PIXELS_SIDE, IMAGE_PIXELS_SIDE);
  }, [rgba]);
  return (
    <canvas
      ref={ref}
      className="pixel-image"
      width={IMAGE_PIXELS_SIDE}
      height={IMAGE_PIXELS_SIDE}
      style={{ width: sizePx, height: sizePx }}
      role="img"
      aria-label={label}
      data-testid={testId}
    />
  );
}
