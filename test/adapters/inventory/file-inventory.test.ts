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
});
