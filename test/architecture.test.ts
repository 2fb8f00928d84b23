import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { STEPS } from '@modelship/catalog';

// The rules of the house (docs/architecture.md), checked on the sources: who may import whom.

const ROOT = process.cwd();

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Module specifiers a file imports (static `import … from`, `export … from`, dynamic `import()`). */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(
    /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g,
  ))
    out.push((m[1] ?? m[2])!);
  return out;
}

function packageImports(pkg: string): { file: string; spec: string }[] {
  return sources(join(ROOT, 'packages', pkg, 'src')).flatMap((file) =>
    imports(file).map((spec) => ({ file: file.slice(ROOT.length + 1), spec })),
  );
}

/** The package that defines each step (from its definition's `load` location). */
const STEP_PACKAGES = readdirSync(join(ROOT, 'packages')).filter((p) => {
  try {
    return statSync(join(ROOT, 'packages', p, 'src', 'definition.ts')).isFile();
  } catch {
    return false;
  }
});

describe('the house', () => {
  it('has one definition per catalogued step', () => {
    expect(STEP_PACKAGES.length).toBe(STEPS.length);
  });

  it.each(STEP_PACKAGES)('step package %s imports no other step package', (pkg) => {
    const others = STEP_PACKAGES.filter((p) => p !== pkg).map((p) => `@modelship/${p}`);
    const bad = packageImports(pkg).filter(({ spec }) =>
      others.some((o) => spec === o || spec.startsWith(`${o}/`)),
    );
    expect(bad).toEqual([]);
  });

  it('core names no step and loads no AWS SDK', () => {
    const bad = packageImports('core').filter(
      ({ spec }) =>
        spec.startsWith('@aws-sdk/') ||
        spec.startsWith('@smithy/') ||
        STEP_PACKAGES.some((p) => spec.startsWith(`@modelship/${p}`)),
    );
    expect(bad).toEqual([]);
    const text = sources(join(ROOT, 'packages/core/src'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    for (const step of STEPS) expect(text).not.toContain(`'${step.name}'`);
  });

  it('the catalogue loads only step declarations', () => {
    const specs = packageImports('catalog').map((i) => i.spec);
    for (const spec of specs.filter((s) => STEP_PACKAGES.some((p) => s.startsWith(`@modelship/${p}`))))
      expect(spec).toMatch(/\/definition$/);
  });

  it.each(STEP_PACKAGES)(
    "%s's definition imports nothing heavy (only core and its own declarations)",
    (pkg) => {
      const specs = imports(join(ROOT, 'packages', pkg, 'src', 'definition.ts'));
      for (const spec of specs) expect(spec).toMatch(/^(@modelship\/core|node:path|\.\/[a-z/-]+\.js)$/);
    },
  );

  it.each(readdirSync(join(ROOT, 'packages')))(
    'package %s declares every package its sources import',
    (pkg) => {
      const manifest = JSON.parse(readFileSync(join(ROOT, 'packages', pkg, 'package.json'), 'utf8')) as {
        dependencies?: Record<string, string>;
      };
      const declared = new Set(Object.keys(manifest.dependencies ?? {}));
      const used = new Set(
        packageImports(pkg)
          .map(({ spec }) => spec)
          .filter((s) => !s.startsWith('.') && !s.startsWith('node:'))
          .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!)),
      );
      expect([...used].filter((u) => !declared.has(u)).sort()).toEqual([]);
      expect([...declared].filter((d) => !used.has(d)).sort()).toEqual([]);
    },
  );
});
