// The data side of the curve charts: checks a set of series and works out the axes' domains.
// Kept free of the DOM so it is tested in Node.

export interface CurvePoint {
  epoch: number;
  value: number;
}

export interface CurveSeries {
  id: string;
  label: string;
  color: string;
  points: CurvePoint[];
}

/** Problems with the series, in words (empty when they can be drawn). */
export function validateSeries(series: readonly CurveSeries[]): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const s of series) {
    if (!s.id) problems.push('a series has no id');
    else if (ids.has(s.id)) problems.push(`series id "${s.id}" is used twice`);
    ids.add(s.id);
    let previous = 0;
    for (const p of s.points) {
      if (!Number.isInteger(p.epoch) || p.epoch < 1) problems.push(`series "${s.id}": epoch ${p.epoch} is not a positive integer`);
      else if (p.epoch <= previous) problems.push(`series "${s.id}": epochs must increase (${p.epoch} after ${previous})`);
      if (!Number.isFinite(p.value)) problems.push(`series "${s.id}": epoch ${p.epoch} has a non-finite value`);
      previous = p.epoch;
    }
  }
  return problems;
}

export type DomainMode = 'fraction' | 'positive';

/**
 * Domains of the axes. Epochs span at least 1..2 so one point does not sit on a zero-width
 * axis. Fractions (accuracy) are padded around the data and clamped to [0, 1]; positive
 * quantities (loss) start at 0.
 */
export function curveDomains(series: readonly CurveSeries[], mode: DomainMode, minEpochs = 2): { x: [number, number]; y: [number, number] } {
  let maxEpoch = minEpochs;
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    for (const p of s.points) {
      maxEpoch = Math.max(maxEpoch, p.epoch);
      lo = Math.min(lo, p.value);
      hi = Math.max(hi, p.value);
    }
  }
  const x: [number, number] = [1, maxEpoch];
  if (lo > hi) return { x, y: [0, 1] };
  if (mode === 'fraction') {
    const pad = Math.max(0.02, (hi - lo) * 0.1);
    return { x, y: [Math.max(0, lo - pad), Math.min(1, hi + pad)] };
  }
  return { x, y: [0, hi > 0 ? hi * 1.08 : 1] };
}
