// Hands the page's stores to the React tree, with one hook per store (select one value per call,
// or use useShallow for a few, so a component re-renders only when what it shows changes).
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { DrawingState } from '../state/drawing';
import type { ExperimentState } from '../state/experiment';
import type { Lab } from '../state/lab';
import type { ModelsState } from '../state/models';
import type { SessionState } from '../state/session';
import type { TrainingState } from '../state/training';

const LabContext = createContext<Lab | null>(null);

export function LabProvider({ lab, children }: { lab: Lab; children: ReactNode }) {
  return <LabContext.Provider value={lab}>{children}</LabContext.Provider>;
}

export function useLab(): Lab {
  const lab = useContext(LabContext);
  if (!lab) throw new Error('src/views/LabContext.tsx: a panel was rendered outside <LabProvider>');
  return lab;
}

export function useSession<T>(selector: (s: SessionState) => T): T {
  return useStore(useLab().session, selector);
}

export function useTraining<T>(selector: (s: TrainingState) => T): T {
  return useStore(useLab().training, selector);
}

export function useModels<T>(selector: (s: ModelsState) => T): T {
  return useStore(useLab().models, selector);
}

export function useDrawing<T>(selector: (s: DrawingState) => T): T {
  return useStore(useLab().drawing, selector);
}

export function useExperiment<T>(selector: (s: ExperimentState) => T): T {
  return useStore(useLab().experiment, selector);
}
