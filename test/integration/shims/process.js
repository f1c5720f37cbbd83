// The little of Node's `process` that the assert polyfill (through `util`) and mocha touch, for
// the web-worker extension host. Injected by esbuild into dist/web/test/index.js only.
export const process = {
  env: {},
  platform: 'browser',
  browser: true,
  version: '',
  versions: {},
  argv: [],
  cwd: () => '/',
  nextTick: (fn, ...args) => queueMicrotask(() => fn(...args)),
};
