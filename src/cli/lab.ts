// Entry point of the `lab` command (`npm run lab -- <command> ...`): runs one command, sets the exit code.
import { processIo } from './command';
import { runLab } from './commands';

process.exitCode = await runLab(process.argv.slice(2), processIo);
