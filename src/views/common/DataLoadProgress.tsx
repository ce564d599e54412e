// Shows the download of one data split (bytes of total) while it loads, and nothing otherwise.
import { useShallow } from 'zustand/react/shallow';
import { DATASETS } from '../../data/registry';
import type { Split } from '../../worker/protocol';
import { useSession } from '../LabContext';
import { formatBytes, ProgressBar } from './ProgressBar';

const SPLIT_NAMES: Record<Split, string> = { train: 'training set', test: 'test set' };

export function DataLoadProgress({ split }: { split: Split }) {
  const load = useSession(useShallow((s) => s.loads[split]));
  if (load.status !== 'loading' || !load.dataset) return null;
  const what = `${DATASETS[load.dataset].label} ${SPLIT_NAMES[split]}`;
  const caption = load.totalBytes > 0
    ? `Loading the ${what}: ${formatBytes(load.loadedBytes)} of ${formatBytes(load.totalBytes)}`
    : `Loading the ${what}…`;
  return <ProgressBar label={`Loading the ${what}`} value={load.loadedBytes} max={load.totalBytes} caption={caption} testId={`load-${split}`} />;
}
