// The input side of the Draw panel: draw or pick a test image, the pad, and the 28×28 image the
// networks actually see after MNIST-style preprocessing.
import { useMemo } from 'react';
import { DATASETS } from '../../data/registry';
import type { InputMode } from '../../state/drawing';
import { useDrawing, useLab } from '../LabContext';
import { AnswerStrip } from './AnswerStrip';
import { INPUT_PREVIEW_PX } from './config';
import { DrawingPad } from './DrawingPad';
import { ImageCanvas } from './ImageCanvas';
import { greyToRgba } from './imagePixels';
import type { PanelModel } from './usePanelModels';

const MODES: ReadonlyArray<{ value: InputMode; label: string }> = [
  { value: 'draw', label: 'Draw' },
  { value: 'pick', label: 'Test image' },
];

function PickControls() {
  const { drawing } = useLab();
  const dataset = useDrawing((s) => s.dataset);
  const pickClass = useDrawing((s) => s.pickClass);
  const testSet = useDrawing((s) => s.testSet);
  const { classNames } = DATASETS[dataset];
  return (
    <div className="draw-pick">
      <div className="field">
        <label htmlFor="draw-pick-class">Image class</label>
        <select
          id="draw-pick-class"
          value={pickClass === null ? '' : String(pickClass)}
          onChange={(e) => drawing.getState().setPickClass(e.target.value === '' ? null : Number(e.target.value))}
        >
          <option value="">any class</option>
          {classNames.map((name, k) => <option key={name} value={k}>{name}</option>)}
        </select>
      </div>
      <div className="buttons">
        <button type="button" onClick={() => void drawing.getState().pickTestImage()} disabled={testSet.status === 'loading'}>
          Pick a test image
        </button>
      </div>
      {testSet.status === 'loading' && <p className="muted draw-small" role="status">Loading the test images…</p>}
      {testSet.status === 'error' && <p className="draw-error" role="alert">{testSet.message}</p>}
    </div>
  );
}

function NetworkInput() {
  const dataset = useDrawing((s) => s.dataset);
  const pixels = useDrawing((s) => s.pixels);
  const source = useDrawing((s) => s.source);
  const rgba = useMemo(() => (pixels ? greyToRgba(pixels) : null), [pixels]);
  const what = source.kind === 'test'
    ? `Test image #${source.index + 1} (labelled ${DATASETS[dataset].classNames[source.label]}), exactly as the test set holds it.`
    : source.kind === 'drawing'
      ? dataset === 'fashion-mnist'
        ? 'Your sketch as Fashion-MNIST items were made: cropped to the ink, scaled to fill 28×28, centred.'
        : 'Your drawing after MNIST’s own recipe: cropped to the ink, scaled into a 20×20 box, centred by its centre of mass in 28×28.'
      : 'Nothing yet: draw on the pad or pick a test image.';
  return (
    <figure className="draw-network-input">
      <ImageCanvas rgba={rgba} sizePx={INPUT_PREVIEW_PX} label={`What the network sees: ${what}`} testId="network-input" />
      <figcaption>
        <strong>What the network sees</strong>
        <span className="muted">{what}</span>
      </figcaption>
    </figure>
  );
}

export function InputSection({ models }: { models: PanelModel[] }) {
  const { drawing } = useLab();
  const mode = useDrawing((s) => s.mode);
  const dataset = useDrawing((s) => s.dataset);
  return (
    <section className="panel" aria-labelledby="draw-input-title">
      <h2 id="draw-input-title">Your input</h2>
      <p className="panel-note">
        {dataset === 'fashion-mnist'
          ? 'Pick a Fashion-MNIST test item, or sketch one yourself (white on black).'
          : 'Draw a digit, large and centred, or pick one from the MNIST test set.'}
      </p>
      <fieldset className="segmented draw-mode" aria-label="Input">
        <legend className="visually-hidden">Input</legend>
        {MODES.map((m) => (
          <label key={m.value} className={m.value === mode ? 'segment active' : 'segment'}>
            <input type="radio" name="draw-mode" value={m.value} checked={m.value === mode} onChange={() => drawing.getState().setMode(m.value)} />
            <span>{m.label}</span>
          </label>
        ))}
      </fieldset>
      <DrawingPad />
      <AnswerStrip models={models} />
      <PickControls />
      <NetworkInput />
    </section>
  );
}
