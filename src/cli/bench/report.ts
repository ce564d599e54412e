// The shape of `lab bench`'s output: every figure with its unit, its target and whether it is met,
// grouped by the issue's sections, plus the readable table made from the same list.
import { roundSig } from './stats';

/** A target: the value must be at most (`<=`) or at least (`>=`) `value`; `aim` is the stretch goal. */
export interface Target {
  op: '<=' | '>=';
  value: number;
  aim?: number;
}

export interface Figure {
  /** Stable key, e.g. "training.ratioCpu" (used by scripts reading the JSON). */
  id: string;
  /** Issue section: "1 training", "2 rewiring", "3 perturbation", "4 browser", "5 page". */
  section: string;
  label: string;
  /** null when the figure could not be measured here (`note` says why). */
  value: number | null;
  unit: string;
  target?: Target;
  /** Whether the target is met; null without a target or without a value. */
  met: boolean | null;
  /** How it was measured, or why it is missing. */
  note?: string;
}

export interface FigureInput {
  id: string;
  section: string;
  label: string;
  value: number | null | undefined;
  unit: string;
  target?: Target;
  note?: string;
}

export function meetsTarget(value: number | null, target: Target | undefined): boolean | null {
  if (target === undefined || value === null || !Number.isFinite(value)) return null;
  return target.op === '<=' ? value <= target.value : value >= target.value;
}

/** A figure with its value rounded to 4 significant digits and its target checked. */
export function figure(input: FigureInput): Figure {
  const value = roundSig(input.value);
  const out: Figure = { id: input.id, section: input.section, label: input.label, value, unit: input.unit, met: meetsTarget(value, input.target) };
  if (input.target) out.target = input.target;
  if (input.note) out.note = input.note;
  return out;
}

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  platform: string;
  node: string;
  /** os.loadavg() (1, 5, 15 minutes) when the bench started and when it ended: the machine is shared. */
  loadAverageStart: number[];
  loadAverageEnd: number[];
  /** HEAD commit and whether the working tree had changes (null outside a git checkout). */
  commit: string | null;
  dirty: boolean | null;
}

export interface BenchReport {
  benchmark: 'rewire-lab';
  /** Bumped when fields change meaning. */
  schema: 1;
  mode: 'full' | 'quick';
  startedAt: string;
  seconds: number;
  machine: MachineInfo;
  figures: Figure[];
  /** Raw measurements behind the figures, per part (distributions, counts, settings). */
  details: Record<string, unknown>;
  /** Parts that failed or were skipped, with the reason. */
  problems: string[];
}

/** "≤ 1.2", "≥ 20 (aim ≥ 50)". */
export function formatTarget(t: Target | undefined): string {
  if (!t) return '';
  const op = t.op === '<=' ? '≤' : '≥';
  return `${op} ${t.value}${t.aim !== undefined ? ` (aim ${op} ${t.aim})` : ''}`;
}

export function formatValue(value: number | null, unit: string): string {
  if (value === null) return 'n/a';
  const abs = Math.abs(value);
  const text = abs >= 1000 || Number.isInteger(value) ? String(Math.round(value)) : abs >= 100 ? value.toFixed(0) : abs >= 10 ? value.toFixed(1) : abs >= 1 ? value.toFixed(2) : value.toPrecision(2);
  return unit === '' ? text : unit === '%' || unit === '×' ? `${text}${unit}` : `${text} ${unit}`;
}

function status(f: Figure): string {
  if (f.met === null) return f.value === null ? 'not measured' : '';
  return f.met ? 'met' : 'MISSED';
}

/** The figures as an aligned text table, one block per section, notes below their row. */
export function formatTable(report: Pick<BenchReport, 'figures' | 'machine' | 'mode' | 'seconds' | 'problems'>): string {
  const header = ['figure', 'value', 'target', 'status'];
  const rows = report.figures.map((f) => [f.label, formatValue(f.value, f.unit), formatTarget(f.target), status(f)]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 1 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  const out: string[] = [];
  const m = report.machine;
  out.push(`lab bench (${report.mode}) · ${m.cpus} × ${m.cpuModel} · node ${m.node} · load ${m.loadAverageStart.map((x) => x.toFixed(2)).join('/')} → ${m.loadAverageEnd.map((x) => x.toFixed(2)).join('/')} · ${report.seconds.toFixed(0)} s`);
  let section = '';
  report.figures.forEach((f, i) => {
    if (f.section !== section) {
      section = f.section;
      out.push('', `[${section}]`, line(header));
    }
    out.push(line(rows[i]));
    if (f.note) out.push(`    ${f.note}`);
  });
  if (report.problems.length > 0) out.push('', 'problems:', ...report.problems.map((p) => `  - ${p}`));
  return out.join('\n');
}
