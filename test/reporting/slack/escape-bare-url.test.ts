import { describe, expect, it } from 'vitest';
import { escapeSlackText, link } from '../../../src/reporting/slack/index.js';

const WJ = '\u2060';

describe('escapeSlackText and bare URLs', () => {
  it.each([
    { input: 'token expired, re-authenticate at https://evil.example/sso?next=/admin', expected: `token expired, re-authenticate at https${WJ}://evil.example/sso?next=/admin` },
    { input: 'see http://10.0.0.1:8080/x and HTTPS://Upper.example', expected: `see http${WJ}://10.0.0.1:8080/x and HTTPS${WJ}://Upper.example` },
    { input: 'ftp://files.example/a', expected: `ftp${WJ}://files.example/a` },
    { input: 'no url: 14:05, a://b is odd', expected: `no url: 14:05, a${WJ}://b is odd` },
  ])('breaks the scheme in $input', ({ input, expected }) => {
    expect(escapeSlackText(input)).toBe(expected);
  });

  it('leaves no auto-linkable scheme in escaped text', () => {
    expect(escapeSlackText('x https://evil.example y')).not.toMatch(/https:\/\//);
  });

  it('keeps links fleetops builds: the URL part of link() is untouched', () => {
    expect(link('https://docs.example.com/d/1', 'the document')).toBe('<https://docs.example.com/d/1|the document>');
  });
});
