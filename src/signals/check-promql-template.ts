import { promqlSyntaxError } from './promql-syntax.js';
import { PLACEHOLDERS } from './schema.js';

const PAIRS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/** Stand-ins that keep a rendered template syntactically like the real thing. */
const STAND_INS: Record<string, string> = {
  clusterLabel: 'cluster', clusterMatcher: 'cluster=~"a|b"', componentMatcher: 'namespace="x"', rateWindow: '5m', stepSeconds: '300',
};

/**
 * A PromQL check for templates: known placeholders, the required ones, balanced brackets and closed
 * string literals, then the syntax and types of the template filled with stand-ins (promql-syntax).
 * Returns the first problem, or undefined.
 */
export function checkPromqlTemplate(template: string, opts: { needsComponentMatcher?: boolean } = {}): string | undefined {
  const used = [...template.matchAll(/\{\{\s*([a-zA-Z]+)\s*\}\}/g)].map((m) => m[1]);
  const unknown = used.find((p) => !(PLACEHOLDERS as readonly string[]).includes(p));
  if (unknown) return `unknown placeholder {{${unknown}}}`;
  const required = ['clusterMatcher', 'clusterLabel', ...(opts.needsComponentMatcher ? ['componentMatcher'] : [])];
  const missing = required.find((p) => !used.includes(p));
  if (missing) return `missing placeholder {{${missing}}}`;
  // renderPromql fills {{componentMatcher}} with nothing outside `component: '*'`
  const standIns = opts.needsComponentMatcher ? STAND_INS : { ...STAND_INS, componentMatcher: '' };
  const filled = template.replace(/\{\{\s*([a-zA-Z]+)\s*\}\}/g, (_, p: string) => standIns[p]);
  return checkBrackets(filled) ?? promqlSyntaxError(filled);
}

/** Brackets must nest and close, ignoring those inside string literals; quotes must close. */
function checkBrackets(expr: string): string | undefined {
  const stack: string[] = [];
  for (let i = 0; i < expr.length; i++) {
    const ch = expr[i];
    if (ch === '"' || ch === "'" || ch === '`') {
      const end = closingQuote(expr, i);
      if (end < 0) return `unclosed ${ch} string at offset ${i}`;
      i = end;
    } else if (ch === '(' || ch === '[' || ch === '{') {
      stack.push(ch);
    } else if (ch in PAIRS) {
      if (stack.pop() !== PAIRS[ch]) return `unbalanced '${ch}' at offset ${i}`;
    } else if (ch === '#') {
      return 'comments are not allowed in templates';
    }
  }
  return stack.length ? `unclosed '${stack[stack.length - 1]}'` : undefined;
}

function closingQuote(expr: string, start: number): number {
  const quote = expr[start];
  for (let i = start + 1; i < expr.length; i++) {
    if (expr[i] === '\\' && quote !== '`') i++;
    else if (expr[i] === quote) return i;
  }
  return -1;
}
