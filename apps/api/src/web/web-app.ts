import type { INestApplication } from '@nestjs/common';
import { AppConfig } from '@rogatory/domain';
import compression from 'compression';
import { static as serveStatic, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import * as path from 'node:path';
import { webViewContentSecurityPolicy } from '../security/http-hardening';

/** Where Vite puts the web view's hashed files (dist/web/assets). */
export const WEB_ASSETS_PATH = '/assets';

/** Paths of the API and of its own pages: never answered with the web view's page. */
export const NOT_WEB_VIEW_PATHS = ['/api', '/docs', '/docs-json', '/auth', '/admin', '/metrics', '/health', WEB_ASSETS_PATH];

/** A year: the lifetime of an asset whose name carries its content hash. */
const ASSET_MAX_AGE_MS = 365 * 86_400_000;

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Rogatory: web view not built</title></head>
<body>
<h1>The web view is not built</h1>
<p>Run <code>npm run build:web</code> (it writes <code>dist/web</code>), then reload this page. The API itself runs: <a href="/docs">/docs</a>.</p>
</body>
</html>
`;

/**
 * The web view (apps/web, built by `npm run build:web` into WEB_DIR), served by the API on the same origin:
 * - every answer compressed (gzip or brotli, as the client accepts, from 1 KB on; never a HEAD);
 * - `/assets/*`: Vite's hashed files, cached for a year as immutable; a missing file is a 404 problem;
 * - any other GET or HEAD that prefers HTML, outside {@link NOT_WEB_VIEW_PATHS}: the single page
 *   (index.html, revalidated on every use: `Cache-Control: no-cache`), whose router shows `/requests/…`,
 *   `/secretariat`, …; 503 with a short page saying what to run when the web view is not built.
 * The page and the files carry the web view's Content Security Policy instead of the JSON one.
 */
export function serveWebApp(app: INestApplication): void {
  const config = app.get(AppConfig);
  const csp = webViewContentSecurityPolicy(config);
  app.use(compression());
  app.use(
    WEB_ASSETS_PATH,
    serveStatic(path.join(config.webDir, 'assets'), {
      index: false,
      redirect: false,
      fallthrough: true,
      maxAge: ASSET_MAX_AGE_MS,
      immutable: true,
      setHeaders: (res) => res.setHeader('Content-Security-Policy', csp),
    }),
  );
  app.use(singlePage(config.webDir, csp));
}

/** Whether `req` asks for a page of the web view (see {@link serveWebApp}). */
export function isWebViewPage(req: Request): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  // Express routes paths case-insensitively (`/API/v1/me` reaches the API), so the comparison is too.
  const path = req.path.toLowerCase();
  if (NOT_WEB_VIEW_PATHS.some((p) => path === p || path.startsWith(`${p}/`))) return false;
  return req.accepts(['html', 'json']) === 'html';
}

function singlePage(webDir: string, csp: string): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!isWebViewPage(req)) return next();
    res.vary('Accept');
    res.sendFile(
      'index.html',
      { root: webDir, cacheControl: false, dotfiles: 'deny', headers: { 'Cache-Control': 'no-cache', 'Content-Security-Policy': csp } },
      (err?: NodeJS.ErrnoException) => {
        if (!err || res.headersSent) return;
        if (err.code !== 'ENOENT' && err.code !== 'ENOTDIR') return next(err);
        res.status(503).set({ 'Cache-Control': 'no-store', 'Content-Security-Policy': csp, 'Content-Type': 'text/html; charset=utf-8' });
        res.send(NOT_BUILT_PAGE);
      },
    );
  };
}
