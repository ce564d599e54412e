// The dataset-specific preprocessing options of src/data/drawing.ts: MNIST's 20×20 box placed by
// centre of mass (the default), and Fashion-MNIST's full 28×28 frame placed by the bounding box.
import { describe, expect, it } from 'vitest';
import { centreOfMass, DATASET_PREPROCESSING, inkBoundingBox, preprocessDrawing } from '../../src/data/drawing';

/** An "L": a heavy vertical bar and a light foot, so centre of mass and box centre differ. */
function lShape(): Float32Array {
  const ink = new Float32Array(100 * 100);
  for (let y = 10; y < 90; y++) for (let x = 20; x < 30; x++) ink[y * 100 + x] = 1;
  for (let y = 80; y < 90; y++) for (let x = 30; x < 70; x++) ink[y * 100 + x] = 1;
  return ink;
}

describe('preprocessDrawing per dataset', () => {
  it('MNIST (the default): the longer side spans 20 px and the centre of mass sits at the centre', () => {
    const a = preprocessDrawing(lShape(), 100, 100).pixels;
    const b = preprocessDrawing(lShape(), 100, 100, DATASET_PREPROCESSING.mnist).pixels;
    expect(Array.from(b)).toEqual(Array.from(a));
    const box = inkBoundingBox(a, 28, 28, 0.01)!;
    expect(box.y1 - box.y0).toBe(20);
    const [cx, cy] = centreOfMass(a, 28, 28)!;
    expect(Math.abs(cx - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(cy - 14)).toBeLessThanOrEqual(0.5);
  });

  it('Fashion-MNIST: the ink fills the 28×28 frame and its box is centred', () => {
    const { pixels, hasInk } = preprocessDrawing(lShape(), 100, 100, DATASET_PREPROCESSING['fashion-mnist']);
    expect(hasInk).toBe(true);
    const box = inkBoundingBox(pixels, 28, 28, 0.01)!;
    expect(box.y1 - box.y0).toBe(28);
    expect(box.y0).toBe(0);
    // 50 px wide of 80 tall → 17.5 ≈ 18 columns, centred: equal margins within a pixel.
    const left = box.x0;
    const right = 28 - box.x1;
    expect(Math.abs(left - right)).toBeLessThanOrEqual(1);
    expect(box.x1 - box.x0).toBeGreaterThanOrEqual(17);
  });
});
