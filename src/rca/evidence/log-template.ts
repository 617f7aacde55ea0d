/**
 * Minimal log templating (numbers, hex ids, IPs, quoted values masked) so repeated lines count as one.
 * Used when src/rca/log-templates.ts is not available.
 */
export function templateOf(message: string): string {
  return message
    .replace(/\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b/g, '<ip>')
    .replace(/\d{4}-\d{2}-\d{2}T[\d:.]+Z?/g, '<time>')
    .replace(/"[^"]*"/g, '"<*>"')
    .replace(/\b(?=[a-z0-9]*\d)[0-9a-f]{6,}\b/gi, '<id>')
    .replace(/\b\d+(\.\d+)?\b/g, '<n>')
    .slice(0, 300);
}
