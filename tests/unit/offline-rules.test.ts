// The offline rules shared by vite.config.ts (the service worker) and the page's cache top-up.
import { describe, expect, it } from 'vitest';
import { FILE_NAVIGATION, RUNTIME_CACHED, runtimeCachedUrls } from '../../src/offlineRules';

describe('RUNTIME_CACHED', () => {
  it('matches the training sets and model files under any base, not the test sets or the app', () => {
    for (const p of ['/data/mnist/train-images-idx3-ubyte.gz', '/sub/path/data/fashion-mnist/train-labels-idx1-ubyte.gz',
      '/models/mnist-dense.json', '/lab/models/mnist-dense.bin', '/models/x.json?v=2']) expect(RUNTIME_CACHED.test(p), p).toBe(true);
    for (const p of ['/data/mnist/t10k-images-idx3-ubyte.gz', '/data/mnist/manifest.json', '/assets/index-abc.js', '/index.html',
      '/models/', '/models/sub/x.json']) expect(RUNTIME_CACHED.test(p), p).toBe(false);
  });
});

describe('FILE_NAVIGATION', () => {
  it('tells a file opened in a tab from the page under any base, with or without a query', () => {
    for (const p of ['/models/index.json', '/lab/data/mnist/manifest.json', '/lab/assets/index-abc.js', '/data/mnist/train-images-idx3-ubyte.gz?x=1'])
      expect(FILE_NAVIGATION.test(p), p).toBe(true);
    for (const p of ['/', '/lab/', '/lab/?panel=draw', '/courses/data/lab/', '/courses/data/lab/?panel=draw', '/courses/models/lab/?x=1', '/lab/index.html'])
      expect(FILE_NAVIGATION.test(p), p).toBe(false);
  });
});

describe('runtimeCachedUrls', () => {
  const scope = 'https://example.org/lab/';
  it('keeps same-origin files inside the scope that the rule matches, each once, in order', () => {
    const fetched = [
      'https://example.org/lab/models/index.json',
      'https://example.org/lab/models/mnist-dense.json',
      'https://example.org/lab/data/mnist/t10k-images-idx3-ubyte.gz',
      'https://example.org/lab/data/mnist/train-images-idx3-ubyte.gz',
      'https://example.org/lab/models/mnist-dense.json',
      'https://cdn.example.org/lab/models/mnist-dense.json',
      'https://example.org/other/models/mnist-dense.json',
      'not a url',
    ];
    expect(runtimeCachedUrls(fetched, scope)).toEqual([
      'https://example.org/lab/models/index.json',
      'https://example.org/lab/models/mnist-dense.json',
      'https://example.org/lab/data/mnist/train-images-idx3-ubyte.gz',
    ]);
  });
  it('finds nothing in an empty list', () => {
    expect(runtimeCachedUrls([], scope)).toEqual([]);
  });
});
