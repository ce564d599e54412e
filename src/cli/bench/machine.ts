// What the numbers were measured on: CPU, memory, Node, the load average (the machine is shared)
// and the commit, so a committed result can be compared with a later run.
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import type { MachineInfo } from './report';

function git(args: string[], cwd: string): string | null {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export function loadAverage(): number[] {
  return loadavg().map((x) => Math.round(x * 100) / 100);
}

/** The machine as the bench starts; `loadAverageEnd` is filled in when it ends. */
export function describeMachine(repoRoot: string): MachineInfo {
  const list = cpus();
  const commit = git(['rev-parse', 'HEAD'], repoRoot);
  const changes = commit === null ? null : git(['status', '--porcelain'], repoRoot);
  return {
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    platform: `${platform()} ${release()}`,
    node: process.versions.node,
    loadAverageStart: loadAverage(),
    loadAverageEnd: [],
    commit,
    dirty: changes === null ? null : changes.length > 0,
  };
}
