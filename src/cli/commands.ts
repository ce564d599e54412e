// The `lab` command table and dispatcher: picks the command named by the first argument,
// parses its flags from the command's own table, and prints usage on bad input (exit 2).
import { formatFlags, parseFlags } from './args';
import { EXIT_OK, EXIT_USAGE, UsageError } from './command';
import type { Command, CommandIo } from './command';
import { mergeCommand } from './merge';
import { planCommand, runUnitCommand } from './plan';
import { publishModelsCommand } from './publishModels';
import { reproduceCommand } from './reproduce';
import { robustnessCommand } from './robustness';
import { trainCommand } from './train';
import { benchCommand } from './bench';

/** Every command of `lab`; later ones (robustness, reproduce, bench) are added here. */
export const COMMANDS: readonly Command[] = [
  trainCommand, robustnessCommand, reproduceCommand, planCommand, runUnitCommand, mergeCommand, publishModelsCommand, benchCommand,
];

export function labUsage(commands: readonly Command[] = COMMANDS): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    'usage: npm run lab -- <command> [flags]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Run `npm run lab -- <command> --help` for a command\'s flags.',
  ].join('\n');
}

export function commandUsage(command: Command): string {
  return [`usage: npm run lab -- ${command.name} [flags]`, '', command.summary, '', 'flags:', formatFlags([...command.flags, { name: 'help', type: 'boolean', help: 'show this help' }])].join('\n');
}

/** Runs `lab` with `argv` (without node and script); returns the exit code. */
export async function runLab(argv: readonly string[], io: CommandIo, commands: readonly Command[] = COMMANDS): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.err : io.out)(labUsage(commands));
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`lab: unknown command "${name}"\n\n${labUsage(commands)}`);
    return EXIT_USAGE;
  }
  const parsed = parseFlags(rest, command.flags);
  if (!parsed.ok) {
    io.err(`lab ${command.name}: ${parsed.error}\n\n${commandUsage(command)}`);
    return EXIT_USAGE;
  }
  if (parsed.help) {
    io.out(commandUsage(command));
    return EXIT_OK;
  }
  try {
    return await command.run(parsed.values, io);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`lab ${command.name}: ${e.message}\n\n${commandUsage(command)}`);
    return EXIT_USAGE;
  }
}
