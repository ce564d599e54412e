// `lab robustness`: flag parsing (levels, repeated --model), clear rejections (exit 2), and real
// end-to-end sweeps of tiny sparse and dense models trained by `lab train` into a temp folder.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFlags } from '../../src/cli/args';
import type { CommandIo } from '../../src/cli/command';
import { runLab } from '../../src/cli/commands';
import { parseLevels, requestFromFlags, ROBUSTNESS_FLAGS } from '../../src/cli/robustness';
import { loadSplitNode } from '../../src/data/loadNode';
import { IMAGE_SIZE } from '../../src/engine/constants';
import { parseModelFile } from '../../src/engine/modelFile';
import { createSparseCpuPath } from '../../src/engine/sparseCpu';

function capture(): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

const dir = mkdtempSync(join(tmpdir(), 'lab-robustness-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lab robustness flags', () => {
  it('collects a repeated --model and fills the defaults', () => {
    const parsed = parseFlags(['--model', 'a.json', '--model=b.json', '--perturbation', 'removal'], ROBUSTNESS_FLAGS);
    expect(parsed).toMatchObject({ ok: true, values: { model: ['a.json', 'b.json'], perturbation: 'removal', repeats: 5, seed: 1, steps: 10 } });
    if (!parsed.ok) return;
    const req = requestFromFlags(parsed.values);
    expect(req.files).toEqual(['a.json', 'b.json']);
    expect(req.requests).toHaveLength(1);
    expect(req.requests[0]).toMatchObject({ kind: 'removal', repeats: 5, seed: 1, includeDense: false });
    expect(req.requests[0].levels).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
  });

  it('pairs an adversarial sweep with the noise baseline at the same ε', () => {
    const parsed = parseFlags(['--model', 'a.json', '--perturbation', 'pgd', '--levels', '0,0.05,0.1', '--steps', '4', '--repeats', '2'], ROBUSTNESS_FLAGS);
    if (!parsed.ok) throw new Error(parsed.error);
    const { requests } = requestFromFlags(parsed.values);
    expect(requests.map((r) => r.kind)).toEqual(['pgd', 'noise']);
    expect(requests[0]).toMatchObject({ levels: [0, 0.05, 0.1], steps: 4, repeats: 2 });
    expect(requests[1]).toMatchObject({ levels: [0, 0.05, 0.1], repeats: 2, baselineFor: ['pgd'] });
  });

  it('parses levels and rejects bad ones', () => {
    expect(parseLevels('0, 0.25,1', 'removal')).toEqual([0, 0.25, 1]);
    expect(() => parseLevels('0,abc', 'removal')).toThrow('--levels must be comma-separated fractions from 0 to 1, got "0,abc"');
    expect(() => parseLevels('0,,0.1', 'fgsm')).toThrow(/ε values from 0 to 1/);
    expect(() => parseLevels('0.1,1.5', 'shuffle')).toThrow(/from 0 to 1/);
    expect(() => parseLevels('0.1,0.1', 'removal')).toThrow('--levels has a repeated level: "0.1,0.1"');
  });

  it('rejects bad invocations with a message and exit 2', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format": "something-else"}');
    const cases: Array<[string[], RegExp]> = [
      [['robustness', '--perturbation', 'removal'], /--model is required/],
      [['robustness', '--model', 'x.json'], /--perturbation is required/],
      [['robustness', '--model', 'x.json', '--perturbation', 'blur'], /--perturbation must be one of removal, shuffle, fgsm, pgd, noise, targeted-removal, node-removal, pixel-removal, got "blur"/],
      [['robustness', '--model', 'x.json', '--perturbation', 'node-removal', '--order', 'weight'], /--perturbation node-removal takes --order random\|degree\|strength, got "weight"/],
      [['robustness', '--model', 'x.json', '--perturbation', 'fgsm', '--order', 'degree'], /--order does not apply to --perturbation fgsm/],
      [['robustness', '--model', 'x.json', '--perturbation', 'node-removal', '--node-layers', '0,4'], /--node-layers must be distinct hidden layers from 1 to 3/],
      [['robustness', '--model', 'x.json', '--perturbation', 'removal', '--node-layers', '1'], /--node-layers applies to --perturbation node-removal only/],
      [['robustness', '--model', 'x.json', '--perturbation', 'removal', '--levels', '0,2'], /--levels must be comma-separated fractions/],
      [['robustness', '--model', 'x.json', '--perturbation', 'removal', '--repeats', '0'], /--repeats must be from 1 to 1000, got 0/],
      [['robustness', '--model', 'x.json', '--perturbation', 'pgd', '--steps', '0'], /--steps must be from 1 to 1000/],
      [['robustness', '--model', join(dir, 'missing.json'), '--perturbation', 'removal'], /missing\.json: no such file/],
      [['robustness', '--model', bad, '--perturbation', 'removal'], /bad\.json: not a Rewire Lab model file/],
    ];
    for (const [argv, message] of cases) {
      const io = capture();
      expect(await runLab(argv, io), argv.join(' ')).toBe(2);
      expect(io.stderr.join('\n')).toMatch(message);
      expect(io.stdout).toEqual([]);
    }
  });

  it('lists robustness and reproduce in the usage, and shows --model as repeatable', async () => {
    const io = capture();
    expect(await runLab(['--help'], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/robustness[\s\S]*reproduce/);
    const help = capture();
    expect(await runLab(['robustness', '--help'], help)).toBe(0);
    expect(help.stdout.join('\n')).toMatch(/--model FILE\s+model file .*\(required\) \(repeatable\)/);
  });
});

describe('lab robustness end to end', () => {
  const sparseFile = join(dir, 'sparse.json');
  const denseFile = join(dir, 'dense.json');

  beforeAll(async () => {
    const common = ['--hidden', '32', '--epochs', '1', '--train-limit', '1500', '--batch', '32', '--seed', '4', '--json'];
    for (const [strategy, density, out] of [['set', '0.1', sparseFile], ['dense', '1', denseFile]]) {
      const io = capture();
      expect(await runLab(['train', '--strategy', strategy, '--density', density, ...common, '--out', out], io)).toBe(0);
    }
  });

  it('sweeps link removal with repeats, as JSON and CSV, starting from the unperturbed accuracy', async () => {
    const csv = join(dir, 'removal.csv');
    const io = capture();
    const argv = ['robustness', '--model', sparseFile, '--model', denseFile, '--perturbation', 'removal', '--levels', '0,0.5,1', '--repeats', '3', '--limit', '500', '--json', '--out', csv];
    expect(await runLab(argv, io)).toBe(0);
    expect(io.stdout).toHaveLength(1);
    const result = JSON.parse(io.stdout[0]);
    expect(result.models.map((m: { name: string; strategy: string }) => [m.name, m.strategy])).toEqual([['sparse', 'set'], ['dense', 'dense']]);
    expect(result.sweeps.map((s: { model: string; kind: string }) => `${s.model}:${s.kind}`)).toEqual(['sparse:removal', 'dense:removal']);

    // Level 0 is the model's own accuracy on those 500 images, measured independently here.
    const parsed = parseModelFile(readFileSync(sparseFile), sparseFile);
    if (!parsed.ok) throw new Error(parsed.error);
    const test = await loadSplitNode('mnist', 'test');
    const path = createSparseCpuPath();
    path.load(parsed.model.state);
    const first500 = { images: test.images.slice(0, 500 * IMAGE_SIZE), labels: test.labels.slice(0, 500), count: 500 };
    const clean = (await path.evaluate(first500)).accuracy;
    for (const sweep of result.sweeps) {
      expect(sweep.testImages).toBe(500);
      expect(sweep.points.map((p: { level: number }) => p.level)).toEqual([0, 0.5, 1]);
      for (const p of sweep.points) expect(p.accuracies).toHaveLength(3);
      // Removing everything is one network whatever the seed: chance level, no spread.
      expect(sweep.points[2].std).toBe(0);
      expect(sweep.points[2].mean).toBeLessThan(0.25);
      expect(sweep.points[1].mean).toBeLessThan(sweep.points[0].mean);
    }
    expect(result.sweeps[0].points[0].mean).toBe(clean);

    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('perturbation,baseline_for,model,level,mean,std,min,max,repeats,test_images,steps,include_dense,accuracies,order,node_layers,ci95_low,ci95_high');
    expect(lines).toHaveLength(1 + 2 * 3);
    const row = lines[1].split(',');
    expect(row.slice(0, 4)).toEqual(['removal', '', 'sparse', '0']);
    expect(Number(row[4])).toBe(clean);
    expect(row[12].split(' ').map(Number)).toEqual([clean, clean, clean]);
  });

  it('removes hubs, strongest links and most-connected pixels; level 0 is the clean accuracy, all neurons gone is the output bias\'s class', async () => {
    const runs: Array<[string[], string]> = [
      [['--perturbation', 'node-removal', '--order', 'degree', '--node-layers', '2'], 'hidden-neuron removal (fraction of each hidden layer\'s neurons), hubs (most links) first, hidden layer 2'],
      [['--perturbation', 'targeted-removal', '--order', 'weight'], 'targeted link removal (fraction of links removed, in order), largest |w| first'],
      [['--perturbation', 'pixel-removal', '--order', 'degree'], 'input-pixel removal (fraction of the 784 pixels cut), hubs (most links) first'],
    ];
    const levels: Record<string, number[]> = {};
    for (const [flags, title] of runs) {
      const io = capture();
      expect(await runLab(['robustness', '--model', sparseFile, ...flags, '--levels', '0,0.3,1', '--repeats', '2', '--limit', '300'], io)).toBe(0);
      const text = io.stdout.join('\n');
      expect(text).toContain(`${title}: accuracy on 300 test images, 1 seed × 2 draws`);
      const io2 = capture();
      expect(await runLab(['robustness', '--model', sparseFile, ...flags, '--levels', '0,0.3,1', '--repeats', '2', '--limit', '300', '--json'], io2)).toBe(0);
      const sweep = JSON.parse(io2.stdout[0]).sweeps[0];
      levels[flags[1]] = sweep.points.map((p: { mean: number }) => p.mean);
    }
    const clean = levels['node-removal'][0];
    expect(levels['targeted-removal'][0]).toBe(clean);
    expect(levels['pixel-removal'][0]).toBe(clean);
    expect(levels['targeted-removal'][1]).toBeLessThan(clean);
    // No neuron left in hidden layer 2: the network answers one class whatever the image.
    expect(levels['node-removal'][2]).toBeLessThan(0.25);
    expect(levels['pixel-removal'][2]).toBeLessThan(0.25);
  });

  it('prints an FGSM table with the noise baseline beside it', async () => {
    const io = capture();
    const argv = ['robustness', '--model', sparseFile, '--model', denseFile, '--perturbation', 'fgsm', '--levels', '0,0.2', '--repeats', '2', '--limit', '200'];
    expect(await runLab(argv, io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toMatch(/2 models \(sparse: sparse-cpu; dense: dense \(tfjs (wasm|cpu)\)\)/);
    expect(text).toMatch(/FGSM \(L∞ ε\): accuracy on 200 test images, 1 seed × 2 draws; mean ± sd \[95% CI of the mean\]\nlevel\s+sparse\s+dense\n0\s+([\d.]+) ± 0\.0000 \[\1, \1\]\s+([\d.]+) ± 0\.0000 \[\2, \2\]\n0\.2\s+/);
    expect(text).toMatch(/uniform noise \(L∞ ε\): accuracy on 200 test images, 1 seed × 2 draws, baseline for fgsm/);
    // Progress goes to stderr, one line per level and model.
    expect(io.stderr.filter((l) => /^\s+(sparse|dense) (fgsm|noise) /.test(l))).toHaveLength(8);
  });
});
