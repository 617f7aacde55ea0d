/**
 * Masks secrets, tokens, e-mail and IP addresses in text before it leaves for an LLM.
 * Pure, deterministic and idempotent: placeholders (`[REDACTED:kind]`) match no rule, so
 * `redactText(redactText(s)) === redactText(s)`. It errs towards masking too much (a 40-hex
 * commit id is masked like a token): a masked value costs the model a detail, a leak costs a secret.
 */

export type RedactionKind =
  | 'private-key' | 'jwt' | 'bearer' | 'aws-access-key' | 'slack-token' | 'secret' | 'email' | 'ipv6' | 'ipv4';

const mask = (kind: RedactionKind) => `[REDACTED:${kind}]`;
/** Key names that hold secrets; `pass` only as a whole segment (DB_PASS, redis.pass), not inside "bypass". */
const SECRET_KEY = String.raw`(?:[\w.-]{0,64}?(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credentials?)|(?:[\w.-]{0,64}?[_.-])?pass)`;
const HEX4 = '[0-9a-fA-F]{1,4}';

interface Rule {
  kind: RedactionKind;
  pattern: RegExp;
  replace?: (match: string, ...groups: string[]) => string;
  accept?: (match: string) => boolean;
}

/** Order matters: whole blocks and structured tokens first, generic key-values and long strings last. */
const RULES: Rule[] = [
  // PEM and PGP (`PRIVATE KEY BLOCK`) armour
  { kind: 'private-key', pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g },
  // credentials in a URL (postgres://user:pass@host, redis://:pass@host, https://user:pass@10.1.2.3)
  { kind: 'secret', pattern: /\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)(?!\[REDACTED:)[^\s@/]+@/gi, replace: (_m, head) => `${head}${mask('secret')}@` },
  { kind: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g },
  {
    kind: 'bearer',
    pattern: /\b(Authorization["']?\s*[:=]\s*["']?)(?:(Basic|Digest|Negotiate|Bearer)\s+)?(?!\[REDACTED|(?:Basic|Digest|Negotiate|Bearer)\b)[^\s"',;]+/gi,
    replace: (_m, head, scheme) => `${head}${scheme ? `${scheme} ` : ''}${mask('bearer')}`,
  },
  { kind: 'bearer', pattern: /\b(Bearer)(\s+)[A-Za-z0-9\-._~+/]{8,}=*/gi, replace: (_m, scheme, space) => `${scheme}${space}${mask('bearer')}` },
  { kind: 'aws-access-key', pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{16}\b/g },
  { kind: 'slack-token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{6,}/g },
  { kind: 'slack-token', pattern: /\bxapp-[A-Za-z0-9-]{10,}/g },
  {
    kind: 'secret',
    pattern: new RegExp(String.raw`((?<![\w.-])${SECRET_KEY}(["']?)\s*[=:]\s*)(?!["']?\[REDACTED:)("[^"\n]*"|'[^'\n]*'|[^\s,;&"'}\]]+)`, 'gi'),
    replace: (_m, head, _q, value) => `${head}${/^["']/.test(value) ? `${value[0]}${mask('secret')}${value[0]}` : mask('secret')}`,
  },
  { kind: 'email', pattern: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}\b/g },
  { kind: 'ipv6', pattern: new RegExp(String.raw`(?<![\w:.])(?:(?:${HEX4}:){7}${HEX4}|(?:${HEX4}:){1,7}:(?:${HEX4}(?::${HEX4}){0,6})?|::(?:${HEX4}(?::${HEX4}){0,6})?)(?:/\d{1,3})?(?![\w:.])`, 'g'), accept: (m) => m !== '::' },
  { kind: 'ipv4', pattern: /(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?::\d{1,5}|\/\d{1,2})?(?![\w.])/g },
  { kind: 'secret', pattern: /(?<![0-9A-Za-z])[0-9a-fA-F]{32,}(?![0-9A-Za-z])/g },
  { kind: 'secret', pattern: /(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{40,}={0,2}(?![A-Za-z0-9+/=_-])/g, accept: (m) => /[A-Z]/.test(m) && /[a-z]/.test(m) && /\d/.test(m) },
];

export function redactText(text: string): string {
  let out = text;
  for (const rule of RULES) {
    out = out.replace(rule.pattern, (match: string, ...rest: unknown[]) => {
      if (rule.accept && !rule.accept(match)) return match;
      return rule.replace ? rule.replace(match, ...(rest.filter((r) => typeof r === 'string' || r === undefined) as string[])) : mask(rule.kind);
    });
  }
  return out;
}

/** Redacts every string in a JSON-like value; a primitive under a secret-looking key is masked whole. */
export function redactValue(value: unknown, key = ''): unknown {
  if (typeof value === 'string') return isSecretKey(key) ? mask('secret') : redactText(value);
  if ((typeof value === 'number' || typeof value === 'boolean') && isSecretKey(key)) return mask('secret');
  if (Array.isArray(value)) return value.map((v) => redactValue(v, key));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redactText(k), redactValue(v, k)]));
  }
  return value;
}

function isSecretKey(key: string): boolean {
  return new RegExp(`^${SECRET_KEY}$`, 'i').test(key);
}
