// The bench harness's pure parts: timing statistics and repeat loops (under a fake clock), target
// checks, the table, the seeded batch source, and the `lab bench` flags. No timing is asserted.
import { describe, expect, it } from 'vitest';
import { runLab } from '../../src/cli/commands';
import type { CommandIo } from '../../src/cli/command';
import { batchSource } from '../../src/cli/bench/context';
import { figure, formatTable, formatTarget, meetsTarget, type MachineInfo } from '../../src/cli/bench/report';
import { quantile, ratio, repeatTimed, roundSig, summarize, timeInterleaved } from '../../src/cli/bench/stats';

/** A clock that advances by the durations a test gives it. */
function fakeClock() {
  let now = 0;
  return { clock: () => now, advance: (ms: number) => { now += ms; } };
}

const MACHINE: MachineInfo = {
  cpus: 2, cpuModel: 'Test CPU', memoryGiB: 8, platform: 'linux', node: '20', loadAverageStart: [1, 1, 1], loadAverageEnd: [2, 1.5, 1], commit: null, dirty: null,
};

describe('bench statistics', () => {
  it('interpolates quantiles and summarises a distribution', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10], 0.9)).toBe(10);
    expect(quantile([0, 10], 0.1)).toBeCloseTo(1);
    expect(Number.isNaN(quantile([], 0.5))).toBe(true);
    const s = summarize([5, 1, 3, 100, 2]);
    expect(s).toMatchObject({ runs: 5, medianMs: 3, minMs: 1, maxMs: 100, meanMs: 22.2 });
    expect(s.p90Ms).toBeGreaterThan(s.medianMs);
    expect(summarize([]).runs).toBe(0);
  });

  it('repeats work after warm-up until both the run count and the total time are reached', async () => {
    const { clock, advance } = fakeClock();
    const seen: number[] = [];
    const samples = await repeatTimed((run) => { seen.push(run); advance(run < 2 ? 1000 : 10); }, { warmup: 2, minRuns: 3, maxRuns: 100, minTotalMs: 55 }, clock);
    // Warm-up runs 0 and 1 are untimed; then 10 ms each until ≥ 3 runs and ≥ 55 ms: 6 runs.
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(samples).toEqual([10, 10, 10, 10, 10, 10]);
    const capped = await repeatTimed(() => advance(1), { warmup: 0, minRuns: 2, maxRuns: 4, minTotalMs: 1e9 }, clock);
    expect(capped).toHaveLength(4);
    await expect(repeatTimed(() => undefined, { warmup: 0, minRuns: 0, maxRuns: 1, minTotalMs: 0 })).rejects.toThrow(/minRuns/);
  });

  it('interleaves works in rounds and takes a reported duration over the wall time', async () => {
    const { clock, advance } = fakeClock();
    const order: string[] = [];
    const t = await timeInterleaved({
      a: (round) => { order.push(`a${round}`); advance(3); },
      b: async (round) => { order.push(`b${round}`); advance(50); return 7; },
    }, 2, 1, clock);
    expect(order).toEqual(['a-1', 'b-1', 'a0', 'b0', 'a1', 'b1']);
    expect(t.a).toMatchObject({ runs: 2, medianMs: 3 });
    expect(t.b).toMatchObject({ runs: 2, medianMs: 7 });
  });

  it('forms ratios only from finite values and a positive divisor, and rounds to significant digits', () => {
    expect(ratio(30, 10)).toBe(3);
    expect(ratio(null, 10)).toBeNull();
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(Number.NaN, 1)).toBeNull();
    expect(roundSig(123.456)).toBe(123.5);
    expect(roundSig(0.000123456, 2)).toBe(0.00012);
    expect(roundSig(Number.POSITIVE_INFINITY)).toBeNull();
  });
});

describe('bench report', () => {
  it('checks targets in both directions and leaves figures without a target or value unjudged', () => {
    expect(meetsTarget(19.9, { op: '>=', value: 20 })).toBe(false);
    expect(meetsTarget(20, { op: '>=', value: 20 })).toBe(true);
    expect(meetsTarget(1.2, { op: '<=', value: 1.2 })).toBe(true);
    expect(meetsTarget(null, { op: '<=', value: 1.2 })).toBeNull();
    expect(meetsTarget(3, undefined)).toBeNull();
    const f = figure({ id: 'x.y', section: '1 training', label: 'ratio', value: 57.123456, unit: '×', target: { op: '>=', value: 20, aim: 50 } });
    expect(f).toMatchObject({ value: 57.12, met: true });
    expect(formatTarget(f.target)).toBe('≥ 20 (aim ≥ 50)');
    expect(figure({ id: 'a', section: 's', label: 'l', value: undefined, unit: 'ms' }).value).toBeNull();
  });

  it('prints one block per section with the status of each figure and its note', () => {
    const figures = [
      figure({ id: 'a', section: '1 training', label: 'speed-up', value: 160, unit: '×', target: { op: '>=', value: 20 } }),
      figure({ id: 'b', section: '1 training', label: 'wasm speed-up', value: 12.5, unit: '×', target: { op: '>=', value: 20 }, note: 'honest' }),
      figure({ id: 'c', section: '2 rewiring', label: 'share', value: null, unit: '%', target: { op: '<=', value: 2 } }),
    ];
    const text = formatTable({ figures, machine: MACHINE, mode: 'quick', seconds: 12, problems: ['one thing failed'] });
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/lab bench \(quick\) · 2 × Test CPU/);
    expect(lines.filter((l) => l.startsWith('['))).toEqual(['[1 training]', '[2 rewiring]']);
    expect(lines.find((l) => l.startsWith('speed-up'))).toMatch(/160×\s+≥ 20\s+met$/);
    expect(lines.find((l) => l.startsWith('wasm speed-up'))).toMatch(/12\.5×\s+≥ 20\s+MISSED$/);
    expect(text).toMatch(/\n {4}honest\n/);
    expect(lines.find((l) => l.startsWith('share'))).toMatch(/n\/a\s+≤ 2\s+not measured$/);
    expect(text).toMatch(/problems:\n {2}- one thing failed$/);
  });
});

describe('bench batches and flags', () => {
  it('draws consecutive batches of one seeded permutation, covering the pool once per pass', () => {
    const next = batchSource(10, 3, 5);
    // The batch array is reused by the next call (no allocation per step): copy each one.
    const pass = [0, 1, 2].flatMap((run) => Array.from(next(run)));
    expect(new Set(pass).size).toBe(9);
    expect(pass.every((i) => i >= 0 && i < 10)).toBe(true);
    expect(Array.from(next(3))).toEqual(pass.slice(0, 3));
    expect(Array.from(batchSource(10, 3, 5)(1))).toEqual(pass.slice(3, 6));
  });

  it('is a lab command whose bad flags exit 2 with its usage', async () => {
    const out: string[] = [];
    const io: CommandIo = { out: (l) => out.push(l), err: (l) => out.push(l) };
    expect(await runLab(['bench', '--help'], io)).toBe(0);
    expect(out.join('\n')).toMatch(/--only node\|browser/);
    expect(await runLab(['bench', '--only', 'gpu'], io)).toBe(2);
    expect(out.join('\n')).toMatch(/--only must be one of node, browser/);
  });
});
