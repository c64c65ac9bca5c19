import fc from 'fast-check';
import { el, escapeXml } from './svg';

describe('SVG builder: every text escaped as XML', () => {
  it('escapes the five XML characters in text and attributes', () => {
    expect(el('text', { 'data-x': 'a"b<c' }, `Côte d'Ivoire & <script>`).markup).toBe(
      '<text data-x="a&quot;b&lt;c">Côte d&apos;Ivoire &amp; &lt;script&gt;</text>',
    );
    expect(el('rect', { x: 1.26, y: undefined }).markup).toBe('<rect x="1.3"/>');
  });

  it('drops characters XML 1.0 forbids, so any text gives a well-formed document', () => {
    expect(escapeXml('a\u0000b\u0008c\u001Fd\uFFFEe\uD800f')).toBe('abcdef');
    expect(escapeXml('tab\tline\nok 😀')).toBe('tab\tline\nok 😀');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const out = escapeXml(s);
        expect(out).not.toMatch(/[<>"']|&(?!(?:amp|lt|gt|quot|apos);)/);
        expect(out).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
      }),
    );
  });
});
