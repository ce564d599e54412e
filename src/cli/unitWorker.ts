// A worker process of `lab reproduce --jobs N` (scheduler.ts): runs the units it is sent, one at a
// time, reporting log lines and each unit's end over the IPC channel; exits when disconnected.
import type { FromWorker, ToWorker } from './scheduler';
import { runUnit, split } from './unitRun';

const send = (message: FromWorker) => process.send?.(message);

process.on('message', (message: ToWorker) => {
  if (message.type === 'warm') {
    // Start parsing the splits while the scheduler is still handing out work; a failure here is
    // reported by the unit that needs the split.
    for (const which of message.splits) split(message.dataset, which).catch(() => undefined);
    return;
  }
  runUnit(message.folder, message.unit, (line) => send({ type: 'log', line }))
    .then(() => send({ type: 'done', id: message.unit.id }))
    .catch((e: unknown) => send({ type: 'failed', id: message.unit.id, message: e instanceof Error ? e.message : String(e) }));
});
process.on('disconnect', () => process.exit(0));
