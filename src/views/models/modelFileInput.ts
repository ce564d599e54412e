// The one handler behind every "Load model file…" input: refuses oversized files before reading them
// (parsing a huge file would stall the page for nothing), then hands its bytes to the models store. A
// refused file is reported beside the button, once.
import { useCallback, type ChangeEvent } from 'react';
import { MAX_MODEL_FILE_BYTES } from '../../engine/modelFile';
import { useLab } from '../LabContext';

export function useModelFileInput(): (event: ChangeEvent<HTMLInputElement>) => Promise<void> {
  const { models, session } = useLab();
  return useCallback(async (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.currentTarget;
    const file = input.files?.[0];
    input.value = ''; // the same file may be chosen again after a fix
    if (!file) return;
    if (file.size > MAX_MODEL_FILE_BYTES) {
      const mb = (n: number) => (n / 1048576).toFixed(1);
      models.getState().reportLoadError(`${file.name}: the file is ${mb(file.size)} MB, over the ${mb(MAX_MODEL_FILE_BYTES)} MB limit for model files`);
      return;
    }
    const outcome = await models.getState().loadModelFile(new Uint8Array(await file.arrayBuffer()), file.name);
    if (!outcome.ok) {
      // Said beside the button that was used; the same words in the banner at the top would say it twice.
      const { errors, dismissError } = session.getState();
      for (const e of errors) if (e.message === outcome.error) dismissError(e.id);
    }
  }, [models, session]);
}
