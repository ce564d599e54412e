// Names the backend the worker trains on, and beside it the compute path and the GPU adapter
// (the device path is labelled "masked dense": it pays for a dense network; DESIGN §4).
import { useShallow } from 'zustand/react/shallow';
import { PATH_LABELS } from '../../worker/protocol';
import { useSession } from '../LabContext';

export function BackendBadge() {
  const backend = useSession(useShallow((s) => s.backend));
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
  ].filter(Boolean).join('\n');
  return (
    <div className="backend" title={details}>
      <span className={`badge badge-${backend.name}`} data-testid="backend-badge">{backend.name}</span>
      <span className="backend-detail">
        <span data-testid="compute-path">{pathLabel}</span>
        {adapter && <span className="muted"> · {adapter}</span>}
        {backend.software && <span className="muted" data-testid="software-gpu"> · software GPU</span>}
        {backend.skippedSoftware && <span className="muted" data-testid="software-gpu-skipped"> · software GPU passed over</span>}
      </span>
    </div>
  );
}
