// The training settings: one labelled control per field of the settings table, the training-set
// size presets, and the validation messages inline (Train stays disabled while any is shown).
import { CONFIG_FIELDS, irrelevantFields, TRAIN_SIZE_PRESETS, type FieldSpec } from '../../state/configForm';
import { useLab, useTraining } from '../LabContext';

function FieldControl({ spec, value, disabled, onChange }: { spec: FieldSpec; value: string; disabled: boolean; onChange(v: string): void }) {
  const id = `field-${spec.name}`;
  const hintId = spec.hint ? `${id}-hint` : undefined;
  return (
    <div className={`field field-${spec.name}${disabled ? ' field-disabled' : ''}`}>
      <label htmlFor={id}>{spec.label}</label>
      {spec.kind === 'choice' ? (
        <select id={id} value={value} disabled={disabled} aria-describedby={hintId} onChange={(e) => onChange(e.target.value)}>
          {spec.options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
        </select>
      ) : (
        <input
          id={id}
          type="number"
          inputMode={spec.kind === 'int' ? 'numeric' : 'decimal'}
          min={spec.min}
          max={spec.max}
          step={spec.step}
          value={value}
          disabled={disabled}
          aria-describedby={hintId}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      {hintId && <p id={hintId} className="field-hint">{spec.hint}</p>}
    </div>
  );
}

export function SettingsForm() {
  const { training } = useLab();
  const form = useTraining((s) => s.form);
  const problems = useTraining((s) => s.problems);
  const skip = new Set(irrelevantFields(form.strategy));
  return (
    <section className="panel" aria-labelledby="settings-title">
      <h2 id="settings-title">Network and training</h2>
      <p className="panel-note">784 → H → H → H → 10; the three hidden layers are sparse, the output layer dense.</p>
      {/* Never locked: a run keeps the settings it started with, and these are the next run's. */}
      <fieldset className="settings-grid">
        <legend className="visually-hidden">Training settings</legend>
        {CONFIG_FIELDS.map((spec) => (
          <FieldControl key={spec.name} spec={spec} value={form[spec.name]} disabled={skip.has(spec.name)} onChange={(v) => training.getState().setField(spec.name, v)} />
        ))}
        <div className="presets" role="group" aria-label="Training-set size presets">
          {TRAIN_SIZE_PRESETS.map((p) => (
            <button key={p.id} type="button" className="chip" onClick={() => training.getState().applyTrainSizePreset(p.id)}>
              {p.label}
            </button>
          ))}
        </div>
      </fieldset>
      {problems.length > 0 && (
        <ul className="problems" aria-live="polite" data-testid="config-problems">
          {problems.map((p) => <li key={p}>{p}</li>)}
        </ul>
      )}
    </section>
  );
}
