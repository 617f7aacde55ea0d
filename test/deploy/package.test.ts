import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  bin: Record<string, string>; files?: string[]; dependencies: Record<string, string>; devDependencies: Record<string, string>;
};

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** Bare module names a file loads at run time: value imports and re-exports, import(), require(), pino transport targets. */
function runtimeSpecifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly) out.push((node.moduleSpecifier as ts.StringLiteral).text);
    if (ts.isExportDeclaration(node) && node.moduleSpecifier && !node.isTypeOnly) out.push((node.moduleSpecifier as ts.StringLiteral).text);
    if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0])) {
      const callee = node.expression;
      // import('x'), require('x'), createRequire(import.meta.url)('x')
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require') || ts.isCallExpression(callee)) out.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  // pino loads a transport by its package name in a worker thread
  for (const m of text.matchAll(/transport\(\{\s*target:\s*'([^']+)'/g)) out.push(m[1]);
  return out.filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !builtinModules.includes(s));
}

const packageName = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

describe('package.json', () => {
  it('lists every package the compiled code loads in dependencies (npm install --omit=dev and the image keep only those)', () => {
    const sources = [...walk('src'), ...walk('jobs')].filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));

    const missing = sources.flatMap((f) => runtimeSpecifiers(f).filter((s) => !(packageName(s) in pkg.dependencies)).map((s) => `${f}: ${s}`));

    expect(sources.length).toBeGreaterThan(100);
    expect(missing).toEqual([]);
  });

  it('finds value imports, dynamic imports, require calls and transport targets, and skips type-only imports', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetops-specifiers-'));
    const file = join(dir, 'x.ts');
    const code = [
      "import type { A } from 'types-only';", "import { type B, c } from 'value-pkg';", "import '@scope/side-effect/deep.js';",
      "export { d } from 're-exported';", "const e = await import('dynamic');", "createRequire(import.meta.url)('required');",
      "pino.transport({ target: 'pretty-transport' });", "import { f } from './local.js';", "import { g } from 'node:fs';",
    ].join('\n');
    writeFileSync(file, code);

    const found = runtimeSpecifiers(file).map(packageName);

    expect(found.sort()).toEqual(['@scope/side-effect', 'dynamic', 'pretty-transport', 're-exported', 'required', 'value-pkg']);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('npm package', () => {
  let work = '';
  let installed = '';
  let packed: string[] = [];

  // what a fresh clone has: the tree without installs, builds, outputs or git
  const skipped = new Set(['node_modules', 'dist', 'out', '.git', 'coverage', '.bench']);

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'fleetops-pack-'));
    const copy = join(work, 'repo');
    installed = join(work, 'installed', 'package');
    cpSync('.', copy, { recursive: true, filter: (src) => !skipped.has(relative('.', src).split(/[/\\]/)[0]) && !src.endsWith('.tgz') });
    symlinkSync(resolve('node_modules'), join(copy, 'node_modules'), 'dir');
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: copy, stdio: 'ignore' });
    const [result] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: copy, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as { filename: string; files: { path: string }[] }[];
    packed = result.files.map((f) => f.path);
    mkdirSync(join(work, 'installed'));
    execFileSync('tar', ['xzf', join(work, result.filename), '-C', join(work, 'installed')]);
    symlinkSync(resolve('node_modules'), join(installed, 'node_modules'), 'dir');
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('holds the bin, every data file beside its module (every non-TypeScript file under src/) and the shipped runbooks', () => {
    const data = walk('src').filter((f) => !f.endsWith('.ts')).map((f) => `dist/${f.split(/[/\\]/).join('/')}`);
    const runbooks = readdirSync('runbooks').map((f) => `runbooks/${f}`);

    expect(data.length).toBeGreaterThan(0);
    expect(packed).toEqual(expect.arrayContaining([...Object.values(pkg.bin), ...data, ...runbooks, 'package.json', 'fleetops.example.yaml', 'rules/fleetops-recording-rules.yaml']));
  });

  it('leaves out sources, tests, benchmarks and CI files', () => {
    const unwanted = packed.filter((p) => /^(src|test|bench|scripts|\.ci|jobs)\//.test(p) || /^(Dockerfile|tsconfig.*\.json|vitest\.config\.ts|eslint\.config\.js|package-lock\.json)$/.test(p));

    expect(unwanted).toEqual([]);
  });

  it('runs from the unpacked package in another folder: help, the example config, and the runbook lint over the shipped runbooks, failure model and catalog', () => {
    const cli = join(installed, pkg.bin.fleetops);
    const cwd = mkdtempSync(join(work, 'cwd-'));
    const run = (...args: string[]) => execFileSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, TZ: 'UTC' } });

    expect(run('--help')).toContain('Usage: fleetops <command>');
    expect(run('config', 'validate', '--config', join(installed, 'fleetops.example.yaml'))).toMatch(/^config ok/);
    expect(run('runbooks', 'lint')).toMatch(/runbooks lint: 0 error\(s\)/);
  });
});
