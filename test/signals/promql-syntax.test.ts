import { describe, expect, it } from 'vitest';
import { promqlSyntaxError } from '../../src/signals/promql-syntax.js';

describe('promqlSyntaxError', () => {
  // each accepted by a real Prometheus 2.42 as a range query (/work/review13/prom/promql-diff.mts)
  it.each([
    'x{a="b",}', '{__name__="x"}', 'rate(x[1h30m])', 'rate(x[5m:1m])', 'rate(x[5m:])', 'max_over_time(rate(x[5m])[1h:5m])', 'SUM(x)', 'sum(x) by (a)',
    'sum by () (x)', 'topk by (a) (1, x)', 'count_values("v", x)', 'quantile by (a) (0.5, x)', 'x offset -5m', 'rate(x[5m] offset 1h)', 'x{a="b"} offset 5m @ start()',
    'x @ 1.5e9', '- - x', 'x == bool on(a) y', 'x * on(a) group_left y', 'x / on() group_left() y', 'x unless on() y', 'x AND y', 'x atan2 y', 'x > 0 < 10',
    'holt_winters(x[5m], 0.5, 0.5)', 'quantile_over_time(0.9, x[5m])', 'label_replace(x, "a", "$1", "b", "(.*)")', 'label_join(x, "a", ",", "b", "c")',
    'histogram_quantile(0.9, sum by (le) (rate(x[5m])))', 'vector(time())', 'day_of_week()', 'scalar(sum(x)) * x', 'x:y:z{on="a"}', 'sum by (le, on, by) (x)',
    'x * 0x10 + 1e-3 - .5', 'x != NaN', 'x == Inf', "x{a='b', c=`d`}", 'x{a="\\"q"}', 'sum by (a)\n  (rate(x[5m]))\n/ 2',
    'x{a=~"a\\\\.b\\n\\t\\x41\\u00e9\\101"}', "x{a='it\\'s'}", 'x{a=~`a\\.b`}',
  ])('accepts %s', (expr) => {
    expect(promqlSyntaxError(expr)).toBeUndefined();
  });

  it.each(['rate(x[300])', 'x{"utf8.name"}', 'sum by ("utf8.name") (x)'])('accepts %s, valid on newer Prometheus versions (never refuse what a server may take)', (expr) => {
    expect(promqlSyntaxError(expr)).toBeUndefined();
  });

  it.each([
    ['rte(x[5m])', /unknown function rte\(\)/],
    ['Rate(x[5m])', /unknown function Rate\(\)/],
    ['sum by a (x)', /expected '\('/],
    ['sum by (a) (x) /', /unexpected end of input at the end/],
    ['/ x', /unexpected '\/'/],
    ['x y', /unexpected 'y', expected end of input/],
    ['x{a: "b"}', /unexpected character ':'|expected one of = != =~ !~/],
    ['x{a=b}', /expected a quoted label value/],
    ['x{pod=~"a\\.b"}', /unknown escape sequence \\\. in the string near `"a\\\.b"\}` \(a regex's literal \. is written \\\\\.\)/],
    ["x{pod=~'a\\d'}", /unknown escape sequence \\d/],
    ['x{a="b" c="d"}', /expected ','/],
    ['x[5x]', /bad duration|unexpected character/],
    ['x[]', /bad duration/],
    ['sum()', /sum\(\) takes 1 argument, got 0/],
    ['topk(x)', /topk\(\) takes 2 arguments, got 1/],
    ['sum(x[5m])', /sum\(\) needs an instant vector, got a range vector/],
    ['sum(1)', /sum\(\) needs an instant vector, got a scalar/],
    ['rate(x)', /rate\(\) needs a range vector/],
    ['quantile_over_time(x[5m], 0.9)', /argument 1|argument 2/],
    ['rate(x[5m], 1)', /rate\(\) takes 1 argument\(s\), got 2/],
    ['abs()', /abs\(\) takes 1 argument\(s\), got 0/],
    ['(x)[5m]', /a \[range\] needs a vector selector/],
    ['x + x[5m]', /cannot take a range vector/],
    ['-x[5m]', /unary minus\/plus/],
    ['x[5m]', /the expression is a range vector/],
    ['"str"', /the expression is a string/],
    ['(x) offset 5m', /'offset' needs a vector selector/],
    ['x offset', /bad duration/],
    ['1 and 2', /set operator 'and' needs vectors/],
    ['x bool y', /unexpected 'bool'/],
    ['x[5m:1x]', /bad subquery step|unexpected/],
    ['x ; y', /unexpected character ';'/],
    // argument types Prometheus 2.42 refuses ("expected type scalar in call to function …")
    ['histogram_quantile(sum by (le) (rate(x[5m])), 0.99)', /histogram_quantile\(\) needs a scalar as argument 1, got an instant vector/],
    ['histogram_quantile(0.99, 0.5)', /histogram_quantile\(\) needs an instant vector as argument 2, got a scalar/],
    ['quantile_over_time(x, y[5m])', /quantile_over_time\(\) needs a scalar as argument 1, got an instant vector/],
    ['predict_linear(x[5m], y)', /predict_linear\(\) needs a scalar as argument 2/],
    ['vector(x)', /vector\(\) needs a scalar as argument 1/],
    ['abs(1)', /abs\(\) needs an instant vector as argument 1, got a scalar/],
    ['abs("x")', /abs\(\) needs an instant vector as argument 1, got a string/],
    ['round(x, y)', /round\(\) needs a scalar as argument 2/],
    ['clamp_max(x, y)', /clamp_max\(\) needs a scalar as argument 2/],
    ['holt_winters(x[5m], y, 0.5)', /holt_winters\(\) needs a scalar as argument 2/],
    ['day_of_week(1)', /day_of_week\(\) needs an instant vector as argument 1/],
    ['label_replace(x, a, "$1", "b", "(.*)")', /label_replace\(\) needs a string as argument 2, got an instant vector/],
    ['label_join(x, "a", ",", "b", 1)', /label_join\(\) needs a string as argument 5, got a scalar/],
    ['topk(x, x)', /topk\(\) needs a scalar parameter, got an instant vector/],
    ['topk("a", x)', /topk\(\) needs a scalar parameter, got a string/],
    ['count_values(1, x)', /count_values\(\) needs a string parameter, got a scalar/],
    ['quantile(x, x)', /quantile\(\) needs a scalar parameter/],
  ])('rejects %s', (expr, reason) => {
    expect(promqlSyntaxError(expr)).toMatch(reason);
  });
});
