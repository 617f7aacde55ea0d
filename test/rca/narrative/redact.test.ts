import { describe, expect, it } from 'vitest';
import { redactText, redactValue } from '../../../src/rca/narrative/redact.js';

const SECRETS: [string, string, string][] = [
  ['aws access key', 'using key AKIAIOSFODNN7EXAMPLE for s3', '[REDACTED:aws-access-key]'],
  ['bearer token', 'curl -H "Authorization: Bearer abc.def-ghi_123456"', '[REDACTED:bearer]'],
  ['bare bearer', 'sent Bearer 0123abcdEFGH4567 upstream', 'Bearer [REDACTED:bearer]'],
  ['basic auth header', 'Authorization: Basic dXNlcjpwYXNzd29yZA==', 'Authorization: Basic [REDACTED:bearer]'],
  ['slack bot token', 'token xoxb-1234567890-abcdefghij in env', '[REDACTED:slack-token]'],
  ['slack user token', 'xoxp-11111-22222-abcdef', '[REDACTED:slack-token]'],
  ['jwt', 'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', '[REDACTED:jwt]'],
  ['password kv', 'db connect password=hunter2 failed', 'password=[REDACTED:secret]'],
  ['token kv', 'GITHUB_TOKEN: ghp_aaaa', 'GITHUB_TOKEN: [REDACTED:secret]'],
  ['secret kv in json', '{"client_secret":"s3cr3t value"}', '"client_secret":"[REDACTED:secret]"'],
  ['private key block', 'key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----\nend', '[REDACTED:private-key]'],
  ['long hex', 'sig 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', 'sig [REDACTED:secret]'],
  ['long base64', 'blob wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY0123 end', 'blob [REDACTED:secret] end'],
  ['email', 'paged alice.smith+oncall@example.co.uk twice', 'paged [REDACTED:email] twice'],
  ['ipv4 with port', 'dial tcp 10.2.3.4:53: i/o timeout', 'dial tcp [REDACTED:ipv4]: i/o timeout'],
  ['ipv6', 'from fe80::1ff:fe23:4567:890a and 2001:db8:0:0:0:0:2:1', 'from [REDACTED:ipv6] and [REDACTED:ipv6]'],
  ['ipv6 loopback', 'bound to ::1 only', 'bound to [REDACTED:ipv6] only'],
  ['password in a url', 'dial failed: postgres://orders:pgpass77@db-primary:5432/orders', 'postgres://orders:[REDACTED:secret]@db-primary:5432/orders'],
  ['password-only url', 'redis://:hunter2pw@redis-master:6379/0', 'redis://:[REDACTED:secret]@redis-master:6379/0'],
  ['url credentials before an ip', 'GET https://admin:S3cretPass@10.1.2.3/metrics 401', 'https://admin:[REDACTED:secret]@'],
  ['pgp private key block', '-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQOYBF0abc\n-----END PGP PRIVATE KEY BLOCK-----', '[REDACTED:private-key]'],
  ['pass as a key segment', 'env DB_PASS=hunter2 set', 'DB_PASS=[REDACTED:secret]'],
];

const KEPT = [
  'coredns 1.11.3 rolled out to 42 clusters at 12:30:45 UTC',
  'availability 97.2% over 5m, p99 latency 850ms',
  'pod coredns-7d8f9c6b5-x2kqp in kube-system was OOMKilled',
  'tokens used: 1200, inputTokens=900',
  'std::string in a stack trace',
  'bypass=true for the health probe; compass: north',
  'see https://grafana.example.com/d/abc?orgId=1 for the dashboard',
];

describe('redactText', () => {
  it.each(SECRETS)('masks %s', (_kind, text, expected) => {
    const out = redactText(text);

    expect(out).toContain(expected);
  });

  it.each(SECRETS)('is idempotent on %s', (_kind, text) => {
    const once = redactText(text);

    expect(redactText(once)).toBe(once);
  });

  it.each(SECRETS)('leaves no part of the %s secret', (_kind, text) => {
    const secretParts = ['pgpass77', 'hunter2pw', 'S3cretPass', 'lQOYBF0abc', 'AKIAIOSFODNN7EXAMPLE', 'abc.def-ghi_123456', '0123abcdEFGH4567', 'dXNlcjpwYXNzd29yZA', 'xoxb-', 'xoxp-', 'eyJ', 'hunter2', 'ghp_aaaa', 's3cr3t', 'MIIEow', '9f86d08', 'wJalrXUtnFEMI', '@example', '10.2.3.4', 'fe80', '2001:db8', '::1'];

    const out = redactText(text);

    for (const part of secretParts) expect(out).not.toContain(part);
  });

  it.each(KEPT)('keeps ordinary operational text: %s', (text) => {
    expect(redactText(text)).toBe(text);
  });
});

describe('redactValue', () => {
  it('masks values under secret keys and strings everywhere, keeping the shape', () => {
    const value = { password: 'p', apiKey: 12345, nested: [{ note: 'mail bob@example.com' }], count: 3 };

    const out = redactValue(value);

    expect(out).toEqual({ password: '[REDACTED:secret]', apiKey: '[REDACTED:secret]', nested: [{ note: 'mail [REDACTED:email]' }], count: 3 });
  });
});
