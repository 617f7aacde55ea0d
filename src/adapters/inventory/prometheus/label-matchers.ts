/** Client-side evaluation of simple PromQL matcher lists (`a="x", b=~"y.*"`), to classify pods. */
export type LabelPredicate = (labels: Record<string, string>) => boolean;

const MATCHER = /([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g;

export function compileMatchers(matchers: string): LabelPredicate {
  const tests = [...matchers.matchAll(MATCHER)].map(([, name, op, raw]) => {
    const value = raw.replace(/\\(.)/g, '$1');
    const re = new RegExp(`^(?:${value})$`);
    return (labels: Record<string, string>): boolean => {
      const v = labels[name] ?? '';
      return op === '=' ? v === value : op === '!=' ? v !== value : op === '=~' ? re.test(v) : !re.test(v);
    };
  });
  return (labels) => tests.every((t) => t(labels));
}

/** The label names a matcher list reads (`namespace`, `pod`). */
export function matcherLabels(matchers: string): string[] {
  return [...matchers.matchAll(MATCHER)].map(([, name]) => name);
}
