// Visual constants of the Experiment panel: one colour per network (dark with decay, light without,
// so a pair reads as one hue on a projector) and the sizes of its pixel maps.
import type { Strategy } from '../../engine/types';
import type { ExperimentStep } from '../../state/experimentPlan';

export const RUN_COLORS: Readonly<Record<Strategy, Readonly<Record<ExperimentStep, string>>>> = {
  set: { decay: '#1f5fae', nodecay: '#6fa3dc' },
  static: { decay: '#c45a0a', nodecay: '#eea063' },
  rigl: { decay: '#2e7d4f', nodecay: '#7cc493' },
  dense: { decay: '#4a5263', nodecay: '#a3abb8' },
};

/** CSS pixels per image pixel of the pixel-degree maps (28 × 6 = 168 px: readable from the back of a room). */
export const EXPERIMENT_MAP_SCALE = 6;

/** Test accuracy curves per epoch: the y axis label. */
export const ACCURACY_LABEL = 'test accuracy';
