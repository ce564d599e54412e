// The attack side of the Draw panel: a short explanation, the attack's settings (method, target
// class, ε), and the results per model, with the smallest ε each model needs to change its mind.
import { DATASETS } from '../../data/registry';
import { MAX_ATTACK_EPSILON, type AttackKind } from '../../state/drawing';
import { useDrawing, useLab } from '../LabContext';
import { AttackResults } from './AttackResults';
import { MinimalEpsilonChart } from './MinimalEpsilonChart';
import type { PanelModel } from './usePanelModels';

const METHODS: ReadonlyArray<{ value: AttackKind; label: string }> = [
  { value: 'pgd', label: 'PGD (stronger)' },
  { value: 'fgsm', label: 'FGSM (one step)' },
];

function AttackControls({ disabled }: { disabled: boolean }) {
  const { drawing } = useLab();
  const dataset = useDrawing((s) => s.dataset);
  const attackKind = useDrawing((s) => s.attackKind);
  const epsilon = useDrawing((s) => s.epsilon);
  const target = useDrawing((s) => s.target);
  const { classNames } = DATASETS[dataset];
  return (
    <div className="draw-attack-controls">
      <div className="field">
        <label htmlFor="draw-attack-method">Method</label>
        <select id="draw-attack-method" value={attackKind} onChange={(e) => drawing.getState().setAttackKind(e.target.value as AttackKind)}>
          {METHODS.map((m) => <option key={m.value} value={m.value}>{m.label}</option>)}
        </select>
      </div>
      <div className="field">
        <label htmlFor="draw-attack-target">Target class</label>
        <select
          id="draw-attack-target"
          value={target === null ? '' : String(target)}
          onChange={(e) => drawing.getState().setTarget(e.target.value === '' ? null : Number(e.target.value))}
        >
          <option value="">none (untargeted)</option>
          {classNames.map((name, k) => <option key={name} value={k}>{name}</option>)}
        </select>
      </div>
      <div className="field draw-epsilon">
        <label htmlFor="draw-attack-epsilon">Attack ε</label>
        <div className="draw-epsilon-row">
          <input
            id="draw-attack-epsilon"
            type="range"
            min={0}
            max={MAX_ATTACK_EPSILON}
            step={0.01}
            value={epsilon}
            aria-valuetext={`${epsilon.toFixed(2)}: each pixel may change by up to ${Math.round(epsilon * 100)}% of full ink`}
            onChange={(e) => drawing.getState().setEpsilon(Number(e.target.value))}
          />
          <output htmlFor="draw-attack-epsilon" className="draw-epsilon-value">{epsilon.toFixed(2)}</output>
        </div>
      </div>
      <div className="buttons draw-attack-buttons">
        <button type="button" className="primary" onClick={() => drawing.getState().attack()} disabled={disabled}>Attack</button>
        <button type="button" onClick={() => drawing.getState().findMinimalEpsilon()} disabled={disabled}>Find smallest ε</button>
      </div>
    </div>
  );
}

export function AttackSection({ models }: { models: PanelModel[] }) {
  const hasInput = useDrawing((s) => s.pixels !== null);
  const disabled = !hasInput || models.length === 0;
  return (
    <section className="panel" aria-labelledby="draw-attack-title">
      <h2 id="draw-attack-title">Attack it</h2>
      <div className="draw-explain">
        <p>
          An <strong>adversarial example</strong> is an input changed on purpose, by a tiny amount, so that the
          network changes its answer. Every pixel may move by at most <strong>ε</strong> (0.1 = a tenth of full
          ink); people still see the same {hasInput ? 'picture' : 'digit'}.
        </p>
        <p>
          The attack follows the network’s own gradient: it asks “which pixels, nudged which way, lower my
          confidence most?”. FGSM takes one step of size ε; PGD takes many small steps and is stronger.
          With a target class the attack pushes towards that class instead.
        </p>
      </div>
      <AttackControls disabled={disabled} />
      {!hasInput && <p className="muted draw-small">Draw or pick an input first.</p>}
      <AttackResults models={models} />
      <MinimalEpsilonChart models={models} />
    </section>
  );
}
