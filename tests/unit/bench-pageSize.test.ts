// The first-screen JavaScript analysis of `lab bench`: entry scripts and preloads of index.html,
// static imports followed transitively, dynamic imports and workers left out.
import { describe, expect, it } from 'vitest';
import { entryScripts, firstScreenFiles, staticImports } from '../../src/cli/bench/pageSize';

const HTML = `<!doctype html><html><head>
<script type="module" crossorigin src="./assets/index-A1.js"></script>
<link rel="modulepreload" crossorigin href="/assets/vendor-B2.js">
<link rel="stylesheet" href="./assets/index.css">
<script src="https://cdn.example.com/x.js" type="module"></script>
<script src="./legacy.js"></script>
</head><body></body></html>`;

describe('first-screen JavaScript', () => {
  it('takes module scripts and modulepreloads of index.html, local ones only', () => {
    expect(entryScripts(HTML)).toEqual(['assets/index-A1.js', 'assets/vendor-B2.js']);
  });

  it('finds static imports and re-exports in minified code but not dynamic imports or workers', () => {
    const code = 'import{a as b}from"./vendor-B2.js";import"./side.js";export{c}from"../lib/c.js";'
      + 'const w=new Worker(new URL("./worker-C3.js",import.meta.url));const l=()=>import("./lazy-D4.js");x.import("./no.js")';
    expect(staticImports(code)).toEqual(['./vendor-B2.js', './side.js', '../lib/c.js']);
    expect(staticImports('import x from \'./plain.js\';\nimport * as y from "./star.js"')).toEqual(['./plain.js', './star.js']);
  });

  it('follows static imports transitively, once each, and reports missing files', () => {
    const files: Record<string, string> = {
      'assets/index-A1.js': 'import{r}from"./vendor-B2.js";import"./shared.js";import("./lazy.js")',
      'assets/vendor-B2.js': 'import"./shared.js";export const r=1',
      'assets/shared.js': 'import"./gone.js"',
      'assets/lazy.js': 'never loaded first',
    };
    const result = firstScreenFiles(HTML, (p) => files[p] ?? null);
    expect(result.files).toEqual(['assets/index-A1.js', 'assets/vendor-B2.js', 'assets/shared.js']);
    expect(result.missing).toEqual(['assets/gone.js']);
  });
});
