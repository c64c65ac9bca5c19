/** Characters escaped in XML text and attribute values. */
const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * `s` safe as XML (and HTML) text or a quoted attribute value: `& < > " '` escaped, and the characters
 * XML 1.0 forbids (control characters other than tab, line feed and carriage return; lone surrogates;
 * U+FFFE, U+FFFF) removed, so the document stays well-formed whatever the text.
 */
export function escapeXml(s: string | number): string {
  return String(s)
    .replace(/[\0-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/[&<>"']/g, (c) => XML_ESCAPES[c]);
}

/** Attribute values: text (escaped), a number (rounded to 0.1 for coordinates), or omitted when undefined. */
export type SvgAttrs = Record<string, string | number | undefined>;

/** A piece of markup already escaped: returned by {@link el} and {@link text}, accepted as a child. */
export interface Markup {
  readonly markup: string;
}

const fmt = (v: string | number): string => (typeof v === 'number' ? String(Math.round(v * 10) / 10) : escapeXml(v));

/**
 * One XML element: `<name attrs>children</name>`, or `<name attrs/>` without children. Attribute values
 * and string children are escaped (string children are text); Markup children are inserted as they
 * are. `name` and attribute names must be literal names from the caller's code, never input.
 */
export function el(name: string, attrs: SvgAttrs = {}, ...children: Array<Markup | string | number | null | undefined | false>): Markup {
  const a = Object.entries(attrs)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => ` ${k}="${fmt(v)}"`)
    .join('');
  const inner = children
    .filter((c): c is Markup | string | number => c !== null && c !== undefined && c !== false)
    .map((c) => (typeof c === 'object' ? c.markup : escapeXml(c)))
    .join('');
  return { markup: inner ? `<${name}${a}>${inner}</${name}>` : `<${name}${a}/>` };
}

/** Several pieces of markup as one. */
export function fragment(parts: Markup[]): Markup {
  return { markup: parts.map((p) => p.markup).join('') };
}
