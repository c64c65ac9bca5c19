// What the web view's browser tests share: Debian's Chromium driven by playwright-core (no browser download),
// a signed-in page per user through the real OpenID Connect sign-in, the axe accessibility check,
// screenshots into out/web, and the bytes a screen costs on the wire.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.resolve(__dirname, '../../../out/web/screenshots');

/** Headless Chromium as this machine runs it (no sandbox as root, no GPU, no calls home). Throws naming the missing executable. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (scripts/chromium.sh), or set CHROMIUM_PATH`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/**
 * A fresh browser context (its own storage: one person per context) signed in as `login` through the
 * page's real sign-in: /sign-in?as=LOGIN, the development issuer's authorization endpoint, /callback.
 * Resolves once the signed-in shell shows the user's name.
 */
export async function signedIn(
  browser: Browser,
  baseUrl: string,
  login: string,
  opts: { locale?: string; timezoneId?: string } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  // bypassCSP: axe is injected as an inline script, which the page's own policy (rightly) forbids
  const context = await browser.newContext({
    baseURL: baseUrl,
    locale: opts.locale ?? 'en-GB',
    timezoneId: opts.timezoneId ?? 'UTC',
    viewport: { width: 1280, height: 900 },
    bypassCSP: true,
  });
  const page = await context.newPage();
  await page.goto(`/sign-in?as=${encodeURIComponent(login)}`);
  await page.getByRole('button', { name: /sign out|se déconnecter|sair|выйти/i }).waitFor();
  return { context, page };
}

/** Saves a full-page screenshot as out/web/screenshots/NAME.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA rules) on the page as it is and returns the violations of impact
 * serious or critical, each with the selectors of the elements at fault.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  const result = (await page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
    .then(r => r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')) })))`)) as AxeViolation[];
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * Loads `url` in a new page of `context` with the cache off and returns the bytes received for it (each
 * response's encoded body and headers, as sent over the wire, compressed where the server compresses),
 * once the network is idle.
 */
export async function bytesToLoad(
  context: BrowserContext,
  url: string,
  ready: (page: Page) => Promise<unknown>,
): Promise<{ bytes: number; responses: Array<{ url: string; bytes: number; encoding: string | null }> }> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const urls = new Map<string, { url: string; encoding: string | null }>();
  const sizes = new Map<string, number>();
  cdp.on('Network.responseReceived', (e: { requestId: string; response: { url: string; headers: Record<string, string> } }) => {
    const h = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    urls.set(e.requestId, { url: e.response.url, encoding: h['content-encoding'] ?? null });
  });
  cdp.on('Network.loadingFinished', (e: { requestId: string; encodedDataLength: number }) => {
    sizes.set(e.requestId, e.encodedDataLength);
  });
  await page.goto(url);
  await ready(page);
  await page.waitForLoadState('networkidle');
  const responses = [...sizes].map(([id, bytes]) => ({ url: urls.get(id)?.url ?? id, bytes, encoding: urls.get(id)?.encoding ?? null }));
  await page.close();
  return { bytes: responses.reduce((s, r) => s + r.bytes, 0), responses };
}
