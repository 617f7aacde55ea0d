import { describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/cli/app-context.js';
import { remediationConfigOf } from '../../src/cli/commands/proposals-command.js';
import { ConfigError } from '../../src/core/errors.js';

/** zod's own wording, which no error may show. */
const RAW = /Invalid option|Invalid input|Too small|Too big|Unrecognized key|expected number to be|received/;

const appWith = (remediation: unknown) => ({ config: { remediation } }) as unknown as AppContext;

function errorOf(remediation: unknown): string {
  try {
    remediationConfigOf(appWith(remediation));
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('remediationConfigOf', () => {
  it.each([
    // before: `remediation.autonomy.defaultLevel: Invalid input`
    [{ autonomy: { defaultLevel: 5 } }, 'remediation.autonomy.defaultLevel: expected one of 0, 1, 2, 3, found number 5'],
    // before: `remediation.changeFreeze.0.endsAt: startsAt must be before endsAt`
    [{ changeFreeze: [{ startsAt: '2026-11-30T12:00:00Z', endsAt: '2026-11-30T08:00:00Z', reason: 'x' }] }, 'remediation.changeFreeze.0.endsAt: expected a time after startsAt (2026-11-30T12:00:00Z), found string "2026-11-30T08:00:00Z"'],
    [{ surprise: true }, 'remediation.surprise: unknown key (check spelling; see fleetops.example.yaml)'],
  ])('%j names the field under remediation, what it expects and what was found', (remediation, message) => {
    const got = errorOf(remediation);

    expect(got).toBe(message);
    expect(got).not.toMatch(RAW);
  });
});
