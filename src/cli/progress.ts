// Progress of a run of units: on a terminal one line per finished unit with a bar and an ETA; when
// piped, one JSON object per line, so a scheduler's log or a script can read it.
import type { UnitFinished } from './scheduler';

const clock = (seconds: number) => {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h > 0 ? `${h}:${String(m).padStart(2, '0')}` : m}:${String(s % 60).padStart(2, '0')}`;
};

export function progressBar(done: number, total: number, width = 20): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

const unitLabel = (e: UnitFinished) => (e.unit.kind === 'train' ? `train ${e.unit.model.name}` : `${e.unit.request.kind} ${e.unit.model}`);

export function progressLine(e: UnitFinished, tty: boolean): string {
  if (!tty) {
    return JSON.stringify({
      event: 'unit-done', index: e.unit.index, id: e.unit.id, kind: e.unit.kind, label: unitLabel(e), done: e.done, total: e.total,
      seconds: round1(e.seconds), elapsedSeconds: round1(e.elapsedSeconds), etaSeconds: e.etaSeconds === null ? null : round1(e.etaSeconds),
    });
  }
  const eta = e.etaSeconds === null ? '?' : clock(e.etaSeconds);
  return `${progressBar(e.done, e.total)} ${String(e.done).padStart(String(e.total).length)}/${e.total}  ${unitLabel(e)} (${e.seconds.toFixed(1)} s)  elapsed ${clock(e.elapsedSeconds)}  ETA ${eta}`;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
