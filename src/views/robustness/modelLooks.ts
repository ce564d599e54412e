// How a model appears in the Robustness panel: its label and its colour, the one it has in the model
// list (colours follow the order of the models store, as in the Train panel).
import type { ModelEntry } from '../../state/models';
import { modelColor } from '../config';
import type { ModelLook } from './curveData';

export function modelLooks(models: readonly ModelEntry[]): (modelId: string) => ModelLook {
  const looks = new Map(models.map((m, i) => [m.id, { label: m.label, color: modelColor(i) }]));
  // A sweep may outlive a model's entry (a crashed worker); it still draws, in grey.
  return (modelId) => looks.get(modelId) ?? { label: modelId, color: '#8a93a3' };
}

export function percent(value: number, digits = 1): string {
  return `${(value * 100).toFixed(digits)}%`;
}
