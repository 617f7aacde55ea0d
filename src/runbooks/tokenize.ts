const STOPWORDS = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'by', 'do', 'for', 'from', 'if', 'in', 'into', 'is', 'it', 'its',
  'not', 'of', 'on', 'or', 'so', 'than', 'that', 'the', 'then', 'there', 'this', 'to', 'was', 'when', 'with',
]);

// Ordered: the first matching suffix wins. Deliberately light: query and documents go through the
// same function, so consistency matters more than linguistic accuracy.
const SUFFIXES: [string, string][] = [
  ['ations', 'at'], ['ation', 'at'], ['ions', ''], ['ion', ''], ['ings', ''], ['ing', ''],
  ['ies', 'y'], ['sses', 'ss'], ['ed', ''], ['s', ''],
];

/** Strips one common English suffix when enough of the word remains (three characters for a plural s, four otherwise). */
export function stem(word: string): string {
  if (/\d/.test(word) || /(ss|us|is)$/.test(word)) return word;
  for (const [suffix, replacement] of SUFFIXES) {
    if (word.endsWith(suffix) && word.length - suffix.length + replacement.length >= (suffix === 's' ? 3 : 4)) {
      return word.slice(0, word.length - suffix.length) + replacement;
    }
  }
  return word;
}

/** Splits `CoreDNSLatencyHigh` into its words; the caller keeps the whole word too. */
function camelParts(word: string): string[] {
  const spaced = word.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2');
  return spaced === word ? [] : spaced.split(' ');
}

/**
 * Lowercases, splits on non-alphanumerics, drops stopwords and stems. CamelCase words (alert
 * names, `CrashLoopBackOff`) yield the whole word and its parts, so either spelling matches.
 */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const word of text.split(/[^A-Za-z0-9]+/)) {
    if (word.length === 0) continue;
    for (const part of [word, ...camelParts(word)]) {
      const lower = part.toLowerCase();
      if (lower.length > 1 && !STOPWORDS.has(lower)) tokens.push(stem(lower));
    }
  }
  return tokens;
}
