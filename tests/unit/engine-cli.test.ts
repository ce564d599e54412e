// The `lab` command-line: usage and flag errors (exit 2), and a tiny real `train` run that prints
// JSON lines and writes a model file the strict loader accepts.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFlags } from '../../src/cli/args';
import { runLab } from '../../src/cli/commands';
import type { CommandIo } from '../../src/cli/command';
import { parseModelFile } from '../../src/engine/modelFile';
import { linkCount } from '../../src/engine/topology';

function capture(): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

const dir = mkdtempSync(join(tmpdir(), 'lab-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lab CLI', () => {
  it('prints usage for --help and for no command', async () => {
    const io = capture();
    expect(await runLab(['--help'], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/usage: npm run lab -- <command>[\s\S]*train/);
    expect(await runLab([], io)).toBe(2);
    const help = capture();
    expect(await runLab(['train', '--help'], help)).toBe(0);
    expect(help.stdout.join('\n')).toMatch(/--strategy set\|rigl\|static\|dense\s+topology strategy \(default set\)/);
  });

  it('rejects bad commands and flags with a message and the usage (exit 2)', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['fly'], /unknown command "fly"/],
      [['train', '--bogus', '1'], /unknown flag --bogus/],
      [['train', '--strategy', 'magic'], /--strategy must be one of set, rigl, static, dense, got "magic"/],
      [['train', '--hidden', 'wide'], /--hidden must be a number, got "wide"/],
      [['train', '--epochs', '2.5'], /--epochs must be a whole number/],
      [['train', '--density', '0'], /density must be in \(0, 1\], got 0/],
      [['train', '--out'], /--out needs a value/],
      [['train', '--pruning', 'largest'], /--pruning must be one of magnitude, by-sign, got "largest"/],
      [['train', 'extra'], /unexpected argument "extra"/],
    ];
    for (const [argv, message] of cases) {
      const io = capture();
      expect(await runLab(argv, io)).toBe(2);
      const text = io.stderr.join('\n');
      expect(text).toMatch(message);
      expect(text).toMatch(/usage: npm run lab/);
    }
  });

  it('parses --name=value, booleans and defaults from the flag table', () => {
    const specs = [
      { name: 'n', type: 'integer' as const, defaultValue: 3, help: '' },
      { name: 'json', type: 'boolean' as const, help: '' },
      { name: 'rate', type: 'number' as const, help: '' },
    ];
    expect(parseFlags(['--rate=0.5', '--json'], specs)).toEqual({ ok: true, help: false, values: { n: 3, rate: 0.5, json: true } });
    expect(parseFlags(['--json=maybe'], specs)).toEqual({ ok: false, error: '--json takes no value (or =true/=false), got "maybe"' });
  });

  it('trains a tiny network, prints JSON lines and writes a valid model file', async () => {
    const out = join(dir, 'tiny.json');
    const io = capture();
    const code = await runLab(['train', '--hidden', '16', '--density', '0.1', '--epochs', '2', '--train-limit', '640', '--batch', '64', '--seed', '7', '--pruning', 'by-sign', '--json', '--out', out], io);
    expect(io.stderr).toEqual([]);
    expect(code).toBe(0);
    const lines = io.stdout.map((l) => JSON.parse(l));
    expect(lines.map((l) => l.type)).toEqual(['start', 'epoch', 'epoch', 'summary']);
    expect(lines[0].path).toBe('sparse-cpu');
    const links = [linkCount(784, 16, 0.1), linkCount(16, 16, 0.1), linkCount(16, 16, 0.1)];
    expect(lines[1].links).toEqual(links);
    // By sign, ζ of each sign is removed: round(0.3·positive) + round(0.3·negative) is within 1 of round(0.3·links).
    (lines[1].removed as number[]).forEach((r, l) => expect(Math.abs(r - Math.round(0.3 * links[l]))).toBeLessThanOrEqual(1));
    expect(lines[2].removed).toEqual([0, 0, 0]);
    expect(lines[3]).toMatchObject({ type: 'summary', epochs: 2, out, stoppedEarly: false });
    expect(lines[3].testAccuracy).toBe(lines[2].testAccuracy);
    const parsed = parseModelFile(readFileSync(out), out);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.model.config).toMatchObject({ hidden: 16, density: 0.1, epochs: 2, trainLimit: 640, batchSize: 64, seed: 7, pruning: 'by-sign' });
      expect(parsed.model.testAccuracy).toBe(lines[2].testAccuracy);
      // The file keeps each epoch's rewiring, as the run reported it.
      expect(parsed.model.wiring?.map((e) => e.map((l) => l.removed.length))).toEqual([lines[1].removed, lines[2].removed]);
    }
  });
});
