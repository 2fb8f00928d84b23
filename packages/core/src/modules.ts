/**
 * The exports of a CommonJS module loaded with a dynamic `import()`: Node exposes them as named
 * exports, a bundler's ES-module output may expose them only under `default` (the
 * `module.exports` object), with named keys left undefined. Use it on what a dynamic import of a
 * CommonJS package resolves to, so the same code runs from sources and from the build.
 */
export function commonJs<T extends object>(mod: T): T {
  const out: Record<string, unknown> = {};
  const d = (mod as { default?: unknown }).default;
  if (d !== null && (typeof d === 'object' || typeof d === 'function')) Object.assign(out, d);
  for (const [k, v] of Object.entries(mod)) if (v !== undefined && k !== 'default') out[k] = v;
  return out as T;
}
