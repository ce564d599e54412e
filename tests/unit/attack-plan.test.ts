// The Experiment's optional step "attack the hubs", its pure side: the job order (every series at one
// level before the next), the table's figures with their 95% intervals, and the reading derived from
// given numbers — robust yet fragile, no difference when the intervals overlap, and the other ways.
import { describe, expect, it } from 'vitest';
import { ci95, summarise, type SweepPoint } from '../../src/engine/robustness';
import {
  ATTACK_LEVELS, ATTACK_SERIES, ATTACK_TABLE_LEVEL, attackJobs, attackReadings, attackRows, compare, estimateAt,
  type AttackPoints, type AttackSeriesId, type AttackTarget,
} from '../../src/state/attackPlan';

const target = (strategy: 'set' | 'static', step: 'decay' | 'nodecay' = 'decay'): AttackTarget =>
  ({ key: `${step}:${strategy}`, label: `${strategy} ${step}`, strategy, step, modelId: `m-${step}-${strategy}` });

/** Points of one series: the given draws at the table level, and a point at level 0 (not in the table). */
function series(draws: number[]): SweepPoint[] {
  return [summarise(0, [0.9, 0.9]), summarise(ATTACK_TABLE_LEVEL, draws)];
}

function pointsOf(byTarget: Record<string, Partial<Record<AttackSeriesId, number[]>>>): AttackPoints {
  return Object.fromEntries(Object.entries(byTarget).map(([key, s]) => [key, Object.fromEntries(Object.entries(s).map(([id, d]) => [id, series(d as number[])]))]));
}

describe('attack the hubs: plan', () => {
  it('measures links and neurons, each at random and targeted, level by level across every series', () => {
    expect(ATTACK_SERIES.map((s) => [s.kind, s.order, s.targeted])).toEqual([
      ['removal', 'random', false], ['targeted-removal', 'strongest', true], ['node-removal', 'random', false], ['node-removal', 'degree', true],
    ]);
    expect(ATTACK_LEVELS).toContain(ATTACK_TABLE_LEVEL);
    expect(ATTACK_LEVELS[0]).toBe(0);
    const jobs = attackJobs();
    expect(jobs).toHaveLength(ATTACK_LEVELS.length * ATTACK_SERIES.length);
    // The first four jobs are level 0 of every series, then the next level.
    expect(jobs.slice(0, 4).map((j) => [j.series.id, j.level])).toEqual(ATTACK_SERIES.map((s) => [s.id, 0]));
    expect(jobs[4].level).toBe(ATTACK_LEVELS[1]);
    const levels = jobs.map((j) => j.level);
    expect(levels).toEqual([...levels].sort((a, b) => a - b));
  });

  it('the table gives the mean, the 95% t-interval of the draws and their number at 25% removed', () => {
    const draws = [0.6, 0.64, 0.68];
    const e = estimateAt(series(draws), ATTACK_TABLE_LEVEL);
    const ci = ci95(draws);
    expect(e).not.toBeNull();
    expect(e?.mean).toBeCloseTo(0.64, 12);
    expect(e?.low).toBeCloseTo(ci?.low as number, 12);
    expect(e?.high).toBeCloseTo(ci?.high as number, 12);
    // t(2) = 4.303, sd 0.04: half width 4.303 · 0.04 / √3.
    expect((e?.high as number) - 0.64).toBeCloseTo(4.303 * 0.04 / Math.sqrt(3), 9);
    expect(e?.draws).toBe(3);
    // Identical draws (a deterministic order) give the point itself; an unmeasured level gives null.
    expect(estimateAt(series([0.5, 0.5, 0.5]), ATTACK_TABLE_LEVEL)).toEqual({ mean: 0.5, low: 0.5, high: 0.5, draws: 3 });
    expect(estimateAt(series([0.5]), 0.3)).toBeNull();
    // Two far-apart draws: the t-interval (t(1) = 12.7) reaches past 0 and 1, the table's stops there.
    expect(estimateAt(series([0.1, 0.4]), ATTACK_TABLE_LEVEL)).toMatchObject({ low: 0, high: 1 });

    const rows = attackRows([target('set'), target('static')], pointsOf({ 'decay:set': { 'nodes-degree': draws } }));
    expect(rows.map((r) => r.draws)).toEqual([3, 0]);
    expect(rows[0].at['nodes-degree']?.mean).toBeCloseTo(0.64, 12);
    expect(rows[0].at['links-random']).toBeNull();
  });

  it('compares two figures by their intervals: overlapping intervals are no difference', () => {
    const e = (mean: number, half: number) => ({ mean, low: mean - half, high: mean + half, draws: 3 });
    expect(compare(e(0.7, 0.02), e(0.6, 0.02))).toBe('higher');
    expect(compare(e(0.6, 0.02), e(0.7, 0.02))).toBe('lower');
    expect(compare(e(0.7, 0.06), e(0.6, 0.06))).toBe('same');
  });
});

describe('attack the hubs: the reading', () => {
  const targets = [target('set'), target('static')];

  it('robust yet fragile: SET ahead at random, behind with its hubs first, with the extra loss from the numbers', () => {
    const points = pointsOf({
      'decay:set': { 'nodes-random': [0.71, 0.72, 0.73], 'nodes-degree': [0.18, 0.18, 0.18] },
      'decay:static': { 'nodes-random': [0.64, 0.65, 0.66], 'nodes-degree': [0.4, 0.4, 0.4] },
    });
    const lines = attackReadings(attackRows(targets, points));
    expect(lines).toHaveLength(1);
    // Hubs first costs SET 0.72 − 0.18 = 54 points beyond random, static 0.65 − 0.40 = 25: 29 more.
    expect(lines[0]).toBe('With weight decay, 25% of the hidden neurons removed: SET loses 29.0 points more than static when its hubs go first '
      + '(at random SET 72.0% vs static 65.0%, hubs first SET 18.0% vs static 40.0%): robust yet fragile.');
  });

  it('no difference when both intervals overlap, whatever the means say', () => {
    const points = pointsOf({
      'decay:set': { 'links-random': [0.5, 0.6, 0.7], 'links-strongest': [0.3, 0.32, 0.34] },
      'decay:static': { 'links-random': [0.55, 0.62, 0.69], 'links-strongest': [0.31, 0.33, 0.35] },
    });
    const [line] = attackReadings(attackRows(targets, points));
    expect(line).toMatch(/^With weight decay, 25% of the links removed: no difference between SET and static \(at random SET 60\.0% vs static 62\.0%, largest \|w\| first SET 32\.0% vs static 33\.0%; the 95% intervals overlap\)\.$/);
  });

  it('says so when SET holds up better under the attack, or when only random failure differs', () => {
    const better = pointsOf({
      'nodecay:set': { 'nodes-random': [0.6, 0.6, 0.6], 'nodes-degree': [0.5, 0.5, 0.5] },
      'nodecay:static': { 'nodes-random': [0.6, 0.6, 0.6], 'nodes-degree': [0.3, 0.3, 0.3] },
    });
    const [a] = attackReadings(attackRows([target('set', 'nodecay'), target('static', 'nodecay')], better));
    expect(a).toMatch(/^Without weight decay, 25% of the hidden neurons removed: SET holds up better than static when its hubs go first .*: as robust to random failure, more robust to the attack\.$/);

    const randomOnly = pointsOf({
      'decay:set': { 'links-random': [0.7, 0.7, 0.7], 'links-strongest': [0.2, 0.25, 0.3] },
      'decay:static': { 'links-random': [0.6, 0.6, 0.6], 'links-strongest': [0.21, 0.26, 0.31] },
    });
    const [b] = attackReadings(attackRows(targets, randomOnly));
    expect(b).toMatch(/SET keeps more than static at random, but largest \|w\| first both fall alike .*the attack's 95% intervals overlap\)\.$/);
  });

  it('when the attack leaves both at about chance, says so instead of ranking them', () => {
    const points = pointsOf({
      'nodecay:set': { 'links-random': [0.7, 0.7, 0.7], 'links-strongest': [0.094, 0.094, 0.094] },
      'nodecay:static': { 'links-random': [0.6, 0.6, 0.6], 'links-strongest': [0.138, 0.138, 0.138] },
    });
    const [line] = attackReadings(attackRows([target('set', 'nodecay'), target('static', 'nodecay')], points));
    expect(line).toBe('Without weight decay, 25% of the links removed: largest |w| first leaves both at about chance (SET 9.4% vs static 13.8%), '
      + 'so it cannot tell them apart; at random SET keeps more (SET 70.0% vs static 60.0%).');
  });

  it('says nothing for a step lacking SET or static, or before the table level is measured', () => {
    const points = pointsOf({ 'decay:set': { 'nodes-random': [0.7, 0.7], 'nodes-degree': [0.2, 0.2] } });
    expect(attackReadings(attackRows([target('set')], points))).toEqual([]);
    expect(attackReadings(attackRows(targets, points))).toEqual([]);
  });
});
