// The JavaScript a browser must fetch before the first paint: the module scripts and modulepreloads
// of the built index.html plus every chunk they import statically (dynamic import() and workers
// are left out: they load later). Pure text analysis, so it is tested without a build.
import { posix } from 'node:path';

/** Paths (relative to the site root, no leading "./" or "/") of index.html's module scripts and preloads. */
export function entryScripts(html: string): string[] {
  const found: string[] = [];
  const tags = html.match(/<(script|link)\b[^>]*>/gi) ?? [];
  for (const tag of tags) {
    const attr = (name: string) => new RegExp(`\\b${name}\\s*=\\s*["']([^"']+)["']`, 'i').exec(tag)?.[1];
    if (/^<script/i.test(tag) && attr('type') === 'module' && attr('src')) found.push(attr('src') as string);
    if (/^<link/i.test(tag) && attr('rel') === 'modulepreload' && attr('href')) found.push(attr('href') as string);
  }
  return [...new Set(found.filter((src) => !/^[a-z]+:\/\//i.test(src)).map(siteRelative))];
}

function siteRelative(src: string): string {
  return posix.normalize(src.replace(/^\/+/, '')).replace(/^\.\//, '');
}

/**
 * Relative specifiers of a module's static imports and re-exports (`import x from "./a.js"`,
 * `import"./b.js"`, `export{y}from"./c.js"`), in minified or plain code; `import("./d.js")` is not one.
 */
export function staticImports(code: string): string[] {
  const out: string[] = [];
  const re = /(?:^|[^\w$.])(?:import|export)\s*(?:[\w$*{}\s,]*?\bfrom\s*)?["'](\.{1,2}\/[^"']+)["']/g;
  for (let m = re.exec(code); m !== null; m = re.exec(code)) out.push(m[1]);
  return [...new Set(out)];
}

/**
 * Every file the first screen loads: the entries, then their static imports, transitively.
 * `read(path)` returns a file's text (null when missing, which is reported, not followed).
 */
export function firstScreenFiles(html: string, read: (path: string) => string | null): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const queue = entryScripts(html);
  const seen = new Set(queue);
  while (queue.length > 0) {
    const file = queue.shift() as string;
    const code = read(file);
    if (code === null) {
      missing.push(file);
      continue;
    }
    files.push(file);
    for (const spec of staticImports(code)) {
      const target = posix.normalize(posix.join(posix.dirname(file), spec));
      if (!seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return { files, missing };
}
