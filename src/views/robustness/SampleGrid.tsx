// A dozen test images as the first compared model saw them under the current setting (attacked
// images when ε > 0), each with its label and every model's answer before → after.
import { useEffect, useRef } from 'react';
import { DATASETS } from '../../data/registry';
import { IMAGE_SIZE } from '../../engine/constants';
import { DIGIT_SIDE, digitToRgba } from '../gallery/digitPixels';
import { useModels, useSession } from '../LabContext';
import { SAMPLE_BACKGROUND_RGB, SAMPLE_IMAGE_PX } from './config';
import { modelLooks } from './modelLooks';
import { useRobustness } from './useRobustness';

function SampleCanvas({ images, index, label }: { images: Float32Array; index: number; label: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const bytes = Uint8Array.from(images.subarray(index * IMAGE_SIZE, (index + 1) * IMAGE_SIZE), (v) => Math.round(v * 255));
    ctx.putImageData(new ImageData(digitToRgba(bytes, 0, SAMPLE_BACKGROUND_RGB), DIGIT_SIDE, DIGIT_SIDE), 0, 0);
  }, [images, index]);
  return (
    <canvas
      ref={ref} width={DIGIT_SIDE} height={DIGIT_SIDE} style={{ width: SAMPLE_IMAGE_PX, height: SAMPLE_IMAGE_PX }}
      role="img" aria-label={label}
    />
  );
}

export function SampleGrid() {
  const samples = useRobustness((s) => s.samples);
  const models = useModels((s) => s.models);
  const dataset = useSession((s) => s.dataset);
  const { images, labels, indices, predictions, shown } = samples;
  if (!images || !labels || !indices || predictions.length === 0) return null;
  const names = DATASETS[dataset].classNames;
  const lookOf = modelLooks(models);
  const attacked = shown !== null && shown.epsilon > 0;
  const attackName = shown?.attack === 'noise' ? 'uniform noise' : shown?.attack.toUpperCase();
  return (
    <section className="panel" aria-labelledby="samples-title" data-testid="sample-grid">
      <div className="section-head">
        <h2 id="samples-title">Test images, before → after</h2>
        {samples.status === 'loading' && <p className="live-status status-evaluating">Updating…</p>}
      </div>
      <p className="panel-note">
        {attacked
          ? `The images after ${attackName} with ε = ${shown.epsilon.toFixed(2)} (computed against ${lookOf(predictions[0].modelId).label}). `
          : 'The images are unchanged here: link removal and shuffling perturb the network, not its input. '}
        Under each: the true label, then every model’s answer on the clean image → under the perturbation (red when wrong).
      </p>
      <div className="sample-grid">
        {Array.from(indices, (testIndex, k) => {
          const truth = names[labels[k]];
          return (
            <figure key={testIndex} className="sample" data-testid="sample">
              <SampleCanvas images={images} index={k} label={`Test image ${testIndex + 1}: ${truth}${attacked ? ', perturbed' : ''}`} />
              <figcaption>
                <span className="sample-truth">{truth}</span>
                {predictions.map((p) => {
                  const { color, label } = lookOf(p.modelId);
                  const before = names[p.clean[k]];
                  const after = names[p.perturbed[k]];
                  const wrong = p.perturbed[k] !== labels[k];
                  return (
                    <span key={p.modelId} className={wrong ? 'sample-answer wrong' : 'sample-answer'} title={`${label}: ${before} → ${after}`}>
                      <span className="swatch" style={{ background: color }} aria-hidden="true" />
                      {before} → {after}
                    </span>
                  );
                })}
              </figcaption>
            </figure>
          );
        })}
      </div>
    </section>
  );
}
