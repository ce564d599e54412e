// Bad configurations are refused with a clear message before anything runs (the Train panel's store
// and `lab train`), and a diverging run stops with a message while the page keeps its last good
// epoch: the stores, the supervisor and the real host in-process.
import { describe, expect, it } from 'vitest';
import { runLab } from '../../src/cli/commands';
import type { CommandIo } from '../../src/cli/command';
import { selectBackend } from '../../src/engine/backend';
import { createSparseCpuPath } from '../../src/engine/sparseCpu';
import type { ComputePath, DataArrays } from '../../src/engine/types';
import { createLab } from '../../src/state/lab';
import { createLabClient } from '../../src/worker/client';
import type { ModelCheckpoint, WorkerEvent } from '../../src/worker/protocol';
import { FakeClient } from './fakeClient';
import { createSupervisedClient } from '../../src/worker/supervisor';
import { InProcessWorker, TEST, TRAIN, until } from './reliability-harness';

/** Bad inputs of the Train panel, with the words the user must see. */
const BAD_FORMS: Array<[Record<string, string>, RegExp, RegExp?]> = [
  [{ density: '0' }, /^density must be in \(0, 1\], got 0$/],
  [{ density: '1.5' }, /^density must be in \(0, 1\], got 1\.5$/],
  [{ hidden: '0' }, /^hidden size H must be an integer from 1 to 8192, got 0$/],
  [{ epochs: '0' }, /^epochs must be an integer from 1 to 1000, got 0$/],
  [{ trainLimit: '1000', batchSize: '5000' }, /^batch size 5000 is larger than the training set \(1000 images\)$/],
  [{ batchSize: '70000' }, /^batch size must be an integer from 1 to 60000, got 70000$/, /^batch size 70000 is larger than the training set \(60000 images\)$/],
  [{ learningRate: 'NaN' }, /^Learning rate must be a number, got "NaN"$/],
  [{ learningRate: '' }, /^Learning rate is required$/],
  [{ learningRate: '1e999' }, /^Learning rate must be a number, got "1e999"$/],
  [{ learningRate: '-0.1' }, /^learning rate must be a finite number in \(0, 10\], got -0\.1$/],
  [{ hidden: '2.5' }, /^Hidden size H must be a whole number, got 2\.5$/],
  [{ trainLimit: '0' }, /^training-set size must be a positive integer, got 0$/],
];


function capture(): CommandIo & { stderr: string[] } {
  const stderr: string[] = [];
  return { stderr, out: () => undefined, err: (l) => stderr.push(l) };
}

describe('a bad configuration', () => {
  it('in the Train panel: no configuration, the message shown, and Train sends nothing', async () => {
    for (const [fields, ...messages] of BAD_FORMS) {
      const client = new FakeClient();
      const lab = createLab({ client, loadSplit: async () => { throw new Error('no data needed'); }, baseUrl: '/', galleryCount: 1 });
      for (const [name, value] of Object.entries(fields)) lab.training.getState().setField(name as never, value);
      const { config, problems } = lab.training.getState();
      expect(config, JSON.stringify(fields)).toBeNull();
      expect(problems, JSON.stringify(fields)).toEqual(messages.filter((m) => m !== undefined).map((m) => expect.stringMatching(m)));
      await lab.training.getState().start();
      expect(client.sent.filter((c) => c.type === 'train')).toEqual([]);
      expect(lab.training.getState().run.status).toBe('idle');
      lab.dispose();
    }
  });

  it('on the command line: `lab train` exits 2 with the message and the usage, before loading any data', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--density', '0'], /lab train: density must be in \(0, 1\], got 0/],
      [['--density', '1.5'], /lab train: density must be in \(0, 1\], got 1\.5/],
      [['--hidden', '0'], /lab train: hidden size H must be an integer from 1 to 8192, got 0/],
      [['--epochs', '0'], /lab train: epochs must be an integer from 1 to 1000, got 0/],
      [['--batch', '500', '--train-limit', '100'], /lab train: batch size 500 is larger than the training set \(100 images\)/],
      [['--lr', 'NaN'], /lab train: --lr must be a number, got "NaN"/],
      [['--lr', '-1'], /lab train: learning rate must be a finite number in \(0, 10\], got -1/],
      [['--train-limit', '0'], /lab train: training-set size must be a positive integer, got 0\n/],
    ];
    for (const [flags, message] of cases) {
      const io = capture();
      expect(await runLab(['train', ...flags], io), flags.join(' ')).toBe(2);
      expect(io.stderr.join('\n')).toMatch(message);
      expect(io.stderr.join('\n')).toMatch(/usage: npm run lab -- train/);
      expect(io.stderr.join('\n')).not.toMatch(/larger than the training set \(0 images\)/);
    }
  });
});

/** The sparse CPU path, except that the mean loss read at epoch `nanAt` is NaN (a diverged run). */
function divergingPath(nanAt: number): ComputePath {
  const inner = createSparseCpuPath();
  let reads = 0;
  return {
    get kind() { return inner.kind; },
    load: (s) => inner.load(s),
    save: () => inner.save(),
    setTrainData: (d) => inner.setTrainData(d),
    setTestData: (d) => inner.setTestData(d),
    trainStep: (i, lr, wd) => inner.trainStep(i, lr, wd),
    takeMeanLoss: async () => { const loss = await inner.takeMeanLoss(); return ++reads === nanAt ? NaN : loss; },
    evaluate: (d) => inner.evaluate(d),
    predict: (p, n) => inner.predict(p, n),
    denseGradientMagnitude: (l, i) => inner.denseGradientMagnitude(l, i),
    inputGradient: (p, y, n) => inner.inputGradient(p, y, n),
    dispose: () => inner.dispose(),
  };
}

describe('a diverging run', () => {
  it('stops with the message; the page and the worker keep the last good epoch', async () => {
    const workers: InProcessWorker[] = [];
    const client = createSupervisedClient({
      spawn: () => {
        const w = new InProcessWorker({ selectBackend: (_p, ex) => selectBackend('cpu', ex), makePath: () => divergingPath(3) });
        workers.push(w);
        return createLabClient(w);
      },
    });
    const copy = (d: DataArrays) => ({ images: d.images.slice(), labels: d.labels.slice(), count: d.count });
    const lab = createLab({ client, loadSplit: async (_d, split) => copy(split === 'train' ? TRAIN : TEST), baseUrl: '/', galleryCount: 1 });
    const checkpoints: ModelCheckpoint[] = [];
    client.subscribe((e: WorkerEvent) => { if (e.type === 'checkpoint') checkpoints.push(e.checkpoint); });
    lab.session.getState().start();
    const t = lab.training.getState();
    for (const [name, value] of Object.entries({ hidden: '16', density: '0.2', epochs: '5', batchSize: '20', learningRate: '0.01', trainLimit: '300' })) t.setField(name as never, value);
    await lab.training.getState().start();
    await until(() => lab.training.getState().run.status === 'failed' || lab.training.getState().run.status === 'finished', 'the run to end');

    const { run, histories } = lab.training.getState();
    expect(run.status).toBe('failed');
    expect(run.message).toBe('training diverged (loss is NaN) at epoch 3; keeping the weights of epoch 2');
    expect(histories.m1.map((h) => h.epoch)).toEqual([1, 2]);
    expect(lab.models.getState().models[0]).toMatchObject({ id: 'm1', status: 'failed', epochsCompleted: 2, accuracy: histories.m1[1].testAccuracy });
    // The worker's model and the page's checkpoint are epoch 2's network.
    const held = workers[0].host.model('m1')!;
    expect(held.history).toHaveLength(2);
    expect(checkpoints.map((c) => c.epoch)).toEqual([1, 2]);
    expect(held.state.layers.map((l) => l.weights)).toEqual(checkpoints[1].state.layers.map((l) => l.weights));
    lab.dispose();
  });
});
