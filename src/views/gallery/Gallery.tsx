// The gallery: the first test images of the active dataset drawn on canvases, each with its label.
import { useEffect, useRef } from 'react';
import { DATASETS } from '../../data/registry';
import { DataLoadProgress } from '../common/DataLoadProgress';
import { GALLERY_BACKGROUND_RGB, GALLERY_IMAGE_PX } from '../config';
import { useLab, useSession } from '../LabContext';
import { DIGIT_SIDE, digitToRgba } from './digitPixels';

function DigitCanvas({ images, index, label }: { images: Uint8Array; index: number; label: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    ctx.putImageData(new ImageData(digitToRgba(images, index, GALLERY_BACKGROUND_RGB), DIGIT_SIDE, DIGIT_SIDE), 0, 0);
  }, [images, index]);
  return (
    <canvas
      ref={ref}
      width={DIGIT_SIDE}
      height={DIGIT_SIDE}
      style={{ width: GALLERY_IMAGE_PX, height: GALLERY_IMAGE_PX }}
      role="img"
      aria-label={`Test image ${index + 1}: ${label}`}
    />
  );
}

export function Gallery() {
  const { session } = useLab();
  const gallery = useSession((s) => s.gallery);
  const dataset = useSession((s) => s.dataset);
  const testStatus = useSession((s) => s.loads.test.status);
  const info = DATASETS[dataset];
  const shown = gallery && gallery.dataset === dataset ? gallery : null;
  return (
    <section className="panel" aria-labelledby="gallery-title">
      <h2 id="gallery-title">Test images</h2>
      <p className="panel-note">The first images of the official {info.label} test set, as the network sees them.</p>
      <DataLoadProgress split="test" />
      {shown ? (
        <div className="gallery" data-testid="gallery" data-dataset={shown.dataset}>
          {Array.from({ length: shown.count }, (_, i) => {
            const label = info.classNames[shown.labels[i]];
            return (
              <figure key={`${shown.dataset}-${i}`} className="gallery-item" data-testid="gallery-item" data-label={label}>
                <DigitCanvas images={shown.images} index={i} label={label} />
                <figcaption>{label}</figcaption>
              </figure>
            );
          })}
        </div>
      ) : testStatus === 'error' ? (
        <p className="muted">
          The test set could not be loaded.{' '}
          <button type="button" className="link-button" onClick={() => void session.getState().ensureSplit('test')}>Try again</button>
        </p>
      ) : (
        testStatus !== 'loading' && <p className="muted">No images yet.</p>
      )}
    </section>
  );
}
