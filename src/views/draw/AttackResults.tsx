// Each model's attack: the original, the perturbation (amplified: ±ε is full blue/red), the
// adversarial image, and the prediction before and after, with whether the attack reached its goal.
import { useMemo } from 'react';
import { DATASETS } from '../../data/registry';
import { argmax, attackSucceeded, type AttackOutcome } from '../../state/drawing';
import { useDrawing } from '../LabContext';
import { ATTACK_IMAGE_PX } from './config';
import { ImageCanvas } from './ImageCanvas';
import { greyToRgba, maxAbs, perturbationToRgba } from './imagePixels';
import { percent } from './Probabilities';
import type { PanelModel } from './usePanelModels';

function Verdict({ probabilities, classNames }: { probabilities: Float32Array; classNames: readonly string[] }) {
  const top = argmax(probabilities);
  return <><strong>{classNames[top]}</strong> <span className="muted">({percent(probabilities[top])})</span></>;
}

function AttackRow({ model, outcome, classNames }: { model: PanelModel; outcome: AttackOutcome; classNames: readonly string[] }) {
  const original = useMemo(() => greyToRgba(outcome.original), [outcome.original]);
  const perturbation = useMemo(() => (outcome.perturbation ? perturbationToRgba(outcome.perturbation, outcome.epsilon) : null), [outcome.perturbation, outcome.epsilon]);
  const adversarial = useMemo(() => (outcome.adversarial ? greyToRgba(outcome.adversarial) : null), [outcome.adversarial]);
  const success = attackSucceeded(outcome);
  const done = outcome.status === 'done' && outcome.before && outcome.after;
  const goal = outcome.target === null ? 'any other class' : `“${classNames[outcome.target]}”`;
  const size = outcome.perturbation ? maxAbs(outcome.perturbation) : null;
  return (
    <article
      className="draw-attack-row"
      data-testid={`attack-result-${model.entry.id}`}
      data-status={outcome.status}
      data-before={done ? argmax(outcome.before!) : ''}
      data-after={done ? argmax(outcome.after!) : ''}
      data-success={success === null ? '' : String(success)}
    >
      <header>
        <span className="swatch" style={{ background: model.color }} aria-hidden="true" />
        <span className="draw-model-name">{model.entry.label}</span>
        <span className="muted draw-small">
          {outcome.kind.toUpperCase()} · ε {outcome.epsilon.toFixed(2)} · towards {goal}{outcome.settingLabel ? ` · ${outcome.settingLabel}` : ''}
        </span>
      </header>
      <div className="draw-attack-images">
        <figure>
          <ImageCanvas rgba={original} sizePx={ATTACK_IMAGE_PX} label="Original input" />
          <figcaption>original</figcaption>
        </figure>
        <span className="draw-op" aria-hidden="true">+</span>
        <figure>
          <ImageCanvas rgba={perturbation} sizePx={ATTACK_IMAGE_PX} label={`Perturbation, amplified${size !== null ? `: largest change ${size.toFixed(3)}` : ''}`} />
          <figcaption>perturbation (amplified)</figcaption>
        </figure>
        <span className="draw-op" aria-hidden="true">=</span>
        <figure>
          <ImageCanvas rgba={adversarial} sizePx={ATTACK_IMAGE_PX} label="Adversarial image" testId={`adversarial-${model.entry.id}`} />
          <figcaption>adversarial</figcaption>
        </figure>
        <div className="draw-attack-verdict" aria-live="polite">
          {outcome.status === 'queued' && <p className="muted">waiting…</p>}
          {outcome.status === 'running' && <p className="muted">attacking…</p>}
          {outcome.status === 'error' && <p className="draw-error">{outcome.message}</p>}
          {done && (
            <>
              <p>before: <Verdict probabilities={outcome.before!} classNames={classNames} /></p>
              <p>after: <Verdict probabilities={outcome.after!} classNames={classNames} /></p>
              <p className={success ? 'draw-badge fooled' : 'draw-badge held'}>{success ? 'fooled' : 'held'}</p>
            </>
          )}
        </div>
      </div>
    </article>
  );
}

export function AttackResults({ models }: { models: PanelModel[] }) {
  const dataset = useDrawing((s) => s.dataset);
  const attacks = useDrawing((s) => s.attacks);
  const shown = models.filter((m) => attacks[m.entry.id]);
  if (shown.length === 0) return null;
  const { classNames } = DATASETS[dataset];
  return (
    <div className="draw-attack-results">
      <h3>Results</h3>
      <div className="draw-legend" aria-hidden="true">
        <span>pixel darker by ε</span>
        <span className="draw-legend-ramp" />
        <span>brighter by ε</span>
      </div>
      {shown.map((m) => <AttackRow key={m.entry.id} model={m} outcome={attacks[m.entry.id]} classNames={classNames} />)}
    </div>
  );
}
