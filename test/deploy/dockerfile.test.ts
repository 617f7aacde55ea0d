import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dockerfile = readFileSync('Dockerfile', 'utf8');
const stages = dockerfile.split(/^FROM /m).slice(1);
const runtime = stages[stages.length - 1];

describe('Dockerfile', () => {
  it('gives the runtime stage the font the report chart is rendered with (DejaVu Sans)', () => {
    expect(readFileSync('src/reporting/report/render-chart-png.ts', 'utf8')).toContain("defaultFontFamily: 'DejaVu Sans'");

    expect(runtime).toMatch(/apt-get install[^\n]*fonts-dejavu-core/);
  });

  it('copies every file the build reads and the runtime looks up from the install', () => {
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1].split(/\s+/));
    const ignored = readFileSync('.dockerignore', 'utf8').split('\n').filter(Boolean);

    for (const path of ['package.json', 'package-lock.json', '.npmrc', 'tsconfig.json', 'scripts', 'src', 'jobs', 'runbooks', 'rules']) {
      expect(copied).toContain(path);
      expect(existsSync(path)).toBe(true);
      expect(ignored).not.toContain(path);
    }
    expect(runtime).toContain('ENTRYPOINT ["node", "/app/dist/src/cli/main.js"]');
    expect(runtime).toMatch(/^USER 10001:10001$/m);
  });
});
