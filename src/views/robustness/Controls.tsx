// The live perturbation controls: "Link removal" (with which links go first), "Node removal" (with
// which neurons go first), "Weight shuffling" and "Adversarial ε" sliders with the attack type, which
// combine; and the models compared (every trained model of this dataset).
import { useShallow } from 'zustand/react/shallow';
import { DATASETS } from '../../data/registry';
import { isEvaluable } from '../../state/models';
import type { LinkOrder, NodeOrder } from '../../engine/targeted';
import { MAX_LIVE_DRAWS } from '../../state/liveDraws';
import { ADVERSARIAL_SUBSET, type AttackChoice, type SliderName } from '../../state/robustness';
import { modelColor } from '../config';
import { useLab, useModels, useSession } from '../LabContext';
import { useRobustness } from './useRobustness';

const ATTACK_LABELS: Readonly<Record<AttackChoice, string>> = { fgsm: 'FGSM', pgd: 'PGD', noise: 'uniform noise' };
export const LINK_ORDER_LABELS: Readonly<Record<LinkOrder, string>> = { random: 'random', strongest: 'strongest first', weakest: 'weakest first' };
export const NODE_ORDER_LABELS: Readonly<Record<NodeOrder, string>> = { random: 'random', degree: 'hubs first', strength: 'strongest first' };

interface SliderProps {
  name: SliderName;
  label: string;
  /** Slider units per store unit (100 for percentages). */
  scale: number;
  max: number;
  step: number;
  format(value: number): string;
  hint: string;
}

function Slider({ name, label, scale, max, step, format, hint }: SliderProps) {
  const { robustness } = useLab();
  const value = useRobustness((s) => s.sliders[name]);
  const id = `robustness-${name}`;
  return (
    <div className="field slider-field">
      <div className="slider-head">
        <label htmlFor={id}>{label}</label>
        <output htmlFor={id} className="slider-value">{format(value)}</output>
      </div>
      <input
        id={id}
        type="range"
        min={0}
        max={max}
        step={step}
        value={Math.round(value * scale * 1000) / 1000}
        aria-valuetext={format(value)}
        aria-describedby={`${id}-hint`}
        onChange={(e) => robustness.getState().setSlider(name, Number(e.currentTarget.value) / scale)}
      />
      <p id={`${id}-hint`} className="field-hint">{hint}</p>
    </div>
  );
}

export function PerturbationControls() {
  const { robustness } = useLab();
  const attack = useRobustness((s) => s.sliders.attack);
  const epsilon = useRobustness((s) => s.sliders.epsilon);
  const linkOrder = useRobustness((s) => s.sliders.linkOrder);
  const nodeOrder = useRobustness((s) => s.sliders.nodeOrder);
  const draws = useRobustness((s) => s.liveDraws);
  return (
    <div className="perturbation-controls">
      <Slider
        name="removal" label="Link removal" scale={100} max={100} step={1} format={(v) => `${Math.round(v * 100)}%`}
        hint={linkOrder === 'random' ? 'Links of the three sparse layers deleted at random.' : `Links of the three sparse layers deleted, ${linkOrder === 'strongest' ? 'largest' : 'smallest'} |w| first.`}
      />
      <div className="field">
        <label htmlFor="robustness-link-order">Which links</label>
        <select id="robustness-link-order" value={linkOrder} onChange={(e) => robustness.getState().setLinkOrder(e.currentTarget.value as LinkOrder)}>
          {(Object.keys(LINK_ORDER_LABELS) as LinkOrder[]).map((k) => <option key={k} value={k}>{LINK_ORDER_LABELS[k]}</option>)}
        </select>
        <p className="field-hint">Random failure, or an attack on the strongest links; weakest first is what pruning does.</p>
      </div>
      <Slider
        name="nodes" label="Node removal" scale={100} max={100} step={1} format={(v) => `${Math.round(v * 100)}%`}
        hint="Hidden neurons of each of the three hidden layers deleted with all their links."
      />
      <div className="field">
        <label htmlFor="robustness-node-order">Which neurons</label>
        <select id="robustness-node-order" value={nodeOrder} onChange={(e) => robustness.getState().setNodeOrder(e.currentTarget.value as NodeOrder)}>
          {(Object.keys(NODE_ORDER_LABELS) as NodeOrder[]).map((k) => <option key={k} value={k}>{NODE_ORDER_LABELS[k]}</option>)}
        </select>
        <p className="field-hint">Hubs: the most links in and out. Strongest: the largest sum of |w| in and out.</p>
      </div>
      <Slider
        name="shuffle" label="Weight shuffling" scale={100} max={100} step={1} format={(v) => `${Math.round(v * 100)}%`}
        hint="Links whose weights are swapped among themselves: same wiring, same weights, wrong places."
      />
      <Slider
        name="epsilon" label="Adversarial ε" scale={1} max={0.5} step={0.01} format={(v) => v.toFixed(2)}
        hint="Largest change of any pixel (pixels run from 0 to 1)."
      />
      <div className="field">
        <label htmlFor="robustness-attack">Attack</label>
        <select id="robustness-attack" value={attack} onChange={(e) => robustness.getState().setAttack(e.currentTarget.value as AttackChoice)}>
          {(Object.keys(ATTACK_LABELS) as AttackChoice[]).map((k) => <option key={k} value={k}>{ATTACK_LABELS[k]}</option>)}
        </select>
        <p className="field-hint">
          {epsilon > 0
            ? `Attacks are computed on the first ${ADVERSARIAL_SUBSET.toLocaleString('en')} test images to stay quick.`
            : 'Used when ε is above 0.'}
        </p>
      </div>
      <div className="field">
        <label htmlFor="robustness-draws">Draws</label>
        <input
          id="robustness-draws" type="number" min={1} max={MAX_LIVE_DRAWS} step={1} value={draws} aria-describedby="robustness-draws-hint"
          onChange={(e) => { const v = e.currentTarget.valueAsNumber; if (Number.isFinite(v)) robustness.getState().setLiveDraws(v); }}
        />
        <p id="robustness-draws-hint" className="field-hint">
          Random choices are drawn this many times (seeds 1, 2, …) for the mean and its 95% interval; a setting without random choices needs one.
        </p>
      </div>
      <button type="button" className="small-button" onClick={() => robustness.getState().resetSliders()}>Reset</button>
    </div>
  );
}

export function ComparedModels() {
  const { robustness } = useLab();
  const dataset = useSession((s) => s.dataset);
  const models = useModels((s) => s.models);
  const excluded = useRobustness(useShallow((s) => s.excluded));
  const here = models.map((m, i) => ({ m, color: modelColor(i) })).filter(({ m }) => isEvaluable(m) && m.dataset === dataset);
  const elsewhere = models.filter((m) => isEvaluable(m) && m.dataset !== dataset).length;
  return (
    <fieldset className="compared-models">
      <legend>Models compared</legend>
      {here.length === 0 && <p className="muted">No trained {DATASETS[dataset].label} model yet: train one in the Train panel, or load a model file below.</p>}
      {here.map(({ m, color }) => (
        <label key={m.id} className="check">
          <input type="checkbox" checked={!excluded.includes(m.id)} onChange={(e) => robustness.getState().setCompared(m.id, e.currentTarget.checked)} />
          <span className="swatch" style={{ background: color }} aria-hidden="true" />
          {m.label}
        </label>
      ))}
      {elsewhere > 0 && (
        <p className="field-hint">
          {elsewhere} model{elsewhere > 1 ? 's' : ''} of the other dataset {elsewhere > 1 ? 'are' : 'is'} hidden: switch the dataset above to compare {elsewhere > 1 ? 'them' : 'it'}.
        </p>
      )}
    </fieldset>
  );
}
