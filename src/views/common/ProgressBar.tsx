// An accessible progress bar: role="progressbar" with aria-valuenow/max, and a caption beside it.

interface ProgressBarProps {
  label: string;
  value: number;
  max: number;
  caption?: string;
  testId?: string;
}

export function ProgressBar({ label, value, max, caption, testId }: ProgressBarProps) {
  const known = max > 0;
  const fraction = known ? Math.min(1, Math.max(0, value / max)) : 0;
  return (
    <div className="progress" data-testid={testId}>
      <div
        className={known ? 'progress-track' : 'progress-track indeterminate'}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={known ? max : undefined}
        aria-valuenow={known ? value : undefined}
        aria-valuetext={caption}
      >
        <div className="progress-fill" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
      </div>
      {caption && <div className="progress-caption">{caption}</div>}
    </div>
  );
}

/** "3.4 MB" (decimal units, as download sizes are usually shown). */
export function formatBytes(bytes: number): string {
  if (bytes < 1e3) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(0)} kB`;
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
