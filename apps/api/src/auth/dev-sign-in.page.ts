import type { DevSignInUser } from '@rogatory/domain';

/** Escapes `s` for HTML text and double-quoted attribute values. */
function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * Style of the development issuer's pages: system fonts, dark text on white (contrast above 12:1), links
 * #0b4f9c (8:1), a visible focus ring; notes marked by a border, not by colour alone. Inline in a `<style>`
 * element (the path's Content Security Policy allows `style-src 'self' 'unsafe-inline'`); no script.
 */
const STYLE = `
body { font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b; background: #fff; margin: 0; }
main { max-width: 64rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.75rem; margin: 1rem 0 .5rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 1px solid #8c8c8c; }
h3 { font-size: 1.05rem; margin: 1.25rem 0 .25rem; }
a { color: #0b4f9c; }
a:hover { color: #062a54; }
a:focus-visible { outline: 3px solid #0b4f9c; outline-offset: 2px; }
ul { padding-left: 1.25rem; columns: 18rem; column-gap: 2rem; }
li { margin: .2rem 0; break-inside: avoid; }
.who { color: #4a4a4a; }
.note, .error { padding: .5rem 1rem; margin: 1rem 0; border-left: .35rem solid; }
.note { border-color: #8a5a00; background: #fff8e5; }
.error { border-color: #b00020; background: #fdecee; }
code { font-size: .95em; }
`;

/** A page of the development issuer: `<!doctype html>`, English, a title, the style; `body` is trusted HTML. */
function page(title: string, body: string): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${esc(title)} · Rogatory</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    body,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

const DEV_NOTE =
  '<p class="note">This page belongs to Rogatory’s <strong>development issuer</strong>, which exists only when <code>AUTH_DEV_ISSUER=true</code>: ' +
  'anyone who reaches it may sign in as any user below, without a password. A deployment sets <code>AUTH_DEV_ISSUER=false</code> and signs in with its own identity provider.</p>';

/**
 * The development sign-in page (HTML, no script): the active users of the development issuer grouped by
 * role (central authority officers by State, contact points by network, secretariats, the administrator),
 * each a link to `link(login)` (the same authorize request with its login_hint). `clientId` and
 * `redirectUri` say where the code will go; `reason`, when given, why the previous choice was refused
 * (e.g. an unknown login_hint). Everything from the request or the database is escaped.
 */
export function devSignInPage(opts: {
  users: DevSignInUser[];
  link: (login: string) => string;
  clientId: string;
  redirectUri: string;
  reason: string | null;
}): string {
  const item = (u: DevSignInUser, label: string, who: string) =>
    `<li><a href="${esc(opts.link(u.login))}">${esc(label)}</a> <span class="who">${esc(who)}</span></li>`;
  const list = (items: string[]) => (items.length ? `<ul>\n${items.join('\n')}\n</ul>` : '<p>None.</p>');
  const byRole = (role: DevSignInUser['role']) => opts.users.filter((u) => u.role === role);
  const stateOf = (u: DevSignInUser) => (u.state === null ? '' : `${u.stateName ?? u.state} (${u.state})`);

  const officers = byRole('CENTRAL_AUTHORITY')
    .sort((a, b) => stateOf(a).localeCompare(stateOf(b), 'en') || a.login.localeCompare(b.login))
    .map((u) => item(u, stateOf(u) || u.login, u.login));
  const contactPoints = byRole('CONTACT_POINT');
  const networks = [...new Set(contactPoints.map((u) => u.network ?? ''))].sort();
  const contactPointSections = networks.map((n) => {
    const items = contactPoints
      .filter((u) => (u.network ?? '') === n)
      .sort((a, b) => stateOf(a).localeCompare(stateOf(b), 'en') || a.login.localeCompare(b.login))
      .map((u) => item(u, u.login, `${u.name}, ${stateOf(u)}`));
    return `<h3>${esc(n || 'No network')}</h3>\n${list(items)}`;
  });
  const secretariats = byRole('SECRETARIAT').map((u) => item(u, u.login, u.name));
  const administrators = byRole('ADMINISTRATOR').map((u) => item(u, u.login, u.name));

  return page(
    'Development sign-in',
    [
      '<h1>Development sign-in</h1>',
      DEV_NOTE,
      opts.reason === null ? '' : `<p class="error" role="alert"><strong>Not signed in:</strong> ${esc(opts.reason)}</p>`,
      `<p>Choose who to sign in as. The application <code>${esc(opts.clientId)}</code> will receive a code at <code>${esc(opts.redirectUri)}</code>.</p>`,
      '<h2 id="officers">Central authority officers, by State</h2>',
      list(officers),
      '<h2 id="contact-points">Contact points, by network</h2>',
      contactPointSections.length ? contactPointSections.join('\n') : '<p>None.</p>',
      '<h2 id="secretariats">Network secretariats</h2>',
      list(secretariats),
      '<h2 id="administrator">Administrator</h2>',
      list(administrators),
    ]
      .filter(Boolean)
      .join('\n'),
  );
}

/** The page shown instead of a redirect when the authorization request names a bad `redirect_uri` or `client_id` (never redirected to). */
export function devSignInRefusedPage(field: string, description: string): string {
  return page(
    'Sign-in request refused',
    [
      '<h1>Sign-in request refused</h1>',
      `<p class="error" role="alert"><strong>${esc(field)}:</strong> ${esc(description)}</p>`,
      '<p>The application that sent you here asked the development issuer for something it does not allow, so you are not sent back to it. Go back to the application and try again, or ask its developers.</p>',
      DEV_NOTE,
    ].join('\n'),
  );
}
