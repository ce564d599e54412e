// Visual constants of the topology views: matrix colours, the rewiring animation, zoom limits, sizes.

/** Absent links (the matrix background): dark, so near-zero weights (near white) stay visible. */
export const MATRIX_BACKGROUND = '#151b27';
/** Separator rows between image rows in the pixel-grid row order. */
export const MATRIX_SEPARATOR = '#2c3548';
/** Removed links flash in this colour, then fade to the background. */
export const FLASH_REMOVED = '#ff8a1e';
/** Grown links appear in this colour, then settle to their weight's colour. */
export const FLASH_GROWN = '#3bf07a';
/**
 * Diverging weight colours: d3.interpolateRdBu cut to [lo, hi] so the strongest weights stay
 * brighter than the dark background (red = negative, blue = positive, white ≈ 0).
 */
export const WEIGHT_INTERPOLATOR_RANGE: readonly [number, number] = [0.1, 0.9];
/** Link density colours (dim → bright on the dark background), starting above black at one link. */
export const DENSITY_INTERPOLATOR = 'interpolateInferno' as const;
export const DENSITY_RAMP_START = 0.18;
/** In density colouring, each square block of this many CSS pixels shows the share of its cells linked. */
export const DENSITY_BLOCK_PX = 8;
/** The density scale tops out at this multiple of the layer's overall density. */
export const DENSITY_SATURATION = 4;
/** Zoomed out, a changed link flashes as a dot this many CSS pixels wide (one pixel would be lost). */
export const FLASH_DOT_PX = 2;
/** Entries of the colour lookup tables (odd, so that weight 0 has its own, neutral entry). */
export const COLOR_LEVELS = 257;
/** |w| percentile that saturates the weight scale (robust to a few large weights). */
export const WEIGHT_SATURATION_QUANTILE = 0.99;

/** One rewiring animation at speed 1: flash, then fade/settle. */
export const REWIRE_ANIMATION_MS = 1000;
/** Fraction of the animation during which changed links hold their flash colour. */
export const FLASH_HOLD_FRACTION = 0.25;
/** Pause between two epochs when the timeline plays (at speed 1), after the animation. */
export const PLAYBACK_HOLD_MS = 400;

/** Largest zoom: one link becomes about this many CSS pixels wide. */
export const MAX_CELL_PX = 28;
/** Cells at least this many device pixels wide are drawn with a 1-pixel gap (a visible grid). */
export const CELL_GAP_MIN_PX = 6;
/** Zoom factor of the Zoom in / Zoom out buttons. */
export const ZOOM_STEP = 2;

/** Layout of one adjacency view (CSS pixels): margins leave room for the SVG axes. */
export const ADJACENCY_MARGIN = { top: 30, right: 12, bottom: 10, left: 48 } as const;
/** Tallest a matrix is drawn (CSS pixels); a square 1000×1000 layer would otherwise fill the screen. */
export const ADJACENCY_MAX_HEIGHT = 720;
/** Narrowest a matrix is drawn when space allows: a tall matrix (784 × 16) gets wide cells instead of a sliver. */
export const ADJACENCY_MIN_WIDTH = 360;
/** Width of the matrix when the container cannot be measured (tests, first paint). */
export const ADJACENCY_DEFAULT_WIDTH = 640;
/** The canvas never renders above this device-pixel ratio (keeps a redraw well under 16 ms). */
export const MAX_DEVICE_PIXEL_RATIO = 2;
/** Width × height of the colour legend. */
export const LEGEND_SIZE = { width: 180, height: 10 } as const;
