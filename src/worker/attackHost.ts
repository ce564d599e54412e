// The worker's interactive jobs on single images: predictions (optionally under a perturbation
// setting), one FGSM/PGD attack, and the smallest ε that flips a prediction (a binary search).
// They share one lane of compute paths, apart from training and the evaluation jobs.
import { IMAGE_SIZE, NUM_CLASSES } from '../engine/constants';
import { attackInputs, type AttackOptions } from '../engine/perturb';
import { perturbState, type PerturbationSetting } from '../engine/robustness';
import { createRng } from '../engine/rng';
import type { ComputePath } from '../engine/types';
import type { WorkerEvent } from './protocol';
import { argmaxRows, checkSetting, JobBoard, Lane, messageOf, runJob, type Cmd, type HeldModel, type HostContext, type Signal } from './evalHost';

const FILE = 'src/worker/attackHost.ts';
/** Bisection steps of the minimal-ε search: 10 halve [0, 0.5] down to about 0.0005. */
export const MINIMAL_EPSILON_STEPS = 10;
export const DEFAULT_MAX_EPSILON = 0.5;
/** Predictions carry no seed of their own; a fixed one keeps a drawing's answer stable. */
const PREDICT_SEED = 0;

export function softmax(logits: Float32Array): Float32Array {
  const out = new Float32Array(logits.length);
  let max = -Infinity;
  for (const z of logits) max = Math.max(max, z);
  let sum = 0;
  for (let c = 0; c < logits.length; c++) sum += out[c] = Math.exp(logits[c] - max);
  for (let c = 0; c < logits.length; c++) out[c] /= sum;
  return out;
}

function checkClass(value: number | undefined, what: string): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 0 && value < NUM_CLASSES)) {
    throw new Error(`${FILE}: ${what} must be a class from 0 to ${NUM_CLASSES - 1}, got ${value}`);
  }
}

function checkImage(pixels: Float32Array, count = 1): void {
  if (!(pixels instanceof Float32Array) || pixels.length !== count * IMAGE_SIZE) {
    throw new Error(`${FILE}: expected ${count} image(s) of ${IMAGE_SIZE} pixels, got ${pixels?.length ?? 'none'} values`);
  }
  for (let i = 0; i < pixels.length; i++) {
    if (!(pixels[i] >= 0 && pixels[i] <= 1)) throw new Error(`${FILE}: pixel ${i} is ${pixels[i]}, outside [0, 1]`);
  }
}

export function createAttackHost(ctx: HostContext) {
  const { post } = ctx;
  const lane = new Lane(ctx.denseOnDevice);
  const boards = { predict: new JobBoard(), predictModels: new JobBoard(), attack: new JobBoard(), minimalEpsilon: new JobBoard() };
  /** The newest `predictModels` request naming each model: an older queued one skips that model. */
  const newestPredict = new Map<string, number>();
  /** What the lane's path holds now, so repeated requests on one model do not reload it. */
  let loadedKey = '';
  let loadedPath: ComputePath | null = null;

  /** The model's path loaded with the structural part of `setting` applied (seeded). */
  const loaded = async (model: HeldModel, setting: PerturbationSetting, seed: number): Promise<ComputePath> => {
    const path = await lane.pathFor(model);
    // Every structural field, so a changed order or node removal reloads the path.
    const key = JSON.stringify([model.id, setting.removal, setting.shuffle, setting.structural ?? null, setting.removalOrder ?? null, setting.nodes ?? null, setting.pixels ?? null, seed]);
    if (key !== loadedKey || path !== loadedPath) {
      loadedKey = '';
      path.load(perturbState(model.state, setting, seed));
      loadedKey = key;
      loadedPath = path;
    }
    return path;
  };

  /** Jobs on one model (`key`) supersede only that model's older jobs of their kind. */
  const run = (kind: keyof typeof boards, requestId: number, job: (signal: Signal) => Promise<WorkerEvent | null>, key?: string) =>
    runJob(post, boards[kind], lane, requestId, job, key);

  const checkPredict = (cmd: Cmd<'predict'> | Cmd<'predictModels'>) => {
    if (!Number.isInteger(cmd.count) || cmd.count < 1) throw new Error(`${FILE}: predict needs a positive image count, got ${cmd.count}`);
    checkImage(cmd.pixels, cmd.count);
    return checkSetting(cmd.setting);
  };

  /** One model's logits of the images under the setting. */
  const logitsOf = async (model: HeldModel, images: Float32Array, count: number, setting: PerturbationSetting, seed: number) => {
    const path = await loaded(model, setting, seed);
    let pixels = images;
    if (setting.attack.epsilon > 0) {
      // A drawing has no true label: the attack pushes away from what the model answers now.
      const labels = argmaxRows(await path.predict(pixels, count), count);
      pixels = await attackInputs(pixels, labels, count, (x, y, k) => path.inputGradient(x, y, k), setting.attack, createRng(seed));
    }
    const logits = await path.predict(pixels, count);
    if (logits.length !== count * NUM_CLASSES) throw new Error(`${FILE}: the model returned ${logits.length} logits for ${count} images`);
    return logits.slice();
  };

  const predict = (cmd: Cmd<'predict'>) => run('predict', cmd.requestId, async () => {
    const model = ctx.model(cmd.modelId);
    const setting = checkPredict(cmd);
    const logits = await logitsOf(model, cmd.pixels, cmd.count, setting, cmd.seed ?? PREDICT_SEED);
    return { type: 'prediction', requestId: cmd.requestId, modelId: model.id, logits, count: cmd.count };
  }, cmd.modelId);

  /**
   * Several models' logits in one job, model after model in this worker's lane. A model that a newer
   * request also names is skipped here (that request answers it); every other model is answered,
   * with its logits or its own error.
   */
  const predictModels = (cmd: Cmd<'predictModels'>) => {
    const ids = Array.isArray(cmd.modelIds) ? cmd.modelIds.filter((id): id is string => typeof id === 'string') : [];
    for (const id of ids) if ((newestPredict.get(id) ?? -Infinity) < cmd.requestId) newestPredict.set(id, cmd.requestId);
    const superseded = (id: string) => (newestPredict.get(id) ?? -Infinity) > cmd.requestId;
    return runJob(post, boards.predictModels, lane, cmd.requestId, async (signal) => {
      if (ids.length === 0) throw new Error(`${FILE}: predictModels needs a list of model ids`);
      const setting = checkPredict(cmd);
      const seed = cmd.seed ?? PREDICT_SEED;
      const results: Array<{ modelId: string; logits?: Float32Array; error?: string }> = [];
      for (const id of ids) {
        if (signal.cancelled) return null;
        if (superseded(id)) continue;
        try {
          results.push({ modelId: id, logits: await logitsOf(ctx.model(id), cmd.pixels, cmd.count, setting, seed) });
        } catch (e) {
          results.push({ modelId: id, error: messageOf(e) });
        }
      }
      for (const id of ids) if (newestPredict.get(id) === cmd.requestId) newestPredict.delete(id);
      return { type: 'predictions', requestId: cmd.requestId, count: cmd.count, results };
    }, undefined, false);
  };

  /** The attack options of a single-image command (targeted when `target` is given). */
  const attackOptions = (kind: 'fgsm' | 'pgd', epsilon: number, target: number | undefined, steps?: number): AttackOptions => ({
    kind, epsilon, ...(steps !== undefined ? { steps } : {}), ...(target !== undefined ? { targets: Uint8Array.of(target) } : {}),
  });

  const checkSingle = (cmd: Cmd<'attack'> | Cmd<'minimalEpsilon'>) => {
    checkImage(cmd.pixels);
    checkClass(cmd.label, 'the label');
    checkClass(cmd.target, 'the target');
    if (cmd.kind !== 'fgsm' && cmd.kind !== 'pgd') throw new Error(`${FILE}: the attack must be fgsm or pgd, got ${JSON.stringify(cmd.kind)}`);
  };

  const attack = (cmd: Cmd<'attack'>) => run('attack', cmd.requestId, async () => {
    checkSingle(cmd);
    if (!(cmd.epsilon >= 0 && cmd.epsilon <= 1)) throw new Error(`${FILE}: ε must lie in [0, 1], got ${cmd.epsilon}`);
    const model = ctx.model(cmd.modelId);
    const setting = checkSetting(cmd.setting);
    const path = await loaded(model, setting, cmd.seed);
    const before = softmax(await path.predict(cmd.pixels, 1));
    const options = attackOptions(cmd.kind, cmd.epsilon, cmd.target, setting.attack.steps);
    const adversarial = await attackInputs(cmd.pixels, Uint8Array.of(cmd.label), 1, (x, y, k) => path.inputGradient(x, y, k), options, createRng(cmd.seed));
    const after = softmax(await path.predict(adversarial, 1));
    const perturbation = new Float32Array(IMAGE_SIZE);
    for (let i = 0; i < IMAGE_SIZE; i++) perturbation[i] = adversarial[i] - cmd.pixels[i];
    return { type: 'attackResult', requestId: cmd.requestId, modelId: model.id, epsilon: cmd.epsilon, adversarial, perturbation, before, after };
  }, cmd.modelId);

  const minimalEpsilon = (cmd: Cmd<'minimalEpsilon'>) => run('minimalEpsilon', cmd.requestId, async (signal) => {
    checkSingle(cmd);
    const maxEpsilon = cmd.maxEpsilon ?? DEFAULT_MAX_EPSILON;
    if (!(maxEpsilon > 0 && maxEpsilon <= 1)) throw new Error(`${FILE}: the largest ε searched must lie in (0, 1], got ${maxEpsilon}`);
    const model = ctx.model(cmd.modelId);
    const setting = checkSetting(cmd.setting);
    const path = await loaded(model, setting, cmd.seed);
    const label = Uint8Array.of(cmd.label);
    const succeeded = (predicted: number) => (cmd.target !== undefined ? predicted === cmd.target : predicted !== cmd.label);
    const answer = (epsilon: number | null): WorkerEvent => ({ type: 'minimalEpsilonResult', requestId: cmd.requestId, modelId: model.id, epsilon, maxEpsilon });
    if (succeeded(argmaxRows(await path.predict(cmd.pixels, 1), 1)[0])) return answer(0);
    // The same seed at every ε keeps PGD's random start fixed, so success is (nearly) monotone in ε.
    const flips = async (epsilon: number) => {
      const options = attackOptions(cmd.kind, epsilon, cmd.target, setting.attack.steps);
      const adversarial = await attackInputs(cmd.pixels, label, 1, (x, y, k) => path.inputGradient(x, y, k), options, createRng(cmd.seed));
      return succeeded(argmaxRows(await path.predict(adversarial, 1), 1)[0]);
    };
    if (!(await flips(maxEpsilon))) return answer(null);
    let lo = 0;
    let hi = maxEpsilon;
    for (let step = 0; step < MINIMAL_EPSILON_STEPS; step++) {
      if (signal.cancelled) return null;
      const mid = (lo + hi) / 2;
      if (await flips(mid)) hi = mid;
      else lo = mid;
    }
    return answer(hi);
  }, cmd.modelId);

  return {
    predict,
    predictModels,
    attack,
    minimalEpsilon,
    cancel: (requestId: number) => Object.values(boards).some((board) => board.cancel(requestId)),
    dispose: () => lane.dispose(),
  };
}
