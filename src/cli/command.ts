// What a `lab` command is: a name, its flags (one table for parsing and usage) and a run function.
// New commands (robustness, reproduce, bench) are one more entry in lab.ts's table.
import type { FlagSpec, FlagValues } from './args';

/** Where a command writes: injectable so tests can capture the output. */
export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
  /** Whether `err` goes to a terminal (progress then draws a bar; otherwise it prints JSON lines). */
  isTTY?(): boolean;
}

export interface Command {
  name: string;
  summary: string;
  flags: readonly FlagSpec[];
  /** Returns the process exit code: 0 success, 1 failure while running, 2 bad usage. */
  run(values: FlagValues, io: CommandIo): Promise<number>;
}

/** Thrown by a command for input the flag table cannot catch (e.g. a value out of range): exit 2 with usage. */
export class UsageError extends Error {}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export const processIo: CommandIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  isTTY: () => process.stderr.isTTY === true,
};
