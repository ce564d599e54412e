// The error banner: load failures and worker errors, each naming its file and problem, dismissible.
import { useLab, useSession } from '../LabContext';

export function ErrorBanner() {
  const { session } = useLab();
  const errors = useSession((s) => s.errors);
  if (errors.length === 0) return null;
  return (
    <div className="error-banner" role="alert">
      {errors.map((e) => (
        <div key={e.id} className="error-item">
          <span className="error-text">{e.message}</span>
          <button type="button" className="link-button" onClick={() => session.getState().dismissError(e.id)} aria-label={`Dismiss: ${e.message}`}>
            Dismiss
          </button>
        </div>
      ))}
    </div>
  );
}
