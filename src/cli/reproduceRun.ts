// The records a reproduction produces (one per trained model, one per sweep) and the data the
// results files are written from; the work itself runs as units (units.ts, unitRun.ts).
import type { AblationGroupRow, AblationModelRow } from './ablation';
import type { GridCell, GridModelInput, GridSpec } from './grid';
import type { SweepRecord } from './sweeps';

export interface TrainedModelRecord {
  name: string;
  strategy: string;
  weightDecay: number;
  seed: number;
  main: boolean;
  ablation: boolean;
  /** The model file, relative to the output folder. */
  file: string;
  testAccuracy: number;
  /** Test accuracy after each epoch. */
  accuracyByEpoch: number[];
  trainSeconds: number;
  path: string;
  /** Links per sparse layer (empty for dense). */
  links: number[];
  pixelGini: number | null;
  isolatedPixels: number | null;
  reused: boolean;
}

export interface ReproduceData {
  models: TrainedModelRecord[];
  /** The main trio's sweeps. */
  sweeps: SweepRecord[];
  ablation: { removalLevels: number[]; shuffleLevels: number[]; models: AblationModelRow[]; groups: AblationGroupRow[] } | null;
  /** Seconds summed over the units of each kind (with --jobs N, more than the wall time). */
  phases: { trainingSeconds: number; sweepSeconds: number; ablationSeconds: number };
  /** A density/ζ grid's models, sweeps and cells (absent for the paper's trio and ablation). */
  grid?: { spec: GridSpec; models: GridModelInput[]; sweeps: SweepRecord[]; cells: GridCell[] };
}
