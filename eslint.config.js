import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'public/', 'tests/e2e/artifacts/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/views/**/*.{ts,tsx}', 'src/state/**/*.{ts,tsx}', 'src/main.tsx', 'src/App.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },
  {
    // The engine is plain data + free functions: no React, D3, DOM, app state or worker code.
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['react', 'react-dom', 'react/*', 'd3', 'd3-*', 'zustand', 'zustand/*'], message: 'engine/ is pure TypeScript + tfjs.' },
          { group: ['**/views/**', '**/state/**', '**/worker/**'], message: 'engine/ never imports from views/, state/ or worker/.' },
        ],
      }],
      'no-restricted-globals': ['error', 'document', 'window', 'navigator'],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Use a seeded Rng from engine/rng.ts.' }],
    },
  },
  {
    // The main thread never imports tfjs: only the engine (run in the worker or Node) does.
    files: ['src/views/**/*.{ts,tsx}', 'src/state/**/*.ts', 'src/main.tsx', 'src/App.tsx', 'src/data/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['@tensorflow/*'], message: 'Only the worker and engine import tfjs.' }],
      }],
    },
  },
);
