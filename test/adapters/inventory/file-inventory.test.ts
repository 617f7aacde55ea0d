import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileInventory } from '../../../src/adapters/inventory/file/index.js';

const dir = mkdtempSync(join(tmpdir(), 'fleetops-inv-'));
function file(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}
const HEADER = 'id,region,substrate,environment,tier,versions\n';
const ROW = (id: string) => `{ id: ${id}, region: r, substrate: aws, environment: prod, tier: tier-0 }`;

describe('file inventory', () => {
  it('reads clusters and versions from CSV', async () => {
    const path = file('ok.csv', 'id,region,substrate,environment,tier,versions\nc-1,eu-west-1,aws,prod,tier-0,coredns=1.11.1;apiserver=1.30.2\n# comment\nc-2,us-east-1,gcp,dev,tier-2,\n');

    const clusters = await createFileInventory({ path }).listClusters();

    expect(clusters.map((c) => c.id)).toEqual(['c-1', 'c-2']);
    expect(clusters[0].versions).toEqual({ coredns: '1.11.1', apiserver: '1.30.2' });
  });

  it('reads YAML with topology', async () => {
    const path = file('ok.yaml', 'clusters:\n  - id: c-1\n    region: r\n    substrate: azure\n    environment: prod\n    tier: tier-1\n    topology:\n      nodes: [{ name: n1, pool: p, nicBytesPerSecond: 1000 }]\n');

    const inv = createFileInventory({ path });

    expect((await inv.getTopology('c-1')).nodes[0].name).toBe('n1');
    await expect(inv.getTopology('c-9')).rejects.toThrow(/cluster c-9 is not in inventory/);
  });

  it.each([
    ['a bad substrate on line 3', 'bad1.csv', 'id,region,substrate,environment,tier,versions\nc-1,r,aws,prod,tier-0,\nc-2,r,ibm,prod,tier-0,\n', /bad1\.csv:3: substrate/],
    ['a wrong header', 'bad2.csv', 'name,region\n', /bad2\.csv:1: header must be id,region,substrate,environment,tier,versions/],
    ['a YAML type error', 'bad3.yaml', 'clusters:\n  - id: c-1\n    region: r\n    substrate: aws\n    environment: prod\n    tier: 7\n', /bad3\.yaml:6: clusters\.0\.tier/],
  ])('rejects %s naming file and line', (_case, name, text, message) => {
    const path = file(name, text);

    expect(() => createFileInventory({ path })).toThrow(message);
  });

  it('reads a file named .CSV as CSV', async () => {
    const path = file('INVENTORY.CSV', `${HEADER}c-1,r,aws,prod,tier-0,coredns=1.11.1\n`);

    const clusters = await createFileInventory({ path }).listClusters();

    expect(clusters.map((c) => [c.id, c.versions])).toEqual([['c-1', { coredns: '1.11.1' }]]);
  });

  it('reads a CSV with a BOM, CRLF line endings, blank lines, comments and quoted fields', async () => {
    const text = '\uFEFFid,region,substrate,environment,tier,versions\r\n\r\n# retired: c-0\r\n  # indented comment\r\n"c-1","Paris, FR",aws,prod,tier-0,"coredns=1.11.1;apiserver=1.30.2"\r\nc-2,"say ""hi""",gcp,dev,tier-2,\r\n';
    const path = file('quoted.csv', text);

    const clusters = await createFileInventory({ path }).listClusters();

    expect(clusters.map((c) => [c.id, c.region])).toEqual([['c-1', 'Paris, FR'], ['c-2', 'say "hi"']]);
    expect(clusters[0].versions).toEqual({ coredns: '1.11.1', apiserver: '1.30.2' });
  });

  it.each([
    ['a duplicate id in CSV', 'dup.csv', `${HEADER}c-1,r,aws,prod,tier-0,\n# note\nc-1,r,aws,prod,tier-0,\n`, /dup\.csv:4: cluster id c-1 is already listed on line 2/],
    ['a duplicate id in YAML', 'dup.yaml', `clusters:\n  - ${ROW('c-1')}\n  - ${ROW('c-2')}\n  - ${ROW('c-1')}\n`, /dup\.yaml:4: cluster id c-1 is already listed on line 2/],
    ['ids that differ only in case', 'case.csv', `${HEADER}prod-eu-1,r,aws,prod,tier-0,\nProd-EU-1,r,aws,prod,tier-0,\n`, /case\.csv:3: cluster id Prod-EU-1 differs only in case from prod-eu-1 on line 2/],
    ['an unknown column', 'extra-col.csv', 'id,region,substrate,environment,tier,versions,owner\nc-1,r,aws,prod,tier-0,,team-a\n', /extra-col\.csv:1: header must be id,region,substrate,environment,tier,versions, found id,.*,owner/],
    ['a row with more fields than columns', 'extra-field.csv', `${HEADER}c-1,r,aws,prod,tier-0,coredns=1.11.1\nc-2,r,aws,prod,tier-0,coredns=1.11.1,apiserver=1.30.2\n`, /extra-field\.csv:3: expected 6 fields \(id,region,substrate,environment,tier,versions\), found 7/],
    ['a row with too few fields', 'few.csv', `${HEADER}c-1,r,aws,prod\n`, /few\.csv:2: expected 6 fields .*found 4/],
    ['an unclosed quote', 'quote.csv', `${HEADER}c-1,"Paris, FR,aws,prod,tier-0,\n`, /quote\.csv:2: .*quot/],
    ['a CSV without clusters', 'empty.csv', `${HEADER}# none yet\n`, /empty\.csv: no clusters/],
    ['a YAML cluster without id', 'no-id.yaml', `clusters:\n  - ${ROW('c-1')}\n  - { region: r, substrate: aws, environment: prod, tier: tier-0 }\n`, /no-id\.yaml:3: clusters\.1\.id/],
    ['an unknown YAML field, on its own line', 'unknown.yaml', 'clusters:\n  - id: c-1\n    region: r\n    substrate: aws\n    environment: prod\n    tier: tier-0\n    owner: team-a\n', /unknown\.yaml:7: clusters\.0\.owner: unknown key \(check spelling\)$/],
    ['a CSV version without a value', 'no-version.csv', `${HEADER}c-1,r,aws,prod,tier-0,coredns=;apiserver=1.30.2\n`, /no-version\.csv:2: versions: "coredns=" is not component=version/],
    ['a CSV version with two equals signs', 'two-eq.csv', `${HEADER}c-1,r,aws,prod,tier-0,coredns=1.11.1=apiserver\n`, /two-eq\.csv:2: versions: "coredns=1\.11\.1=apiserver" is not component=version/],
    ['a component listed twice in CSV versions', 'twice.csv', `${HEADER}c-1,r,aws,prod,tier-0,coredns=1.11.1;coredns=1.11.3\n`, /twice\.csv:2: versions: coredns is listed twice/],
    ['an empty YAML version', 'empty-version.yaml', 'clusters:\n  - id: c-1\n    region: r\n    substrate: aws\n    environment: prod\n    tier: tier-0\n    versions:\n      coredns: ""\n', /empty-version\.yaml:8: clusters\.0\.versions\.coredns/],
  ])('rejects %s naming file and line', (_case, name, text, message) => {
    const path = file(name, text);

    expect(() => createFileInventory({ path })).toThrow(message);
  });
});

/** zod's own wording, which no inventory error may show. */
const RAW = /Invalid option|Invalid input|Too small|Too big|Unrecognized key|expected number to be|received/;

describe('file inventory errors read as sentences', () => {
  it.each([
    // before: `bad.csv:2: substrate: Invalid option: expected one of "aws"|"gcp"|…`
    ['a CSV substrate', 'substrate.csv', `${HEADER}c-1,r,ibm,prod,tier-0,\n`, [':2: substrate: expected one of "aws", "gcp", "azure", "on-prem", found string "ibm"']],
    ['every bad field of a CSV row', 'row.csv', `${HEADER}c-1,,aws,qa,tier-0,\n`, [':2: region: expected a string of at least 1 character, found string ""', ':2: environment: expected one of "prod", "staging", "dev", found string "qa"']],
    ['a YAML substrate', 'substrate.yaml', 'clusters:\n  - id: c-1\n    region: r\n    substrate: ibm\n    environment: prod\n    tier: tier-0\n', [':4: clusters.0.substrate: expected one of "aws", "gcp", "azure", "on-prem", found string "ibm"']],
    ['each YAML problem on its own line', 'two.yaml', 'clusters:\n  - id: c-1\n    region: r\n    substrate: aws\n    environment: prod\n    tier: 7\n    nodePools: [{ name: a, instanceType: m5, nodeCount: -1 }]\n', [':6: clusters.0.tier: expected one of "tier-0", "tier-1", "tier-2", found number 7', ':7: clusters.0.nodePools.0.nodeCount: expected an integer ≥ 0, found number -1']],
    ['an empty YAML list', 'none.yaml', 'clusters: []\n', [':1: clusters: expected a list of at least 1 item, found a list with no items']],
    // was `expected letters, digits, dot, dash or underscore, …`
    ['a CSV id with a space', 'id.csv', `${HEADER}c 1,r,aws,prod,tier-0,\n`, [':2: id: expected an id of letters, digits, dot, dash or underscore, found string "c 1"']],
    ['a YAML id with a slash', 'id.yaml', 'clusters:\n  - id: eu/c-1\n    region: r\n    substrate: aws\n    environment: prod\n    tier: tier-0\n', [':2: clusters.0.id: expected an id of letters, digits, dot, dash or underscore, found string "eu/c-1"']],
  ])('%s: names file, line, field, what was expected and found', (_case, name, text, lines) => {
    const path = file(name, text);

    const message = (() => {
      try { createFileInventory({ path }); } catch (err) { return (err as Error).message; }
      return '';
    })();

    expect(message.split('\n')).toEqual(lines.map((l) => `${path}${l}`));
    expect(message).not.toMatch(RAW);
  });
});
