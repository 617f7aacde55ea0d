import { stringify } from 'yaml';
import { checkRequirements } from '../../core/config/load-config.js';
import { SECRET_ENV_FIELDS } from '../../core/config/schema.js';
import { secretEnvFields } from '../../core/config/requirements.js';
import { configFileOf, createAppContext } from '../app-context.js';
import type { Command } from '../command.js';

const SECRETISH = /auth|token|secret|password|key/i;

export const configValidate: Command = {
  name: 'config validate',
  summary: 'Validate the config (file, environment, flags) and what its kinds need (secrets, required fields); exit 2 naming each bad field',
  async run(args, io) {
    const ctx = createAppContext(args, { env: io.env, logger: io.logger });
    // the secrets and kind-specific fields the jobs would otherwise miss only mid-run (a digest's document, a Slack post)
    checkRequirements(ctx.config, { file: configFileOf(args, io.env), env: io.env });
    io.stdout(`config ok: store=${ctx.config.store.kind} metrics=${ctx.config.metrics.kind} chat=${ctx.config.chat.kind} llm=${ctx.config.llm.kind} out=${ctx.outDir}\n`);
    return 0;
  },
};

export const configPrint: Command = {
  name: 'config print',
  summary: 'Print the effective config as YAML, secrets masked',
  async run(args, io) {
    const { config } = createAppContext(args, { env: io.env, logger: io.logger });
    const masked = structuredClone(config) as Record<string, unknown>;
    const headers = (masked.metrics as { prometheus: { headers: Record<string, string> } }).prometheus.headers;
    for (const k of Object.keys(headers)) if (SECRETISH.test(k)) headers[k] = '***';
    const always = SECRET_ENV_FIELDS.map((field) => field.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], config) as string);
    // and the secrets of the configured kinds and optional sections (an Argo Workflows token only as the executor's)
    const names = [...new Set([...always, ...secretEnvFields(config).map((s) => s.name)])];
    const secrets = Object.fromEntries(names.map((name) => [name, io.env[name] ? '*** (set)' : '(unset)']));
    io.stdout(stringify({ ...masked, secretsFromEnvironment: secrets }));
    return 0;
  },
};
