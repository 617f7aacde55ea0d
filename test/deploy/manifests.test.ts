import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { parseCommandArgs } from '../../src/cli/parse-args.js';
import { loadConfig } from '../../src/core/config/load-config.js';
import { unmetRequirements } from '../../src/core/config/requirements.js';
import { FleetopsConfig } from '../../src/core/config/schema.js';
import { JOB_SCHEDULES } from '../../src/core/schedules.js';
import { renderCronJobs } from '../../src/deploy/cronjob-manifests.js';
import { checkProjectRules } from '../../src/deploy/validate-manifests.js';
import { validateKubernetesObject } from './kubernetes-schemas.js';

const kubectl = (() => {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

if (!kubectl) console.warn('manifest build tests skipped: kubectl (with kustomize) is not on PATH');

function build(dir: string): Record<string, unknown>[] {
  const out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  return parseAllDocuments(out).map((d) => d.toJS()).filter(Boolean);
}

describe('k8s-cronjobs', () => {
  it('base CronJobs are generated from the schedule table (run `npm run manifests`)', () => {
    expect(readFileSync('k8s-cronjobs/base/cronjobs.yaml', 'utf8')).toBe(renderCronJobs());
  });

  describe.skipIf(!kubectl).each(['staging', 'production'])('overlay %s', (overlay) => {
    const docs = kubectl ? build(`k8s-cronjobs/overlays/${overlay}`) : [];

    it('validates every object against the Kubernetes schemas', () => {
      const errors = docs.map((d) => validateKubernetesObject(d)).filter(Boolean);

      expect(docs.length).toBeGreaterThan(8);
      expect(errors).toEqual([]);
    });

    it('holds the project rules', () => {
      expect(checkProjectRules(docs)).toEqual([]);
      expect(docs.filter((d) => d.kind === 'CronJob')).toHaveLength(7);
    });

    it('runs the finalize step with the Indexed Job\'s shard count', () => {
      const spec = (name: string) => (docs.find((d) => d.kind === 'CronJob' && (d.metadata as { name: string }).name === name) as Obj).spec.jobTemplate.spec;
      const shardEnv = (name: string) => (spec(name).template.spec.containers[0].env as Obj[]).find((e) => e.name === 'FLEETOPS_SHARD_COUNT')?.value;

      expect(shardEnv('fleet-scan')).toBe(String(spec('fleet-scan').completions));
      expect(shardEnv('fleet-scan-finalize')).toBe(String(spec('fleet-scan').completions));
    });

    it('gives every job what its config\'s kinds need (secret variables, kind-specific fields)', () => {
      const text = (docs.find((d) => d.kind === 'ConfigMap' && (d.data as Obj | undefined)?.['fleetops.yaml']) as Obj).data['fleetops.yaml'];
      const config = FleetopsConfig.parse(parse(text) ?? {});
      for (const cj of docs.filter((d) => d.kind === 'CronJob') as Obj[]) {
        const env = Object.fromEntries((cj.spec.jobTemplate.spec.template.spec.containers[0].env as Obj[]).map((e) => [e.name, 'set']));

        expect(unmetRequirements(config, env).map((u) => `${cj.metadata.name}: ${u.path.join('.')}: ${u.message}`)).toEqual([]);
      }
    });
  });

  it.skipIf(!kubectl)('rejects an overlay that uses SQLite or breaks the shard count', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetops-overlay-'));
    cpSync('k8s-cronjobs', join(dir, 'k8s-cronjobs'), { recursive: true });
    const overlay = join(dir, 'k8s-cronjobs/overlays/staging');
    writeFileSync(join(overlay, 'fleetops.yaml'), 'store:\n  kind: sqlite\n');
    writeFileSync(join(overlay, 'kustomization.yaml'), readFileSync(join(overlay, 'kustomization.yaml'), 'utf8').replace('value: "2"', 'value: "3"'));

    const problems = checkProjectRules(build(overlay));

    expect(problems.some((p) => /^ConfigMap\/fleetops-config(-\w+)?: fleetops.yaml: store.kind must be postgres/.test(p))).toBe(true);
    expect(problems).toContain('CronJob/fleet-scan: FLEETOPS_SHARD_COUNT (3) must equal completions (2)');
  });

  it('flags a finalize step whose shard count differs from the Indexed Job\'s, and a secret the pods lack', () => {
    const cronJob = (name: string, env: Obj[], completions?: number) => ({
      kind: 'CronJob', metadata: { name },
      spec: { jobTemplate: { spec: { completions, template: { spec: { containers: [{ name: 'fleetops', env }] } } } } },
    });
    const config = { kind: 'ConfigMap', metadata: { name: 'fleetops-config' }, data: { 'fleetops.yaml': 'store:\n  kind: postgres\nchat:\n  kind: slack\n' } };
    const dbUrl = { name: 'FLEETOPS_DATABASE_URL', valueFrom: { secretKeyRef: { name: 'fleetops-secrets', key: 'database-url' } } };

    const problems = checkProjectRules([config, cronJob('fleet-scan', [dbUrl, { name: 'FLEETOPS_SHARD_COUNT', value: '4' }], 4), cronJob('fleet-scan-finalize', [dbUrl])]);

    expect(problems).toContain('CronJob/fleet-scan-finalize: FLEETOPS_SHARD_COUNT (undefined) must equal fleet-scan\'s completions (4)');
    expect(problems).toContain('CronJob/fleet-scan: fleetops.yaml: chat.slack.tokenEnv: environment variable SLACK_BOT_TOKEN is not set (secrets come only from the environment)');
    expect(problems.some((p) => p.includes('store.postgresUrlEnv'))).toBe(false);
  });

  it('flags root containers, literal secrets and missing deadlines', () => {
    const cj = { kind: 'CronJob', metadata: { name: 'x' }, spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'fleetops', env: [{ name: 'SLACK_BOT_TOKEN', value: 'xoxb' }], securityContext: { runAsUser: 0 } }] } } } } } };

    const problems = checkProjectRules([cj, { kind: 'Secret', metadata: { name: 's' }, data: { a: 'Yg==' } }]);

    expect(problems).toEqual(expect.arrayContaining([
      'CronJob/x: concurrencyPolicy must be Forbid', 'CronJob/x: activeDeadlineSeconds must be set', 'CronJob/x: container fleetops may run as root',
      'CronJob/x: env SLACK_BOT_TOKEN holds a literal value; use secretKeyRef', 'Secret/s: Secret values must not be in manifests; reference an existing Secret',
    ]));
  });
});

const CONFIGS = ['k8s-cronjobs/base/fleetops.yaml', 'k8s-cronjobs/overlays/staging/fleetops.yaml', 'k8s-cronjobs/overlays/production/fleetops.yaml'];
const cronJobs = parseAllDocuments(readFileSync('k8s-cronjobs/base/cronjobs.yaml', 'utf8')).map((d) => d.toJS() as Obj);
const containerOf = (cj: Obj): Obj => cj.spec.jobTemplate.spec.template.spec.containers[0];

/** The command and options as the CLI resolves them: the longest command name the leading words spell, the rest parsed strictly. */
function parseCli(args: string[]): { command?: string; positionals: string[] } {
  const command = COMMANDS.filter((c) => args.slice(0, c.name.split(' ').length).join(' ') === c.name).sort((a, b) => b.name.length - a.name.length)[0];
  if (!command) return { positionals: args };
  return { command: command.name, positionals: parseCommandArgs(args.slice(command.name.split(' ').length), command.options).positionals };
}

/** A pod's environment as the process sees it (secrets and ConfigMap keys stand in as placeholders). */
function podEnv(container: Obj): NodeJS.ProcessEnv {
  return Object.fromEntries((container.env as Obj[]).map((e) => [e.name, e.value ?? (e.valueFrom?.configMapKeyRef ? 'http://pushgateway.example:9091' : 'from-secret')]));
}

describe('CronJob containers against the CLI and the config', () => {
  it.each(cronJobs.map((cj) => [cj.metadata.name as string, cj] as const))('%s runs a real command with real options on the image entrypoint', (_name, cj) => {
    const container = containerOf(cj);

    const parsed = parseCli(container.args);

    expect(container.command).toBeUndefined();
    expect(parsed).toEqual({ command: JOB_SCHEDULES.find((s) => s.job === cj.metadata.name)?.args.filter((a) => !a.startsWith('-')).join(' '), positionals: [] });
  });

  it('the Argo WorkflowTemplate runs `ops run` with its real options', () => {
    const wt = parse(readFileSync('k8s-cronjobs/argo/workflowtemplate.yaml', 'utf8')) as Obj;
    const args = (wt.spec.templates[0].container.args as string[]).map((a) => a.replace('{{inputs.parameters.mode}}', 'execute').replace('{{inputs.parameters.request}}', '{}'));

    expect(parseCli(args)).toEqual({ command: 'ops run', positionals: [] });
  });

  it('rejects what is not a command or option (the check above can fail)', () => {
    expect(parseCli(['scan', 'finalize'])).toEqual({ command: 'scan', positionals: ['finalize'] });
    expect(parseCli(['runbook', 'lint']).command).toBeUndefined();
    expect(() => parseCli(['scan', '--finalise'])).toThrow(/--finalise/);
  });

  it.each(CONFIGS)('%s with each CronJob\'s environment is a valid config: known variables, a deadline before the pod\'s, output on a writable volume', (file) => {
    for (const cj of cronJobs) {
      const container = containerOf(cj);
      const env = podEnv(container);

      const config = loadConfig({ file, env });

      expect(env.FLEETOPS_CONFIG).toBe('/etc/fleetops/fleetops.yaml');
      expect(config.deadlineSeconds).toBeLessThan(cj.spec.jobTemplate.spec.activeDeadlineSeconds);
      const writable = (container.volumeMounts as Obj[]).filter((m) => !m.readOnly).map((m) => `${m.mountPath}/`);
      expect(writable.some((dir) => `${config.outDir}/`.startsWith(dir)), `${cj.metadata.name}: outDir ${config.outDir}`).toBe(true);
    }
  });

  it.each(CONFIGS)('%s sets each RCA evidence source explicitly, never to the simulated fleet\'s (refused with its real fleet)', (file) => {
    const raw = parse(readFileSync(file, 'utf8')) as Obj;

    const config = loadConfig({ file });

    expect([config.inventory.kind, config.metrics.kind]).toEqual(['prometheus', 'prometheus']);
    for (const source of ['logs', 'events', 'changes']) expect(['none', 'opensearch', 'argocd'], `${file}: ${source}.kind`).toContain(raw[source]?.kind);
  });

  it.each(CONFIGS)('%s puts the on-call handoff at the oncall-report CronJob\'s schedule, so the report covers the week that just ended', (file) => {
    const schedule = JOB_SCHEDULES.find((s) => s.job === 'oncall-report')!;
    const [minute, hour, , , weekday] = schedule.cron.split(' ');

    const { handoff } = loadConfig({ file }).report;

    expect(handoff).toEqual({
      weekday: ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'][Number(weekday)],
      time: `${hour.padStart(2, '0')}:${minute.padStart(2, '0')}`,
      timeZone: schedule.timeZone,
    });
  });
});

describe('monitoring', () => {
  it('alert rules and dashboard are generated from the schedule table', async () => {
    const { renderJobAlerts } = await import('../../src/deploy/job-alerts.js');
    const { renderGrafanaDashboard } = await import('../../src/deploy/grafana-dashboard.js');

    const alerts = renderJobAlerts();

    expect(readFileSync('k8s-cronjobs/monitoring/fleetops-job-alerts.rules.yaml', 'utf8')).toBe(alerts.rulesFile);
    expect(readFileSync('k8s-cronjobs/monitoring/fleetops-job-alerts.prometheusrule.yaml', 'utf8')).toBe(alerts.prometheusRule);
    expect(readFileSync('k8s-cronjobs/monitoring/grafana-dashboard.json', 'utf8')).toBe(renderGrafanaDashboard());
    expect(alerts.rulesFile).toContain('> 7200');
  });

  it.skipIf(!hasPromtool())('promtool accepts the alert rules', () => {
    const out = execFileSync('promtool', ['check', 'rules', 'k8s-cronjobs/monitoring/fleetops-job-alerts.rules.yaml'], { encoding: 'utf8' });

    expect(out).toMatch(/SUCCESS: 14 rules found/);
  });
});

function hasPromtool(): boolean {
  try {
    execFileSync('promtool', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
