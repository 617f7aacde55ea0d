/**
 * A PromQL syntax and type check for user templates, so that a template Prometheus would refuse
 * (an unknown function, `by` without parentheses, a dangling operator, `rate()` of an instant
 * vector, a bad duration) fails config validation, naming the signal, instead of every query of the
 * signal failing at run time. Lenient where Prometheus versions differ: it refuses only what every
 * Prometheus since 2.x refuses, and accepts newer forms (quoted UTF-8 names, float-second ranges).
 */

type ValueType = 'scalar' | 'instant' | 'range' | 'string';

interface Parsed {
  type: ValueType;
  /** A bare vector selector (only those take `[range]`). */
  selector?: boolean;
}

const AGGREGATORS = new Set(['sum', 'avg', 'count', 'min', 'max', 'group', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'count_values', 'limitk', 'limit_ratio']);
const PARAM_AGGREGATORS = new Set(['topk', 'bottomk', 'quantile', 'count_values', 'limitk', 'limit_ratio']);
const SET_OPERATORS = new Set(['and', 'or', 'unless']);
const WORD_OPERATORS = new Set([...SET_OPERATORS, 'atan2']);
const SYMBOL_OPERATORS = ['==', '!=', '<=', '>=', '+', '-', '*', '/', '%', '^', '<', '>'];

const TYPE_OF: Record<string, ValueType> = { v: 'instant', m: 'range', s: 'scalar', S: 'string' };

interface Signature {
  /** The type of each argument; the last one repeats for arguments past the list. */
  args: ValueType[];
  min: number;
  max: number;
}

/**
 * Function name → its argument types, as Prometheus checks them (`abs(1)`, a swapped
 * `histogram_quantile(…, 0.99)` are parse errors): v instant vector, m range vector, s scalar, S string;
 * `?` marks an optional last argument, `*` a last one that may repeat or be left out.
 */
const FUNCTIONS: Record<string, Signature> = Object.fromEntries([
  ...spec('m', 'rate irate increase delta idelta deriv changes resets avg_over_time min_over_time max_over_time sum_over_time count_over_time'),
  ...spec('m', 'stddev_over_time stdvar_over_time last_over_time first_over_time present_over_time absent_over_time mad_over_time'),
  ...spec('m', 'ts_of_min_over_time ts_of_max_over_time ts_of_last_over_time ts_of_first_over_time'),
  ...spec('m s', 'predict_linear'), ...spec('s m', 'quantile_over_time'), ...spec('m s s', 'holt_winters double_exponential_smoothing'),
  ...spec('v', 'abs absent acos acosh asin asinh atan atanh ceil cos cosh deg exp floor histogram_avg histogram_count histogram_stddev histogram_stdvar'),
  ...spec('v', 'histogram_sum ln log10 log2 rad scalar sgn sin sinh sort sort_desc sqrt tan tanh timestamp'), ...spec('s', 'vector'),
  ...spec('', 'time pi'), ...spec('v?', 'day_of_month day_of_week day_of_year days_in_month hour minute month year'),
  ...spec('v s?', 'round'), ...spec('v v?', 'info'), ...spec('v s', 'clamp_max clamp_min'), ...spec('s v', 'histogram_quantile'),
  ...spec('v s s', 'clamp'), ...spec('s s v', 'histogram_fraction'),
  ...spec('v S S S S', 'label_replace'), ...spec('v S S S*', 'label_join'), ...spec('v S*', 'sort_by_label sort_by_label_desc'),
]);

function spec(sig: string, names: string): [string, Signature][] {
  const words = sig.split(' ').filter(Boolean);
  const optional = words.filter((w) => /[?*]$/.test(w)).length;
  const signature = { args: words.map((w) => TYPE_OF[w[0]]), min: words.length - optional, max: sig.endsWith('*') ? Infinity : words.length };
  return names.split(' ').map((n) => [n, signature]);
}

/** `a range vector`, `an instant vector`, `a scalar`, `a string`. */
const aType = (t: ValueType) => (t === 'instant' ? 'an instant vector' : t === 'range' ? 'a range vector' : `a ${t}`);

const SCALAR_FUNCTIONS = new Set(['scalar', 'time', 'pi']);

const TOKEN = new RegExp([
  /(?<ws>\s+)/, /(?<dur>(?:\d+(?:ms|[smhdwy]))+(?!\w))/, /(?<num>0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?!\w))/,
  /(?<str>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`]*`)/, /(?<id>[a-zA-Z_:][\w:]*)/, /(?<op>==|!=|<=|>=|=~|!~|[-+*/%^<>=(){}[\],@])/,
].map((r) => r.source).join('|'), 'y');

interface Token { kind: 'dur' | 'num' | 'str' | 'id' | 'op' | 'eof'; text: string; at: number }

/**
 * The first escape a quoted string may not hold, as Prometheus's lexer reads them (Go's: \\ \n \t …,
 * the string's own quote, octal, \x \u \U); a backtick string has none. `"a\.b"` is an error there.
 */
function badEscape(str: string): string | undefined {
  const quote = str[0];
  if (quote === '`') return undefined;
  const ok = new RegExp(`^\\\\(?:[abfnrtv\\\\${quote}]|x[0-9a-fA-F]{2}|[0-7]{3}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})`);
  for (let i = 1; i < str.length - 1; i++) {
    if (str[i] !== '\\') continue;
    const m = ok.exec(str.slice(i));
    if (!m) return str.slice(i, i + 2);
    i += m[0].length - 1;
  }
  return undefined;
}

function tokenize(expr: string): Token[] | string {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expr.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(expr);
    if (!m?.groups) return `unexpected character '${expr[at]}' near \`${expr.slice(at, at + 30)}\``;
    const kind = (['dur', 'num', 'str', 'id', 'op'] as const).find((k) => m.groups?.[k] !== undefined);
    const escape = kind === 'str' ? badEscape(m[0]) : undefined;
    if (escape) return `unknown escape sequence ${escape} in the string near \`${expr.slice(at, at + 30)}\` (a regex's literal ${escape[1]} is written \\${escape})`;
    if (kind) tokens.push({ kind, text: m[0], at });
  }
  tokens.push({ kind: 'eof', text: 'end of input', at: expr.length });
  return tokens;
}

class SyntaxProblem extends Error {}

/** The first syntax or type error of a PromQL expression (as a range query would run it), or undefined. */
export function promqlSyntaxError(expr: string): string | undefined {
  const tokens = tokenize(expr);
  if (typeof tokens === 'string') return tokens;
  const p = new Parser(tokens, expr);
  try {
    const { type } = p.expr();
    p.expect('eof');
    if (type === 'range' || type === 'string') throw new SyntaxProblem(`the expression is a ${type === 'range' ? 'range vector' : 'string'}; a range query needs an instant vector or a scalar`);
    return undefined;
  } catch (err) {
    if (err instanceof SyntaxProblem) return err.message;
    throw err;
  }
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[], private readonly text: string) {}

  private get tok(): Token { return this.tokens[this.i]; }
  private word(): string { return this.tok.kind === 'id' ? this.tok.text.toLowerCase() : ''; }
  private is(text: string): boolean { return this.tok.kind === 'op' && this.tok.text === text; }
  private fail(what: string): never {
    const near = this.text.slice(this.tok.at, this.tok.at + 30).trim();
    throw new SyntaxProblem(`${what} ${near ? `near \`${near}\`` : 'at the end'}`);
  }

  expect(kindOrOp: string): Token {
    const t = this.tok;
    if (kindOrOp === 'eof' ? t.kind !== 'eof' : !this.is(kindOrOp)) this.fail(`unexpected ${describe(t)}, expected ${kindOrOp === 'eof' ? 'end of input' : `'${kindOrOp}'`}`);
    this.i++;
    return t;
  }

  /** operand (binary-operator operand)* ; precedence does not change validity or the result type here. */
  expr(): Parsed {
    let left = this.unary();
    for (;;) {
      const op = this.tok.kind === 'op' && SYMBOL_OPERATORS.includes(this.tok.text) ? this.tok.text : WORD_OPERATORS.has(this.word()) ? this.word() : undefined;
      if (!op) return left;
      this.i++;
      this.binaryModifiers();
      const right = this.unary();
      for (const side of [left, right]) if (side.type === 'range' || side.type === 'string') this.fail(`operator '${op}' cannot take a ${side.type === 'range' ? 'range vector' : 'string'}`);
      if (SET_OPERATORS.has(op) && (left.type === 'scalar' || right.type === 'scalar')) this.fail(`set operator '${op}' needs vectors on both sides`);
      left = { type: left.type === 'scalar' && right.type === 'scalar' ? 'scalar' : 'instant' };
    }
  }

  private binaryModifiers(): void {
    if (this.word() === 'bool') this.i++;
    if (this.word() === 'on' || this.word() === 'ignoring') { this.i++; this.labelList(); }
    if (this.word() === 'group_left' || this.word() === 'group_right') { this.i++; if (this.is('(')) this.labelList(); }
  }

  private unary(): Parsed {
    if (this.is('-') || this.is('+')) {
      this.i++;
      const inner = this.unary();
      if (inner.type === 'range' || inner.type === 'string') this.fail('unary minus/plus needs a scalar or an instant vector');
      return { type: inner.type };
    }
    return this.postfix(this.primary());
  }

  /** `[range]`, `[range:step]` subqueries, `offset` and `@` modifiers. */
  private postfix(base: Parsed): Parsed {
    let cur = base;
    for (;;) {
      if (this.is('[')) {
        this.i++;
        const subquery = this.rangeBody();
        if (!subquery && !cur.selector) this.fail('a [range] needs a vector selector (use a subquery [range:step] for an expression)');
        if (subquery && cur.type !== 'instant') this.fail('a subquery needs an instant vector');
        cur = { type: 'range' };
      } else if (this.word() === 'offset') {
        this.i++;
        if (this.is('-') || this.is('+')) this.i++;
        this.duration();
        if (!cur.selector && cur.type !== 'range') this.fail("'offset' needs a vector selector or a subquery");
      } else if (this.is('@')) {
        this.i++;
        if (this.word() === 'start' || this.word() === 'end') { this.i++; this.expect('('); this.expect(')'); } else { if (this.is('-') || this.is('+')) this.i++; this.number(); }
      } else {
        return cur;
      }
    }
  }

  /** After `[`: a duration, optionally `:` and a step; consumes `]`. Returns whether it is a subquery. */
  private rangeBody(): boolean {
    this.duration();
    // `:1m` lexes as one identifier (metric names may hold colons): a colon, then the step if any
    const colon = this.tok.kind === 'id' && this.tok.text.startsWith(':') ? this.tok.text.slice(1) : undefined;
    if (colon !== undefined) {
      if (colon !== '' && !/^(\d+(ms|[smhdwy]))+$/.test(colon)) this.fail(`bad subquery step '${colon}'`);
      this.i++;
      if (colon === '' && !this.is(']')) this.duration();
    }
    this.expect(']');
    return colon !== undefined;
  }

  private duration(): void {
    if (this.tok.kind === 'dur' || (this.tok.kind === 'num' && /^\d+(\.\d+)?$/.test(this.tok.text))) { this.i++; return; }
    this.fail(`bad duration ${describe(this.tok)} (e.g. 5m, 1h30m)`);
  }

  private number(): void {
    if (this.tok.kind === 'num' || ['inf', 'nan'].includes(this.word())) { this.i++; return; }
    this.fail(`expected a number, got ${describe(this.tok)}`);
  }

  private primary(): Parsed {
    const t = this.tok;
    if (this.is('(')) { this.i++; const inner = this.expr(); this.expect(')'); return { type: inner.type }; }
    if (this.is('{')) { this.matchers(); return { type: 'instant', selector: true }; }
    if (t.kind === 'num' || t.kind === 'dur' || ['inf', 'nan'].includes(this.word())) { this.i++; return { type: 'scalar' }; }
    if (t.kind === 'str') { this.i++; return { type: 'string' }; }
    if (t.kind !== 'id') this.fail(`unexpected ${describe(t)}`);
    const next = this.tokens[this.i + 1];
    const opensCall = next.kind === 'op' && next.text === '(';
    if (AGGREGATORS.has(this.word()) && (opensCall || ['by', 'without'].includes(next.text.toLowerCase()))) return this.aggregation();
    if (opensCall) return this.call();
    if (['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset'].includes(this.word())) this.fail(`unexpected keyword '${t.text}'`);
    this.i++;
    if (this.is('{')) this.matchers();
    return { type: 'instant', selector: true };
  }

  private aggregation(): Parsed {
    const name = this.word();
    this.i++;
    const grouped = this.grouping();
    const args = this.args();
    if (!grouped) this.grouping();
    const want = PARAM_AGGREGATORS.has(name) ? 2 : 1;
    if (args.length !== want) this.fail(`${name}() takes ${want} argument${want > 1 ? 's' : ''}, got ${args.length}`);
    if (args[want - 1].type !== 'instant') this.fail(`${name}() needs an instant vector, got a ${args[want - 1].type === 'range' ? 'range vector' : args[want - 1].type}`);
    const param = name === 'count_values' ? 'string' : 'scalar';
    if (want === 2 && args[0].type !== param) this.fail(`${name}() needs ${aType(param)} parameter, got ${aType(args[0].type)}`);
    return { type: 'instant' };
  }

  private grouping(): boolean {
    if (this.word() !== 'by' && this.word() !== 'without') return false;
    this.i++;
    this.labelList();
    return true;
  }

  private call(): Parsed {
    const name = this.tok.text;
    if (!(name in FUNCTIONS)) this.fail(`unknown function ${name}()`);
    this.i++;
    const args = this.args();
    const { args: types, min, max } = FUNCTIONS[name];
    if (args.length < min || args.length > max) this.fail(`${name}() takes ${min === max ? min : `${min} to ${max}`} argument(s), got ${args.length}`);
    args.forEach((a, k) => {
      const want = types[Math.min(k, types.length - 1)];
      if (want === 'range' && a.type !== 'range') this.fail(`${name}() needs a range vector (e.g. x[5m]) as argument ${k + 1}`);
      if (want !== 'range' && a.type === 'range') this.fail(`${name}() cannot take a range vector as argument ${k + 1}`);
      if (a.type !== want) this.fail(`${name}() needs ${aType(want)} as argument ${k + 1}, got ${aType(a.type)}`);
    });
    return { type: SCALAR_FUNCTIONS.has(name) ? 'scalar' : 'instant' };
  }

  private args(): Parsed[] {
    this.expect('(');
    const out: Parsed[] = [];
    while (!this.is(')')) {
      out.push(this.expr());
      if (!this.is(')')) this.expect(',');
    }
    this.i++;
    return out;
  }

  /** `(a, b)` of label names (identifiers or quoted), a trailing comma allowed. */
  private labelList(): void {
    this.expect('(');
    while (!this.is(')')) {
      if (this.tok.kind !== 'id' && this.tok.kind !== 'str') this.fail(`expected a label name, got ${describe(this.tok)}`);
      this.i++;
      if (!this.is(')')) this.expect(',');
    }
    this.i++;
  }

  /** `{name op "value", …}`; a bare quoted string is a metric name (Prometheus 3). */
  private matchers(): void {
    this.expect('{');
    while (!this.is('}')) {
      const bare = this.tok.kind === 'str';
      if (this.tok.kind !== 'id' && !bare) this.fail(`expected a label matcher, got ${describe(this.tok)}`);
      this.i++;
      if (!(bare && (this.is(',') || this.is('}')))) {
        if (!['=', '!=', '=~', '!~'].some((op) => this.is(op))) this.fail(`expected one of = != =~ !~ in a label matcher, got ${describe(this.tok)}`);
        this.i++;
        if (this.tok.kind !== 'str') this.fail(`expected a quoted label value, got ${describe(this.tok)}`);
        this.i++;
      }
      if (!this.is('}')) this.expect(',');
    }
    this.i++;
  }
}

function describe(t: Token): string {
  return t.kind === 'eof' ? 'end of input' : `'${t.text}'`;
}
