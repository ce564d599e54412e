// `lab train`: trains one network from flags, prints a row (or a JSON line) per epoch and a summary,
// and writes the model file. Sparse strategies use the sparse CPU path; `dense` tfjs on the CPU.
import { writeFile } from 'node:fs/promises';
import { loadSplitNode } from '../data/loadNode';
import { serializeModel } from '../engine/modelFile';
import { createSparseCpuPath } from '../engine/sparseCpu';
import { linkCount } from '../engine/topology';
import { createTrainingRun } from '../engine/train';
import type { EpochEvent, TrainResult } from '../engine/train';
import { DEFAULT_CONFIG, layerShapes, NUM_SPARSE_LAYERS, validateConfig } from '../engine/types';
import type { ComputePath, DataArrays, DatasetName, Pruning, Strategy, TrainConfig, ZetaSchedule } from '../engine/types';
import type { FlagSpec, FlagValues } from './args';
import { EXIT_FAILURE, EXIT_OK, UsageError } from './command';
import type { Command, CommandIo } from './command';

const D = DEFAULT_CONFIG;

export const TRAIN_FLAGS: readonly FlagSpec[] = [
  { name: 'dataset', type: 'string', choices: ['mnist', 'fashion-mnist'], defaultValue: D.dataset, help: 'dataset to train on' },
  { name: 'strategy', type: 'string', choices: ['set', 'rigl', 'static', 'dense'], defaultValue: D.strategy, help: 'topology strategy' },
  { name: 'hidden', type: 'integer', valueName: 'H', defaultValue: D.hidden, help: 'width of each of the three hidden layers' },
  { name: 'density', type: 'number', valueName: 'D', defaultValue: D.density, help: 'fraction of possible links in each sparse layer' },
  { name: 'zeta', type: 'number', valueName: 'Z', defaultValue: D.zeta, help: 'fraction of links pruned and regrown after each epoch' },
  { name: 'zeta-schedule', type: 'string', choices: ['constant', 'cosine'], defaultValue: D.zetaSchedule, help: 'how the prune fraction changes over epochs' },
  { name: 'pruning', type: 'string', choices: ['magnitude', 'by-sign'], defaultValue: D.pruning, help: 'rewiring removes the smallest |w| of a layer, or of its positive and negative weights separately (SET\'s code)' },
  { name: 'epochs', type: 'integer', valueName: 'N', defaultValue: D.epochs, help: 'number of epochs' },
  { name: 'batch', type: 'integer', valueName: 'N', defaultValue: D.batchSize, help: 'batch size' },
  { name: 'lr', type: 'number', valueName: 'RATE', defaultValue: D.learningRate, help: 'Adam learning rate' },
  { name: 'weight-decay', type: 'number', valueName: 'L2', defaultValue: D.weightDecay, help: 'L2 weight decay added to the weights\' gradient (0: off)' },
  { name: 'seed', type: 'integer', valueName: 'N', defaultValue: D.seed, help: 'random seed (reproduces a sparse run exactly)' },
  { name: 'train-limit', type: 'integer', valueName: 'N', help: 'train on the first N images of a seeded permutation (default: all)' },
  { name: 'out', type: 'string', valueName: 'FILE', help: 'write the trained model to this file (the binary model format, .rlm)' },
  { name: 'json', type: 'boolean', help: 'print one JSON object per line instead of a table' },
];

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a network (set, rigl, static or dense) and save it as a model file',
  flags: TRAIN_FLAGS,
  run: runTrain,
};

export function configFromFlags(v: FlagValues): TrainConfig {
  const config: TrainConfig = {
    dataset: v.dataset as DatasetName,
    strategy: v.strategy as Strategy,
    hidden: v.hidden as number,
    density: v.density as number,
    zeta: v.zeta as number,
    zetaSchedule: v['zeta-schedule'] as ZetaSchedule,
    pruning: v.pruning as Pruning,
    epochs: v.epochs as number,
    batchSize: v.batch as number,
    learningRate: v.lr as number,
    weightDecay: v['weight-decay'] as number,
    seed: v.seed as number,
    trainLimit: v['train-limit'] === undefined ? null : (v['train-limit'] as number),
  };
  const problems = validateConfig(config);
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  return config;
}

async function runTrain(values: FlagValues, io: CommandIo): Promise<number> {
  const config = configFromFlags(values);
  const json = values.json === true;
  const out = values.out as string | undefined;
  let train: DataArrays;
  let test: DataArrays;
  try {
    [train, test] = await Promise.all([loadSplitNode(config.dataset, 'train'), loadSplitNode(config.dataset, 'test')]);
  } catch (e) {
    io.err(`lab train: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT_FAILURE;
  }
  const problems = validateConfig(config, train.count);
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  const path = await createPath(config);
  // The device path names its kind only once a network is loaded; say what runs where up front.
  const pathLabel = config.strategy === 'dense' ? `dense (tfjs, ${(await import('@tensorflow/tfjs')).getBackend()} backend)` : path.kind;
  const images = config.trainLimit ?? train.count;
  if (json) io.out(JSON.stringify({ type: 'start', config, path: pathLabel, trainImages: images, testImages: test.count }));
  else io.out(describeRun(config, pathLabel, images, test.count));

  const t0 = performance.now();
  const progress = !json && process.stderr.isTTY;
  const run = createTrainingRun(config, path, train, test, {
    onProgress: progress ? (p) => process.stderr.write(`\r  epoch ${p.epoch}: batch ${p.batch}/${p.batchesPerEpoch}, ${Math.round(p.samplesPerSecond)} images/s   `) : undefined,
    onEpoch: (e) => {
      if (progress) process.stderr.write('\r\x1b[K');
      io.out(json ? JSON.stringify(epochJson(e)) : epochRow(e));
    },
  });
  // Ctrl-C stops after the current batch and still writes the last completed epoch's model.
  const onInterrupt = () => {
    io.err('lab train: stopping after the current batch (Ctrl-C again to abort)');
    process.off('SIGINT', onInterrupt);
    run.stop();
  };
  process.on('SIGINT', onInterrupt);
  if (!json) io.out(TABLE_HEADER);
  let result: TrainResult;
  try {
    result = await run.run();
  } finally {
    process.off('SIGINT', onInterrupt);
    path.dispose();
  }
  let written: string | null = null;
  if (out !== undefined && result.history.length > 0) {
    try {
      await writeFile(out, serializeModel(result));
      written = out;
    } catch (e) {
      io.err(`lab train: cannot write ${out}: ${e instanceof Error ? e.message : String(e)}`);
      return EXIT_FAILURE;
    }
  }
  const summary = summaryOf(result, (performance.now() - t0) / 1000, written, pathLabel);
  io.out(json ? JSON.stringify(summary) : summaryText(summary));
  if (result.error !== undefined) io.err(`lab train: ${result.error}`);
  return result.error === undefined ? EXIT_OK : EXIT_FAILURE;
}

async function createPath(config: TrainConfig): Promise<ComputePath> {
  if (config.strategy !== 'dense') return createSparseCpuPath();
  // Loaded only for dense runs: tfjs is large, and the sparse strategies never need it.
  const [{ useFastestNodeBackend }, { createDevicePath }] = await Promise.all([import('../engine/nodeBackend'), import('../engine/device/path')]);
  await useFastestNodeBackend();
  return createDevicePath();
}

function describeRun(c: TrainConfig, pathKind: string, trainImages: number, testImages: number): string {
  const shapes = layerShapes(c.hidden);
  const links = c.strategy === 'dense'
    ? 'all layers dense'
    : `density ${c.density} (${shapes.slice(0, NUM_SPARSE_LAYERS).map(([i, o]) => linkCount(i, o, c.density)).join(' + ')} links)`;
  const rewiring = c.strategy === 'set' || c.strategy === 'rigl' ? `, ζ ${c.zeta} ${c.zetaSchedule}${c.pruning === 'by-sign' ? ', pruned by sign' : ''}` : '';
  return [
    `lab train: ${c.strategy} on ${c.dataset}, 784→${c.hidden}→${c.hidden}→${c.hidden}→10, ${links}${rewiring}`,
    `  ${c.epochs} epochs, batch ${c.batchSize}, lr ${c.learningRate}, weight decay ${c.weightDecay}, seed ${c.seed}; ` +
      `${trainImages} training / ${testImages} test images; ${pathKind} path`,
  ].join('\n');
}

const TABLE_HEADER = `${'epoch'.padStart(5)}  ${'train loss'.padStart(10)}  ${'test acc'.padStart(8)}  ${'test loss'.padStart(9)}  ${'seconds'.padStart(7)}  ${'images/s'.padStart(8)}  ${'ζ'.padStart(5)}  links per layer (−removed/+added)`;

function epochRow(e: EpochEvent): string {
  const layers = e.layers.map((l) => `${l.links} (−${l.removed.length}/+${l.added.length})`).join(', ');
  return `${String(e.epoch).padStart(5)}  ${e.trainLoss.toFixed(4).padStart(10)}  ${e.testAccuracy.toFixed(4).padStart(8)}  ${e.testLoss.toFixed(4).padStart(9)}  ` +
    `${e.seconds.toFixed(1).padStart(7)}  ${Math.round(e.samplesPerSecond).toString().padStart(8)}  ${e.zeta.toFixed(3).padStart(5)}  ${layers || 'dense'}`;
}

function epochJson(e: EpochEvent) {
  return {
    type: 'epoch', epoch: e.epoch, trainLoss: e.trainLoss, testAccuracy: e.testAccuracy, testLoss: e.testLoss,
    seconds: e.seconds, samplesPerSecond: e.samplesPerSecond, zeta: e.zeta,
    links: e.layers.map((l) => l.links), removed: e.layers.map((l) => l.removed.length), added: e.layers.map((l) => l.added.length),
    perClass: Array.from(e.perClass),
  };
}

interface Summary {
  type: 'summary';
  dataset: string;
  strategy: string;
  path: string;
  epochs: number;
  testAccuracy: number | null;
  trainLoss: number | null;
  seconds: number;
  secondsPerEpoch: number | null;
  stoppedEarly: boolean;
  out: string | null;
  error?: string;
}

function summaryOf(r: TrainResult, seconds: number, out: string | null, pathKind: string): Summary {
  const last = r.history[r.history.length - 1];
  const epochSeconds = r.history.reduce((s, e) => s + e.seconds, 0);
  return {
    type: 'summary', dataset: r.config.dataset, strategy: r.config.strategy, path: pathKind, epochs: r.history.length,
    testAccuracy: last?.testAccuracy ?? null, trainLoss: last?.trainLoss ?? null, seconds,
    secondsPerEpoch: r.history.length > 0 ? epochSeconds / r.history.length : null, stoppedEarly: r.stoppedEarly, out,
    ...(r.error === undefined ? {} : { error: r.error }),
  };
}

function summaryText(s: Summary): string {
  const acc = s.testAccuracy === null ? 'no epoch completed' : `test accuracy ${s.testAccuracy.toFixed(4)} after ${s.epochs} epoch${s.epochs === 1 ? '' : 's'}`;
  const pace = s.secondsPerEpoch === null ? '' : `, ${s.secondsPerEpoch.toFixed(1)} s per epoch`;
  const file = s.out === null ? 'no model file written' : `model written to ${s.out}`;
  return `${s.stoppedEarly ? 'stopped early: ' : 'done: '}${acc}${pace} (${s.seconds.toFixed(1)} s in all); ${file}`;
}
