/**
 * The exports of a CommonJS module loaded with a dynamic `import()`: Node exposes them as named
 * exports, a bundler's ES-module output may expose them only under `default` (the
 * `module.exports` object). Use it on `await import('cjs-package')` so the same code runs from
 * sources and from the build.
 */
export function commonJs<T extends object>(mod: T): T {
  const d = (mod as { default?: unknown }).default;
  return { ...(d !== null && typeof d === 'object' ? d : {}), ...mod } as T;
}
