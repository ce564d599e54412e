// Visual constants of the Robustness panel: the curve chart's size and marks, the sample grid.

/** The robustness curve chart (SVG viewBox units; the SVG scales to its container's width). */
export const ROBUSTNESS_CHART = {
  width: 640,
  height: 360,
  margin: { top: 14, right: 22, bottom: 56, left: 58 },
  lineWidth: 2.2,
  pointRadius: 3.2,
  bandOpacity: 0.16,
  dash: '7 5',
  legendRow: 17,
  /** Distance from the x axis to the legend's first row (below the axis label). */
  legendTop: 62,
  font: "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
  ink: '#1f2633',
  muted: '#5d6677',
  axis: '#aab2bf',
  grid: '#eef0f4',
  background: '#ffffff',
} as const;

/** PNG export renders the chart at this multiple of its viewBox size. */
export const PNG_SCALE = 2;

/** On-screen size of one 28×28 sample image, in CSS pixels. */
export const SAMPLE_IMAGE_PX = 64;
/** Sample tiles: ink 0 is the tile background, ink 1 white (as in the gallery). */
export const SAMPLE_BACKGROUND_RGB: readonly [number, number, number] = [29, 36, 51];
