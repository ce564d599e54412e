// Visual constants of the page in one place: sizes, colours and counts the views share.

/** Test images shown in the gallery. */
export const GALLERY_COUNT = 24;
/** On-screen size of one 28×28 gallery image, in CSS pixels. */
export const GALLERY_IMAGE_PX = 56;
/** Gallery colour map: pixel value 0 → ink of the tile background, 255 → white. */
export const GALLERY_BACKGROUND_RGB: readonly [number, number, number] = [29, 36, 51];

/** One colour per trained model, in training order (Tableau 10, calm and distinguishable). */
export const MODEL_COLORS: readonly string[] = [
  '#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
];

export function modelColor(index: number): string {
  return MODEL_COLORS[((index % MODEL_COLORS.length) + MODEL_COLORS.length) % MODEL_COLORS.length];
}

/** Size of each curve chart (SVG viewBox units; the SVG scales to its container's width). */
export const CURVE_CHART = {
  width: 340,
  height: 200,
  margin: { top: 12, right: 14, bottom: 34, left: 46 },
  pointRadius: 3,
  lineWidth: 2,
} as const;
