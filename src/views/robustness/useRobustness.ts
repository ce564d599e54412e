// The robustness store for the React tree: select one value per call (or use useShallow for a few).
import { useStore } from 'zustand';
import type { RobustnessState } from '../../state/robustness';
import { useLab } from '../LabContext';

export function useRobustness<T>(selector: (s: RobustnessState) => T): T {
  return useStore(useLab().robustness, selector);
}
