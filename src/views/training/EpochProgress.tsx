// Progress through the current epoch: batches done, measured samples/s of the path in use, ETA.
import { useShallow } from 'zustand/react/shallow';
import { formatDuration } from '../../state/progress';
import { isRunActive } from '../../state/training';
import { ProgressBar } from '../common/ProgressBar';
import { useTraining } from '../LabContext';

const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function EpochProgress() {
  const progress = useTraining(useShallow((s) => s.progress));
  const epochs = useTraining((s) => s.run.config?.epochs ?? 0);
  const active = useTraining((s) => isRunActive(s.run.status));
  if (!progress || !active) return null;
  const caption = [
    `Epoch ${progress.epoch} of ${epochs}`,
    `batch ${progress.batch} / ${progress.batchesPerEpoch}`,
    `${numberFormat.format(progress.samplesPerSecond)} samples/s`,
    `ETA ${formatDuration(progress.etaSeconds)}`,
  ].join(' · ');
  return <ProgressBar label={`Epoch ${progress.epoch} progress`} value={progress.batch} max={progress.batchesPerEpoch} caption={caption} testId="epoch-progress" />;
}
