// `lab plan` and `lab run-unit`: a reproduction as units any scheduler can run (GNU parallel, Slurm
// arrays, Kubernetes Indexed Jobs; docs/cluster.md), then `lab merge` writes the results.
import type { FlagSpec, FlagValues } from './args';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './command';
import type { Command, CommandIo } from './command';
import { plannedRun, REPRODUCE_FLAGS, writePlan } from './reproduce';
import { runUnit } from './unitRun';
import { planFolder, readPlan, type Unit } from './units';

export const planCommand: Command = {
  name: 'plan',
  summary: 'write <out-dir>/plan.jsonl: one JSON line per unit (id, command, inputs, outputs, wave) of the run `reproduce` would do',
  flags: REPRODUCE_FLAGS,
  run: runPlan,
};

async function runPlan(values: FlagValues, io: CommandIo): Promise<number> {
  const planned = plannedRun(values, io, 'plan');
  try {
    await writePlan(planned);
  } catch (e) {
    io.err(`lab plan: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT_FAILURE;
  }
  const waves = [0, 1].map((w) => planned.units.filter((u) => u.wave === w).length);
  const first = (w: number) => planned.units.findIndex((u) => u.wave === w);
  io.out(`lab plan: wrote ${planned.planPath}: ${planned.units.length} units; wave 0 (training) indices 0-${waves[0] - 1}` +
    (waves[1] > 0 ? `, wave 1 (sweeps) indices ${first(1)}-${planned.units.length - 1}` : ''));
  io.out(`  run each with: npm run lab -- run-unit --plan ${planned.planPath} --index I   then: npm run lab -- merge --plan ${planned.planPath}`);
  return EXIT_OK;
}

export const RUN_UNIT_FLAGS: readonly FlagSpec[] = [
  { name: 'plan', type: 'string', valueName: 'FILE', required: true, help: 'the plan written by `lab plan`' },
  { name: 'index', type: 'integer', valueName: 'I', help: 'the unit\'s index (line number from 0), e.g. $SLURM_ARRAY_TASK_ID or $JOB_COMPLETION_INDEX' },
  { name: 'id', type: 'string', valueName: 'ID', help: 'the unit\'s id (instead of --index)' },
  { name: 'wave', type: 'integer', valueName: 'W', help: 'with --index: count I within wave W (0 trainings, 1 sweeps), so each wave can be its own array from 0' },
  { name: 'force', type: 'boolean', help: 'run the unit even if its output is there already' },
  { name: 'verbose', type: 'boolean', help: 'print every epoch and sweep level' },
];

export const runUnitCommand: Command = {
  name: 'run-unit',
  summary: 'run one unit of a plan and write its output atomically (a finished unit is skipped)',
  flags: RUN_UNIT_FLAGS,
  run: runOneUnit,
};

/** The unit the flags name. */
export function selectUnit(units: readonly Unit[], values: FlagValues): Unit {
  const { index, id, wave } = values as { index?: number; id?: string; wave?: number };
  if ((index === undefined) === (id === undefined)) throw new UsageError('give exactly one of --index and --id');
  if (id !== undefined) {
    const unit = units.find((u) => u.id === id);
    if (unit === undefined) throw new UsageError(`the plan has no unit with id "${id}"`);
    return unit;
  }
  const pool = wave === undefined ? units : units.filter((u) => u.wave === wave);
  if (wave !== undefined && wave !== 0 && wave !== 1) throw new UsageError(`--wave must be 0 or 1, got ${wave}`);
  if (index === undefined || index < 0 || index >= pool.length) {
    throw new UsageError(`--index must be from 0 to ${pool.length - 1}${wave === undefined ? '' : ` in wave ${wave}`}, got ${String(index)}`);
  }
  return pool[index];
}

async function runOneUnit(values: FlagValues, io: CommandIo): Promise<number> {
  const planPath = values.plan as string;
  let units: Unit[];
  try {
    units = await readPlan(planPath);
  } catch (e) {
    io.err(`lab run-unit: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT_USAGE;
  }
  const unit = selectUnit(units, values);
  const t0 = performance.now();
  const log = values.verbose === true ? (line: string) => io.err(`[${unit.index} ${unit.id}] ${line}`) : () => undefined;
  try {
    const { ran } = await runUnit(planFolder(planPath), unit, log, values.force === true);
    io.out(`lab run-unit: ${unit.id} (index ${unit.index}) ${ran ? `done in ${((performance.now() - t0) / 1000).toFixed(1)} s` : 'was already done: skipped'}`);
    return EXIT_OK;
  } catch (e) {
    io.err(`lab run-unit: ${unit.id} (index ${unit.index}) failed: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT_FAILURE;
  }
}
