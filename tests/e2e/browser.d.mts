// Types of the e2e harness's browser finder (browser.mjs), so the bench and the unit tests import it typed.
export interface FinderEnvironment {
  env: Record<string, string | undefined>;
  platform: string;
  home: string;
  listDir?: (dir: string) => string[];
}
export function playwrightCacheDir(opts: Omit<FinderEnvironment, 'listDir'>): string;
export function chromiumCandidates(opts: FinderEnvironment): string[];
export function findChromium(opts?: Partial<FinderEnvironment> & { exists?: (file: string) => boolean }): string | null;
export function aptDistribution(osRelease: string): 'debian' | 'ubuntu' | null;
export function ensureChromium(log?: (line: string) => void): string;
