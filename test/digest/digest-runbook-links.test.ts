import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config/load-config.js';
import { FleetopsConfig } from '../../src/core/config/schema.js';
import { availabilityDigestJob } from '../../src/digest/availability-digest-job.js';
import { DAY, dipFindings, END_MS, handEngine, harness, type Harness } from './digest-fixtures.js';

const CHANNEL = 'fleet-availability';
let h: Harness | undefined;
afterEach(async () => {
  await h?.store.close();
  h = undefined;
});

async function digest(hh: Harness, config: Record<string, unknown>) {
  hh.deps.config = FleetopsConfig.parse(config);
  const result = await hh.run((ctx) => availabilityDigestJob(hh.deps, ctx, { day: DAY, endMs: END_MS, engine: handEngine(), concurrency: 1 }));
  expect(result.failures).toEqual([]);
  const replies = hh.outbox.readAll(CHANNEL).filter((m) => m.threadTs).map((m) => JSON.stringify(m.blocks));
  return { replies, md: readFileSync(join(hh.dir, 'docs', `digest_${DAY}.md`), 'utf8') };
}

describe('runbooksUrl: where a cited runbook opens', () => {
  it('links the cited runbook at its line in the thread reply and the document', async () => {
    h = await harness({ findings: dipFindings(1, 2), clusterCount: 2 });

    const { replies, md } = await digest(h, { runbooksUrl: 'https://git.example.com/sre/runbooks/blob/main/{id}.md#L{line}' });

    const url = 'https://git.example.com/sre/runbooks/blob/main/failed-rollout-bad-version.md#L42';
    expect(replies.join('')).toContain(`*Runbook:* <${url}|runbooks/failed-rollout-bad-version.md> — Failed rollout of a bad version, section Remediation (line 42)`);
    expect(md).toContain(`Runbook: [\`runbooks/failed-rollout-bad-version.md\`](${url}) — “Failed rollout of a bad version”, section Remediation (line 42)`);
  });

  it('names the runbook by its path only when no template is set', async () => {
    h = await harness({ findings: dipFindings(1, 2), clusterCount: 2 });

    const { replies, md } = await digest(h, {});

    expect(replies.join('')).toContain('*Runbook:* `runbooks/failed-rollout-bad-version.md` — ');
    expect(md).toContain('Runbook: `runbooks/failed-rollout-bad-version.md` — ');
    expect(md).not.toContain('](https://git.example.com');
  });

  it.each([
    ['no {id}', 'https://git.example.com/runbooks/main.md', /a template naming the runbook as \{id\}/],
    ['not http(s)', 'file:///srv/runbooks/{id}.md', /an http\(s\) URL template/],
    ['an unknown placeholder', 'https://git.example.com/{repo}/{id}.md', /placeholders \{id\} and \{line\} only/],
  ])('refuses a template with %s, naming file, line and field', (_case, value, message) => {
    const file = join(mkdtempSync(join(tmpdir(), 'fleetops-runbooks-url-')), 'fleet.yaml');
    writeFileSync(file, `outDir: out\nrunbooksUrl: "${value}"\n`);

    expect(() => loadConfig({ file, env: {} })).toThrow(new RegExp(`fleet\\.yaml:2: runbooksUrl: expected ${message.source}`));
  });
});
