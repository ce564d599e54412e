// Names the backend the worker trains on, and beside it the compute path and the GPU adapter
// (the device path is labelled "masked dense": it pays for a dense network; DESIGN §4).
import { useShallow } from 'zustand/react/shallow';
import { SPLIT_COUNTS } from '../../data/registry';
import { parseConfigForm } from '../../state/configForm';
import { PATH_LABELS } from '../../worker/protocol';
import { useLab, useSession } from '../LabContext';

export function BackendBadge() {
  const backend = useSession(useShallow((s) => s.backend));
  const lab = useLab();
  // Times each path at the Train panel's size (its form as it is now) and moves to the fastest.
  const measure = () => {
    const dataset = lab.session.getState().dataset;
    const { config } = parseConfigForm(lab.training.getState().form, dataset, SPLIT_COUNTS.train);
    if (config) lab.session.getState().measureBackends(config);
    else lab.session.getState().reportError('The Train panel\'s settings are not valid, so the paths cannot be timed at that size.');
  };
  if (backend.status === 'starting' || !backend.name) {
    return (
      <div className="backend">
        <span className="badge badge-pending" data-testid="backend-badge">starting…</span>
      </div>
    );
  }
  const adapter = backend.adapter ? `${backend.adapter.vendor} ${backend.adapter.architecture}`.trim() : '';
  const pathLabel = backend.path ? PATH_LABELS[backend.path] : '';
  const details = [
    `Backend: ${backend.name}`,
    pathLabel && `Compute path: ${pathLabel}`,
    adapter && `GPU adapter: ${adapter}${backend.adapter?.description ? ` (${backend.adapter.description})` : ''}`,
    backend.software && 'This GPU is a software rasteriser (it runs on the CPU): training works, slowly; dense models are evaluated and attacked on the WebAssembly CPU path, which is faster here.',
    backend.fallbackReason && `Fell back because ${backend.fallbackReason}`,
    backend.selfCheck && (backend.selfCheck.ok
      ? `Fused WebGPU step checked against the plain ops: relative error ${backend.selfCheck.weightError.toExponential(1)} (weights), ${backend.selfCheck.lossError.toExponential(1)} (loss)`
      : `The fused WebGPU step failed its self-check (relative error ${backend.selfCheck.weightError.toExponential(1)} on the weights): training uses the plain ops`),
    backend.choice && `Measured: ${backend.choice.text}`,
  ].filter(Boolean).join('\n');
  return (
    <div className="backend" title={details}>
      <span className={`badge badge-${backend.name}`} data-testid="backend-badge">{backend.name}</span>
      <span className="backend-detail">
        <span data-testid="compute-path">{pathLabel}</span>
        {adapter && <span className="muted"> · {adapter}</span>}
        {backend.software && <span className="muted" data-testid="software-gpu"> · software GPU</span>}
        {backend.skippedSoftware && <span className="muted" data-testid="software-gpu-skipped"> · software GPU passed over</span>}
        {backend.selfCheck && !backend.selfCheck.ok && <span className="muted" data-testid="self-check-failed"> · fused step failed its self-check: plain ops</span>}
        {backend.choice && <span className="muted" data-testid="backend-choice" title={backend.choice.text}> · fastest of {backend.choice.result.timings.filter((t) => t.msPerStep !== null).length} timed</span>}
      </span>
      <button type="button" className="link-button" onClick={measure} title="Time a few training steps of each available path at the Train panel's size and use the fastest">Measure paths</button>
    </div>
  );
}
