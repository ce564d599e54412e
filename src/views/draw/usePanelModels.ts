// The models the Draw panel offers (finished or loaded ones of the active dataset), each with the
// colour it has everywhere on the page (its place in the full model list).
import { useMemo } from 'react';
import { usableModels } from '../../state/drawing';
import type { ModelEntry } from '../../state/models';
import { modelColor } from '../config';
import { useDrawing, useModels } from '../LabContext';

export interface PanelModel { entry: ModelEntry; color: string }

export function usePanelModels(): PanelModel[] {
  const models = useModels((s) => s.models);
  const dataset = useDrawing((s) => s.dataset);
  return useMemo(() => {
    const usable = new Set(usableModels(models, dataset).map((m) => m.id));
    return models.flatMap((entry, i) => (usable.has(entry.id) ? [{ entry, color: modelColor(i) }] : []));
  }, [models, dataset]);
}
