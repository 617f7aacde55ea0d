import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Runs an ES module `script` (TypeScript imports allowed, through tsx) in a child Node process per
 * locale, with LANG and LC_ALL set to it: what `localeCompare` and friends follow.
 */
export function runUnderLocales(script: string, locales: readonly string[] = ['en_US.UTF-8', 'et_EE.UTF-8']): { stdout: string; stderr: string }[] {
  const tsx = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href;
  return locales.map((lang) => spawnSync(process.execPath, ['--import', tsx, '--input-type=module', '-e', script], {
    encoding: 'utf8', env: { ...process.env, LANG: lang, LC_ALL: lang },
  }));
}
