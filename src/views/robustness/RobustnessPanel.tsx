// The Robustness panel: what each perturbation does, live sliders with every model's test accuracy
// side by side, a grid of perturbed test images, robustness curves, and the model files section.
import { useEffect } from 'react';
import { Guard } from '../common/Guard';
import { useLab } from '../LabContext';
import { ModelFiles } from '../models/ModelFiles';
import { ComparedModels, PerturbationControls } from './Controls';
import { LiveAccuracy } from './LiveAccuracy';
import { SampleGrid } from './SampleGrid';
import { SweepSection } from './SweepSection';
import './robustness.css';

function Explanation() {
  return (
    <div className="robustness-intro">
      <p>Break a trained network three ways, alone or together, and watch its test accuracy:</p>
      <ul>
        <li><strong>Link removal</strong> deletes a random share of the sparse layers’ links, as if connections died.</li>
        <li><strong>Weight shuffling</strong> keeps the wiring and the weights but swaps which link carries which weight.</li>
        <li><strong>Adversarial ε</strong> nudges every pixel by at most ε in the direction that hurts the model most
          (FGSM: one step; PGD: ten smaller steps). Uniform noise of the same size is the baseline.</li>
      </ul>
      <p>
        The paper (arXiv 2602.21961) asks whether networks that rewire while they learn (SET, RigL) are sturdier than
        static sparse ones. Measured in this lab on the full-size MNIST networks (10 epochs, weight decay on, two seeds,
        20 random draws each), SET keeps about 63% accuracy with 30% of its links removed and static about 58%; with decay
        off the two behave alike (about 56%). The reference implementation reported a wider gap (about 70% against 42–57%).
        Single draws range from about 22% to 78%, so move the slider and watch how much one draw can differ.
      </p>
    </div>
  );
}

export function RobustnessPanel() {
  const { robustness } = useLab();
  // Evaluations run only while the panel is on screen: they compete with training for the worker.
  useEffect(() => {
    robustness.getState().setVisible(true);
    return () => robustness.getState().setVisible(false);
  }, [robustness]);
  return (
    <div className="layout robustness-layout" data-testid="robustness-panel">
      <div className="column column-side">
        <section className="panel" aria-labelledby="robustness-title">
          <h2 id="robustness-title">Robustness</h2>
          <Explanation />
          <Guard name="perturbation controls"><PerturbationControls /></Guard>
          <Guard name="compared models"><ComparedModels /></Guard>
        </section>
        <Guard name="model files"><ModelFiles /></Guard>
      </div>
      <div className="column column-main">
        <Guard name="live accuracy"><LiveAccuracy /></Guard>
        <Guard name="sample grid"><SampleGrid /></Guard>
        <Guard name="robustness curves"><SweepSection /></Guard>
      </div>
    </div>
  );
}
