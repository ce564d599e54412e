// Finds a Chromium for the end-to-end tests, so `npm test` passes on a fresh machine: an explicit
// CHROMIUM_PATH first, then the usual install places of each OS and playwright's own cache; on
// Debian/Ubuntu as root with none found, it installs Debian's `chromium` package itself.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Playwright's browser cache folder for this OS (where `npx playwright install` puts browsers). */
export function playwrightCacheDir({ platform, env, home }) {
  if (env.PLAYWRIGHT_BROWSERS_PATH && env.PLAYWRIGHT_BROWSERS_PATH !== '0') return env.PLAYWRIGHT_BROWSERS_PATH;
  if (platform === 'darwin') return path.join(home, 'Library', 'Caches', 'ms-playwright');
  if (platform === 'win32') return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'ms-playwright');
  return path.join(env.XDG_CACHE_HOME ?? path.join(home, '.cache'), 'ms-playwright');
}

/** The executables inside one playwright `chromium-NNNN` folder, newest layout first. */
function playwrightExecutables(dir, platform) {
  if (platform === 'darwin') {
    return [
      path.join(dir, 'chrome-mac-arm64', 'Google Chrome for Testing.app', 'Contents', 'MacOS', 'Google Chrome for Testing'),
      path.join(dir, 'chrome-mac', 'Google Chrome for Testing.app', 'Contents', 'MacOS', 'Google Chrome for Testing'),
      path.join(dir, 'chrome-mac', 'Chromium.app', 'Contents', 'MacOS', 'Chromium'),
    ];
  }
  if (platform === 'win32') return [path.join(dir, 'chrome-win64', 'chrome.exe'), path.join(dir, 'chrome-win', 'chrome.exe')];
  return [path.join(dir, 'chrome-linux64', 'chrome'), path.join(dir, 'chrome-linux', 'chrome')];
}

/**
 * Every place a Chromium may be, in the order they are tried. Pure: the caller passes the
 * environment, the OS, the home folder, the PATH entries and a directory lister.
 */
export function chromiumCandidates({ env, platform, home, listDir = () => [] }) {
  const out = [];
  if (env.CHROMIUM_PATH) out.push(env.CHROMIUM_PATH);
  if (platform === 'darwin') {
    out.push(
      '/Applications/Chromium.app/Contents/MacOS/Chromium',
      '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
      path.join(home, 'Applications', 'Chromium.app', 'Contents', 'MacOS', 'Chromium'),
      path.join(home, 'Applications', 'Google Chrome.app', 'Contents', 'MacOS', 'Google Chrome'),
    );
  } else if (platform === 'win32') {
    for (const root of [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter(Boolean)) {
      out.push(path.join(root, 'Google', 'Chrome', 'Application', 'chrome.exe'), path.join(root, 'Chromium', 'Application', 'chrome.exe'));
    }
  } else {
    const names = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
    for (const name of names) out.push(`/usr/bin/${name}`);
    out.push('/snap/bin/chromium');
    for (const dir of (env.PATH ?? '').split(path.delimiter).filter((d) => d && d !== '/usr/bin')) {
      for (const name of names) out.push(path.join(dir, name));
    }
  }
  const cache = playwrightCacheDir({ platform, env, home });
  // Newest playwright build first (folders are chromium-<revision>).
  const builds = listDir(cache).filter((n) => /^chromium-\d+$/.test(n))
    .sort((a, b) => Number(b.slice(9)) - Number(a.slice(9)));
  for (const b of builds) out.push(...playwrightExecutables(path.join(cache, b), platform));
  return [...new Set(out)];
}

function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function safeList(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** The first executable candidate, or null. */
export function findChromium({ env = process.env, platform = process.platform, home = os.homedir(), exists = isExecutable, listDir = safeList } = {}) {
  if (env.CHROMIUM_PATH && !exists(env.CHROMIUM_PATH)) {
    throw new Error(`CHROMIUM_PATH is set to ${env.CHROMIUM_PATH}, which is not an executable file`);
  }
  return chromiumCandidates({ env, platform, home, listDir }).find((c) => exists(c)) ?? null;
}

/** 'debian' or 'ubuntu' (or a derivative that names one of them), else null. */
export function aptDistribution(osRelease) {
  const fields = Object.fromEntries(osRelease.split('\n').map((l) => l.match(/^([A-Z_]+)=(.*)$/)).filter(Boolean)
    .map((m) => [m[1], m[2].replace(/^"|"$/g, '')]));
  const ids = [fields.ID, ...(fields.ID_LIKE ?? '').split(/\s+/)].filter(Boolean);
  if (ids.includes('ubuntu')) return 'ubuntu';
  if (ids.includes('debian')) return 'debian';
  return null;
}

const HOW_TO_GET_ONE = 'install Chromium or Google Chrome (Debian/Ubuntu: `sudo apt-get install chromium`; macOS: the Chromium or Chrome app), '
  + 'or point CHROMIUM_PATH at a Chromium-based browser';

/**
 * A Chromium to drive, installing Debian's package where that is possible (root on Debian/Ubuntu).
 * Throws one line saying how to get one otherwise.
 */
export function ensureChromium(log = (line) => console.log(line)) {
  const found = findChromium();
  if (found) return found;
  const osRelease = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
  const distro = process.platform === 'linux' ? aptDistribution(osRelease) : null;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (distro === null || !root) {
    throw new Error(`tests/e2e: no Chromium found; ${HOW_TO_GET_ONE}.`);
  }
  log(`tests/e2e: no Chromium found; installing the ${distro} package \`chromium\` with apt-get (a few minutes)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env }).status === 0;
  if (!run(['update', '-qq']) || !run(['install', '-y', '-qq', 'chromium'])) {
    throw new Error(`tests/e2e: apt-get could not install chromium; ${HOW_TO_GET_ONE}.`);
  }
  const installed = findChromium();
  if (!installed) throw new Error(`tests/e2e: apt-get installed chromium but no executable was found; ${HOW_TO_GET_ONE}.`);
  log(`tests/e2e: using ${installed}`);
  return installed;
}
