// The run panel: controls, data and epoch progress of the followed run, every run once there are
// several, the followed run's newest epoch results, curves and models.
import { DataLoadProgress } from '../common/DataLoadProgress';
import { useModels, useTraining } from '../LabContext';
import { Curves } from './Curves';
import { EpochProgress } from './EpochProgress';
import { EpochResults } from './EpochResults';
import { ModelList } from './ModelList';
import { RunControls } from './RunControls';
import { RunList } from './RunList';

/** What to try first, shown until the first model exists. */
function Intro() {
  return (
    <div className="run-intro">
      <p>
        <strong>Train</strong> builds the network and trains it in a background worker. After every epoch
        but the last, adaptive SET prunes the fraction ζ of each sparse layer&apos;s weakest links and grows as
        many new ones at random; RigL grows them where the gradient is largest.
      </p>
      <p>
        The paper&apos;s network (H = 1000, 1% density, 10 epochs on all 60,000 images) trains in under a minute on
        the sparse CPU path, whose cost follows the links (about 3 s an epoch on a 2-core laptop-class machine); a
        GPU&apos;s masked dense kernels pay for the whole dense network instead. The <strong>Quick demo</strong> size
        trains in seconds. Train the same settings with weight decay 1e-4 and with 0 to compare: each model keeps
        its curve and its row below. Press <strong>Train</strong> again while a run trains to train another
        beside it, on its own worker.
      </p>
    </div>
  );
}

export function RunPanel() {
  const hasModels = useModels((s) => s.models.length > 0);
  const idle = useTraining((s) => s.run.status === 'idle');
  return (
    <section className="panel run-panel" aria-labelledby="run-title">
      <h2 id="run-title">Training run</h2>
      <RunControls />
      <DataLoadProgress split="train" />
      <EpochProgress />
      <RunList />
      {!hasModels && idle && <Intro />}
      <EpochResults />
      <Curves />
      <ModelList />
    </section>
  );
}
