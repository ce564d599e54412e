// The "Draw a digit and attack it" panel: the input (pad or test image) and what the network sees
// on one side (with a one-line answer strip under the pad on narrow screens); live probabilities per
// model and the attack on the other.
import { useEffect } from 'react';
import { DATASETS } from '../../data/registry';
import { Guard } from '../common/Guard';
import { useDrawing, useLab } from '../LabContext';
import { AttackSection } from './AttackSection';
import { InputSection } from './InputSection';
import { LoadModelButton } from './LoadModelButton';
import { Probabilities } from './Probabilities';
import { usePanelModels, type PanelModel } from './usePanelModels';
import './draw.css';

function NoModel() {
  const { ui } = useLab();
  const dataset = useDrawing((s) => s.dataset);
  return (
    <div className="draw-no-model" data-testid="draw-no-model">
      <p>
        <strong>No trained {DATASETS[dataset].label} model yet.</strong> Train one in the Train panel (a quick
        demo takes seconds), or load a model file; then its predictions appear here as you draw.
      </p>
      <div className="buttons draw-no-model-actions">
        <button type="button" onClick={() => ui.getState().setPanel('train')}>Go to Train</button>
        <LoadModelButton />
      </div>
    </div>
  );
}

function PredictionSection({ models }: { models: PanelModel[] }) {
  const settingLabel = useDrawing((s) => s.settingLabel);
  return (
    <section className="panel" aria-labelledby="draw-predict-title">
      <h2 id="draw-predict-title">What the networks say</h2>
      <p className="panel-note">
        Each bar is the network’s probability for one class (softmax of its outputs), updated as you draw.
        {settingLabel && <> The networks run <strong>{settingLabel}</strong>, as set in the Robustness panel.</>}
      </p>
      {models.length === 0 ? <NoModel /> : <Probabilities models={models} />}
    </section>
  );
}

export function DrawPanel() {
  const { drawing } = useLab();
  const models = usePanelModels();
  const dataset = useDrawing((s) => s.dataset);
  // Fashion-MNIST opens on a picked item; MNIST on an empty pad.
  useEffect(() => { drawing.getState().ensureInput(); }, [drawing, dataset]);
  return (
    <div className="layout draw-layout">
      <div className="column column-side">
        <Guard name="drawing input"><InputSection models={models} /></Guard>
      </div>
      <div className="column column-main">
        <Guard name="predictions"><PredictionSection models={models} /></Guard>
        <Guard name="attack"><AttackSection models={models} /></Guard>
      </div>
    </div>
  );
}
