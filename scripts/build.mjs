// Build: transpile src/ and jobs/ to dist/ with esbuild (one file per module, ESM, no bundling), then
// copy the declarative YAML catalogs. Type checking is `npm run typecheck` (tsc), run by `npm test`.
import { build } from 'esbuild';
import { cpSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

function files(dir, ext) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return files(p, ext);
    return p.endsWith(ext) && !p.endsWith('.d.ts') ? [p] : [];
  });
}

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: [...files('src', '.ts'), ...files('jobs', '.ts')],
  outdir: 'dist',
  outbase: '.',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});
for (const yaml of files('src', '.yaml')) cpSync(yaml, join('dist', yaml));
console.log('built dist/');
