// Visual constants of the Draw panel: the pad's size and stroke, image sizes, and the colours of the
// perturbation map (kept together so the look is tuned in one place).

/** The pad's canvas resolution (square); its CSS size follows the layout. */
export const PAD_SIDE = 280;
/**
 * Stroke width on the pad. MNIST strokes are about 2–3 px of a 20 px-high digit; a digit drawn
 * across most of the pad (~200 px) needs ~24 px to look the same after preprocessing.
 */
export const PAD_STROKE_WIDTH = 24;
/** Blur of the stroke's edge, for MNIST's soft, antialiased grey rim. */
export const PAD_STROKE_BLUR = 6;
/** On-screen size of the 28×28 images (what the network sees, attack images), in CSS pixels. */
export const INPUT_PREVIEW_PX = 140;
export const ATTACK_IMAGE_PX = 112;
/** Pad and image background (MNIST is white ink on black). */
export const INK_BACKGROUND = '#000000';
export const INK_COLOR = '#ffffff';
/** Probability bars narrower than this are drawn at this width so that a 0% bar is still visible. */
export const MIN_BAR_PERCENT = 0.6;
