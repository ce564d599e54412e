// Plan / run-unit / merge and --jobs on a tiny run: `reproduce --jobs 1`, `reproduce --jobs 2` and
// plan → three `run-unit` processes at a time (as GNU parallel would start them) → merge all write
// the same results (timings aside); a rerun skips finished units; a killed write leaves nothing
// half-written; merge names a missing unit and exits 2.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CommandIo } from '../../src/cli/command';
import { runLab } from '../../src/cli/commands';
import { REPO_ROOT } from '../../src/data/loadNode';
import { parseModelFile } from '../../src/engine/modelFile';
import { readPlan } from '../../src/cli/units';

function capture(): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

const dir = mkdtempSync(join(tmpdir(), 'lab-plan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A tiny run: H 64, 2,000 training images, 1 epoch, 100 test images, 1 repeat: the trio's 3 trainings and 15 sweeps. */
const TINY = ['--dataset', 'mnist', '--quick', '--epochs', '1', '--dense-epochs', '1', '--repeats', '1', '--test-limit', '100', '--attack-limit', '10'];
const out = join(dir, 'run');

/** `lab` in its own process, as a scheduler starts it. */
function lab(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; pid: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/lab.ts', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, pid: child.pid ?? 0 }));
  });
}

/** Runs the commands `slots` at a time, like `parallel -j slots`. */
async function parallel(commands: string[][], slots: number) {
  const queue = [...commands];
  const results: Array<Awaited<ReturnType<typeof lab>>> = [];
  await Promise.all(Array.from({ length: slots }, async () => {
    for (let args = queue.shift(); args !== undefined; args = queue.shift()) results.push(await lab(args));
  }));
  return results;
}

/** What must match byte for byte once the timings (which no two runs share) are blanked. */
function snapshot(folder: string): Record<string, unknown> {
  const timeless = (text: string) => text
    .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'TIME')
    .replace(/"(seconds|trainSeconds|trainingSeconds|sweepSeconds|ablationSeconds)": [\d.e+-]+/g, '"$1": T')
    .replace(/[\d.]+ (s|min)\b/g, 'T $1');
  const models = (JSON.parse(readFileSync(join(folder, 'results.json'), 'utf8')) as { models: Array<{ file: string }> }).models.map((m) => {
    const parsed = parseModelFile(readFileSync(join(folder, m.file)), m.file);
    if (!parsed.ok) throw new Error(parsed.error);
    return { ...parsed.model, createdAt: 'T', history: parsed.model.history.map((h) => ({ ...h, seconds: 0, samplesPerSecond: 0 })) };
  });
  const modelsCsv = readFileSync(join(folder, 'models.csv'), 'utf8').split('\n').map((line) => line.split(',').filter((_, c) => c !== 7).join(','));
  return {
    results: timeless(readFileSync(join(folder, 'results.json'), 'utf8')),
    md: timeless(readFileSync(join(folder, 'results.md'), 'utf8')),
    sweeps: readFileSync(join(folder, 'sweeps.csv'), 'utf8'),
    modelsCsv,
    models,
  };
}

describe('lab reproduce --jobs and plan / run-unit / merge', () => {
  let serial: Record<string, unknown>;

  it('writes the same results with --jobs 1 and --jobs 2, and a rerun skips every finished unit', async () => {
    const one = capture();
    expect(await runLab(['reproduce', ...TINY, '--jobs', '1', '--out-dir', out], one)).toBe(0);
    serial = snapshot(out);
    const units = await readPlan(join(out, 'plan.jsonl'));
    // Piped progress: one JSON line per unit.
    expect(one.stderr.filter((l) => l.startsWith('{')).map((l) => (JSON.parse(l) as { index: number }).index).sort((a, b) => a - b)).toEqual(units.map((u) => u.index));
    renameSync(out, `${out}-jobs1`);

    const two = capture();
    expect(await runLab(['reproduce', ...TINY, '--jobs', '2', '--out-dir', out], two)).toBe(0);
    expect(two.stdout[0]).toMatch(new RegExp(`${units.length} units run, 0 already done, --jobs 2`));
    expect(snapshot(out)).toEqual(serial);

    const again = capture();
    expect(await runLab(['reproduce', ...TINY, '--jobs', '2', '--out-dir', out], again)).toBe(0);
    expect(again.stdout[0]).toMatch(new RegExp(`0 units run, ${units.length} already done`));
    expect(snapshot(out)).toEqual(serial);
    rmSync(out, { recursive: true });
  }, 240_000);

  it('a run killed after its first finished unit resumes where it stopped', async () => {
    expect(serial).toBeDefined();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/lab.ts', 'reproduce', ...TINY, '--jobs', '2', '--out-dir', out], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    let killed = false;
    child.stderr.on('data', (d: Buffer) => {
      if (!killed && d.toString().includes('"event":"unit-done"')) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    await exited;
    expect(killed).toBe(true);
    const io = capture();
    expect(await runLab(['reproduce', ...TINY, '--jobs', '1', '--out-dir', out], io)).toBe(0);
    const [, ran, skipped] = /(\d+) units run, (\d+) already done/.exec(io.stdout[0]) ?? [];
    expect(Number(skipped)).toBeGreaterThanOrEqual(1);
    expect(Number(ran) + Number(skipped)).toBe((await readPlan(join(out, 'plan.jsonl'))).length);
    expect(snapshot(out)).toEqual(serial);
    rmSync(out, { recursive: true });
  }, 240_000);

  it('plan → three processes per wave → merge equals the serial run', async () => {
    expect(serial).toBeDefined();
    const planned = await lab(['plan', ...TINY, '--out-dir', out]);
    expect(planned.code).toBe(0);
    const planPath = join(out, 'plan.jsonl');
    const units = await readPlan(planPath);
    expect(planned.stdout).toContain(`${units.length} units`);
    for (const wave of [0, 1]) {
      const runs = await parallel(units.filter((u) => u.wave === wave).map((u) => ['run-unit', '--plan', planPath, '--index', String(u.index)]), 3);
      expect(runs.map((r) => r.code)).toEqual(runs.map(() => 0));
    }
    const merged = await lab(['merge', '--plan', planPath]);
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(0);
    expect(snapshot(out)).toEqual(serial);
    // Running a finished unit again changes nothing.
    const rerun = await lab(['run-unit', '--plan', planPath, '--wave', '1', '--index', '0']);
    expect(rerun.stdout).toMatch(/was already done: skipped/);
  }, 240_000);

  it('merge names a unit that is not done and exits 2; --help exists for the three commands', async () => {
    const units = await readPlan(join(out, 'plan.jsonl'));
    const victim = units[units.length - 2];
    rmSync(join(out, victim.outputs[victim.outputs.length - 1]));
    const io = capture();
    expect(await runLab(['merge', '--plan', join(out, 'plan.jsonl')], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain(`1 unit is not done: ${victim.id} (index ${victim.index})`);
    for (const command of ['plan', 'run-unit', 'merge']) {
      const help = capture();
      expect(await runLab([command, '--help'], help)).toBe(0);
      expect(help.stdout[0]).toMatch(new RegExp(`^usage: npm run lab -- ${command} \\[flags\\]`));
    }
    const bad = capture();
    expect(await runLab(['run-unit', '--plan', join(out, 'plan.jsonl'), '--index', String(units.length)], bad)).toBe(2);
    expect(bad.stderr[0]).toMatch(new RegExp(`--index must be from 0 to ${units.length - 1}`));
    writeFileSync(join(dir, 'bad.jsonl'), '{"not": "a unit"}\n');
    const corrupt = capture();
    expect(await runLab(['merge', '--plan', join(dir, 'bad.jsonl')], corrupt)).toBe(2);
    expect(corrupt.stderr[0]).toMatch(/bad\.jsonl line 1 is not a unit of a lab plan/);
  }, 60_000);

  it('a process killed mid-write leaves no partial output', async () => {
    const target = join(dir, 'big.json');
    // 200 MB take long enough to write that the kill lands while the temporary file grows.
    const child = spawn(process.execPath, ['--import', 'tsx', '-e',
      `import('./src/cli/units.ts').then((m) => m.writeAtomic(${JSON.stringify(target)}, Buffer.alloc(200e6, 120)))`], { cwd: REPO_ROOT, stdio: 'ignore' });
    const temp = `${target}.tmp-${child.pid}-1`;
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // Kill the writer as soon as its temporary file holds part of the data.
    let partial = 0;
    while (child.exitCode === null) {
      const size = existsSync(temp) ? statSync(temp).size : 0;
      if (size > 0 && size < 200e6) {
        child.kill('SIGKILL');
        partial = size;
        break;
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    await exited;
    expect(partial).toBeGreaterThan(0);
    // The target was never created: only the temporary file holds the partial bytes.
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('big.json'))).toEqual([`big.json.tmp-${child.pid}-1`]);
  }, 60_000);
});
