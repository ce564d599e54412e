// The e2e runner's browser finder: the order in which it looks for a Chromium, and which one it picks.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { aptDistribution, chromiumCandidates, findChromium, playwrightCacheDir } from '../e2e/browser.mjs';

const HOME = '/home/ada';
const noDirs = () => [] as string[];

describe('chromiumCandidates', () => {
  it('puts CHROMIUM_PATH first, then Debian’s, Ubuntu’s and Google’s names, snap, PATH, playwright’s cache', () => {
    const list: string[] = chromiumCandidates({
      env: { CHROMIUM_PATH: '/opt/my/chrome', PATH: '/usr/local/bin:/usr/bin' },
      platform: 'linux',
      home: HOME,
      listDir: (dir: string) => (dir === path.join(HOME, '.cache', 'ms-playwright') ? ['chromium-1090', 'ffmpeg-1010', 'chromium-1187'] : []),
    });
    expect(list.slice(0, 6)).toEqual([
      '/opt/my/chrome', '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium',
    ]);
    expect(list).toContain('/usr/local/bin/chromium');
    expect(list.indexOf('/usr/local/bin/chromium')).toBeGreaterThan(list.indexOf('/snap/bin/chromium'));
    // The newest playwright build comes before the older one, and after every system browser.
    const newest = list.indexOf(path.join(HOME, '.cache/ms-playwright/chromium-1187/chrome-linux64/chrome'));
    const older = list.indexOf(path.join(HOME, '.cache/ms-playwright/chromium-1090/chrome-linux/chrome'));
    expect(newest).toBeGreaterThan(list.indexOf('/usr/local/bin/google-chrome-stable'));
    expect(older).toBeGreaterThan(newest);
    expect(list.some((c) => c.includes('ffmpeg'))).toBe(false);
    // Listed once each even where PATH repeats /usr/bin.
    expect(new Set(list).size).toBe(list.length);
  });

  it('looks in the application folders on macOS and in Program Files on Windows', () => {
    const mac: string[] = chromiumCandidates({ env: {}, platform: 'darwin', home: HOME, listDir: noDirs });
    expect(mac[0]).toBe('/Applications/Chromium.app/Contents/MacOS/Chromium');
    expect(mac[1]).toBe('/Applications/Google Chrome.app/Contents/MacOS/Google Chrome');
    expect(mac.some((c) => c.startsWith('/usr/bin'))).toBe(false);
    const win: string[] = chromiumCandidates({ env: { PROGRAMFILES: 'C:\\Program Files' }, platform: 'win32', home: HOME, listDir: noDirs });
    expect(win[0]).toContain(path.join('Google', 'Chrome', 'Application', 'chrome.exe'));
  });

  it('uses PLAYWRIGHT_BROWSERS_PATH and XDG_CACHE_HOME for playwright’s cache', () => {
    expect(playwrightCacheDir({ platform: 'linux', env: { PLAYWRIGHT_BROWSERS_PATH: '/srv/pw' }, home: HOME })).toBe('/srv/pw');
    expect(playwrightCacheDir({ platform: 'linux', env: { XDG_CACHE_HOME: '/x' }, home: HOME })).toBe('/x/ms-playwright');
    expect(playwrightCacheDir({ platform: 'darwin', env: {}, home: HOME })).toBe(path.join(HOME, 'Library/Caches/ms-playwright'));
  });
});

describe('findChromium', () => {
  it('returns the first candidate that exists', () => {
    const present = new Set(['/usr/bin/google-chrome', '/snap/bin/chromium']);
    expect(findChromium({ env: { PATH: '' }, platform: 'linux', home: HOME, exists: (f: string) => present.has(f), listDir: noDirs }))
      .toBe('/usr/bin/google-chrome');
  });

  it('returns null when there is none', () => {
    expect(findChromium({ env: { PATH: '/bin' }, platform: 'linux', home: HOME, exists: () => false, listDir: noDirs })).toBeNull();
  });

  it('refuses a CHROMIUM_PATH that does not exist instead of silently using another browser', () => {
    expect(() => findChromium({ env: { CHROMIUM_PATH: '/nope/chrome' }, platform: 'linux', home: HOME, exists: (f: string) => f === '/usr/bin/chromium', listDir: noDirs }))
      .toThrow(/CHROMIUM_PATH is set to \/nope\/chrome/);
  });
});

describe('aptDistribution', () => {
  it('recognises Debian, Ubuntu and their derivatives, and nothing else', () => {
    expect(aptDistribution('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n')).toBe('debian');
    expect(aptDistribution('ID=ubuntu\nID_LIKE=debian\n')).toBe('ubuntu');
    expect(aptDistribution('ID=linuxmint\nID_LIKE="ubuntu debian"\n')).toBe('ubuntu');
    expect(aptDistribution('ID=fedora\n')).toBeNull();
    expect(aptDistribution('')).toBeNull();
  });
});
