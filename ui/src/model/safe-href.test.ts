import { describe, expect, it } from 'vitest';
import { safeHref } from './safe-href.ts';

describe('safeHref', () => {
  it('passes http and https URLs as they are', () => {
    for (const url of ['https://feature-x.shop.example.com/', 'http://10.0.0.7:8080/health?x=1#top', 'HTTPS://EXAMPLE.COM']) expect(safeHref(url)).toBe(url);
  });

  it('refuses every other scheme, however it is spelled, and what is not a URL', () => {
    const refused = [
      'javascript:alert(document.cookie)',
      ' JavaScript:alert(1)',
      'java\tscript:alert(1)',
      'java\nscript:alert(1)',
      '\u0001javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'file:///etc/passwd',
      '//evil.example.com/',
      '/admin',
      '',
      'not a url',
      undefined,
      42,
    ];
    for (const url of refused) expect([url, safeHref(url)]).toEqual([url, undefined]);
  });
});
