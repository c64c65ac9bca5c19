/**
 * Test helper: reads back a raw RFC 5322 message as the SMTP listener received it (mailparser is not a
 * dependency): unfolded headers, RFC 2047 encoded words, one address, and the text parts of a
 * multipart message decoded from quoted-printable or base64.
 */

export interface ParsedEmail {
  /** Header lines as received, unfolded, in order: [name, raw value]. */
  headers: Array<[string, string]>;
  /** Raw (still encoded) value of the first header `name` (case-insensitive). */
  header(name: string): string | undefined;
  /** Decoded body of the first part of this MIME type (e.g. text/plain, text/html), line ends as LF. */
  part(type: string): string | undefined;
}

/** Decodes RFC 2047 encoded words (`=?UTF-8?B?…?=`, `=?UTF-8?Q?…?=`); whitespace between two encoded words is dropped. */
export function decodeWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?[^?]+\?[BbQq]\?[^?]*\?=)/g, '$1')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, charset: string, enc: string, text: string) => {
      const bytes =
        enc.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64')
          : Buffer.from(
              text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (__, h: string) => String.fromCharCode(parseInt(h, 16))),
              'latin1',
            );
      return new TextDecoder(charset.toLowerCase()).decode(bytes);
    });
}

/** `display name <address>` of a one-address header, the name unquoted or decoded. */
export function parseAddress(value: string): { name: string; address: string } {
  const m = /^([\s\S]*)<([^<>]+)>\s*$/.exec(value.trim());
  if (!m) return { name: '', address: value.trim() };
  const display = m[1].trim();
  const name = display.startsWith('"') && display.endsWith('"') ? display.slice(1, -1).replace(/\\(.)/g, '$1') : decodeWords(display);
  return { name, address: m[2].trim() };
}

function splitHeaders(block: string): Array<[string, string]> {
  const unfolded = block.replace(/\r\n([ \t])/g, '$1');
  return unfolded
    .split('\r\n')
    .filter((l) => l !== '')
    .map((l) => {
      const i = l.indexOf(':');
      return [l.slice(0, i), l.slice(i + 1).trim()] as [string, string];
    });
}

function decodeBody(body: string, transferEncoding: string, charset: string): string {
  const enc = transferEncoding.toLowerCase();
  let bytes: Buffer;
  if (enc === 'base64') bytes = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  else if (enc === 'quoted-printable')
    bytes = Buffer.from(
      body.replace(/=\r\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
      'latin1',
    );
  else bytes = Buffer.from(body, 'utf8');
  return new TextDecoder(charset || 'utf-8').decode(bytes);
}

/** Parses a raw message (CRLF line ends) into headers and decoded text parts. */
export function parseRawEmail(raw: string): ParsedEmail {
  const split = raw.indexOf('\r\n\r\n');
  const headers = splitHeaders(raw.slice(0, split));
  const get = (hs: Array<[string, string]>, name: string) => hs.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
  const parts: Array<{ type: string; body: string }> = [];
  const collect = (hs: Array<[string, string]>, body: string) => {
    const ct = get(hs, 'Content-Type') ?? 'text/plain';
    const type = ct.split(';')[0].trim().toLowerCase();
    if (type.startsWith('multipart/')) {
      const boundary = /boundary="?([^";]+)"?/i.exec(ct)?.[1];
      if (!boundary) return;
      for (const chunk of body.split(`--${boundary}`).slice(1)) {
        if (chunk.startsWith('--')) break;
        const part = chunk.replace(/^\r\n/, '');
        const i = part.indexOf('\r\n\r\n');
        collect(splitHeaders(part.slice(0, i)), part.slice(i + 4).replace(/\r\n$/, ''));
      }
      return;
    }
    const charset = /charset="?([^";]+)"?/i.exec(ct)?.[1] ?? 'utf-8';
    parts.push({ type, body: decodeBody(body, get(hs, 'Content-Transfer-Encoding') ?? '7bit', charset).replace(/\r\n/g, '\n') });
  };
  collect(headers, raw.slice(split + 4));
  return {
    headers,
    header: (name) => get(headers, name),
    part: (type) => parts.find((p) => p.type === type)?.body,
  };
}
