import { describe, expect, it } from 'vitest';
import { escapeSlackText, link, sanitizeText, truncateMrkdwn, truncatePlain } from '../../../src/reporting/slack/index.js';

describe('escapeSlackText', () => {
  it.each([
    { input: '<!channel> deploy', expected: '&lt;!channel&gt; deploy' },
    { input: '<http://evil|click>', expected: '&lt;http\u2060://evil|click&gt;' },
    { input: 'a & b', expected: 'a &amp; b' },
    { input: '&lt;', expected: '&amp;lt;' },
    { input: 'ping @here and @Channel, even @herein, not @hero', expected: 'ping @\u2060here and @\u2060Channel, even @\u2060herein, not @hero' },
    { input: 'tab\tnew\nline\u0000bell\u0007\r', expected: 'tab\tnew\nlinebell' },
    { input: 'lone \uD83D high', expected: 'lone \uFFFD high' },
    { input: 'pair 😀 ok', expected: 'pair 😀 ok' },
  ])('escapes $input', ({ input, expected }) => {
    expect(escapeSlackText(input)).toBe(expected);
  });

  it('keeps emoji intact while removing lone surrogates', () => {
    expect(sanitizeText('\uDE00😀\uD83D')).toBe('\uFFFD😀\uFFFD');
  });
});

describe('link', () => {
  it.each([
    { url: 'https://docs.example.com/d/1?a=1&b=2', label: 'RCA <b> & more', expected: '<https://docs.example.com/d/1?a=1&amp;b=2|RCA &lt;b&gt; &amp; more>' },
    { url: 'file:///out/docs/digest.html', label: 'digest', expected: '<file:///out/docs/digest.html|digest>' },
    { url: 'https://x.example/a|b>c', label: 'x', expected: '<https://x.example/a%7Cb%3Ec|x>' },
    { url: 'https://x.example/', label: '', expected: '<https://x.example/|https://x.example/>' },
    { url: 'javascript:alert(1)', label: 'click <!channel>', expected: 'click &lt;!channel&gt;' },
    { url: 'not a url', label: 'label', expected: 'label' },
    { url: 'slack://open', label: 'app', expected: 'app' },
  ])('builds a safe link for $url', ({ url, label, expected }) => {
    expect(link(url, label)).toBe(expected);
  });
});

describe('truncation', () => {
  it.each([
    { s: 'a'.repeat(10), max: 10, expected: 'a'.repeat(10) },
    { s: 'a'.repeat(11), max: 10, expected: `${'a'.repeat(9)}…` },
    { s: `${'a'.repeat(8)}😀b`, max: 10, expected: `${'a'.repeat(8)}…` },
  ])('truncatePlain($s, $max)', ({ s, max, expected }) => {
    expect(truncatePlain(s, max)).toBe(expected);
  });

  it.each([
    { name: 'an entity', s: `${'a'.repeat(10)}&amp;${'b'.repeat(20)}`, expected: `${'a'.repeat(10)}…` },
    { name: 'a link', s: `${'a'.repeat(5)}<https://x.example|xx>${'b'.repeat(20)}`, expected: `${'a'.repeat(5)}…` },
    { name: 'a surrogate pair', s: `${'a'.repeat(11)}😀${'b'.repeat(20)}`, expected: `${'a'.repeat(11)}…` },
    { name: 'a code fence', s: `aa\`\`\`${'b'.repeat(30)}`, expected: `aa\`\`\`${'b'.repeat(7)}\`\`\`…` },
  ])('truncateMrkdwn never cuts inside $name', ({ s, expected }) => {
    expect(truncateMrkdwn(s, 16, '…')).toBe(expected);
  });
});
