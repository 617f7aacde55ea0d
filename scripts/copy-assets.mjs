// Copy the declarative YAML catalogs next to the compiled modules, so dist/ runs without src/.
import { cpSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.yaml')) cpSync(p, join('dist', p));
  }
}
walk('src');
