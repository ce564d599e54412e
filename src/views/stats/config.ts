// Visual constants of the network-statistics panel: chart sizes, bin counts and colours.

/** Small multiples (SVG viewBox units; the SVG scales to its container's width). */
export const STATS_CHART = {
  width: 300,
  height: 170,
  margin: { top: 10, right: 10, bottom: 34, left: 46 },
  transitionMs: 200,
} as const;

/** Most bars a degree histogram shows (degrees are grouped into wider bins beyond this). */
export const DEGREE_MAX_BINS = 48;
/** Bins of a weight histogram (symmetric around 0). */
export const WEIGHT_BINS = 41;

/** Bars of the selected model, outline of the model it is compared with. */
export const PRIMARY_COLOR = '#3d6fb4';
export const COMPARE_COLOR = '#f28e2b';
/** One colour per sparse layer (turnover lines, network picture). */
export const LAYER_COLORS: readonly string[] = ['#4e79a7', '#59a14f', '#b07aa1'];

/** The 28×28 map of links per input pixel. */
export const PIXEL_MAP = {
  /** CSS pixels per image pixel. */
  scale: 7,
  /** Colour of a pixel with no link at all (isolated). */
  isolatedColor: '#0b0f17',
  interpolator: 'interpolateInferno',
  legendWidth: 150,
} as const;
/** The companion map beside the adjacency matrix is smaller. */
export const PIXEL_MAP_COMPANION_SCALE = 4;

/** The layered node–link picture: neurons kept per layer and the drawing's size. */
export const NETWORK_GRAPH = {
  perLayer: 12,
  width: 620,
  height: 260,
  margin: { top: 26, right: 20, bottom: 16, left: 20 },
  minRadius: 3,
  maxRadius: 9,
} as const;
