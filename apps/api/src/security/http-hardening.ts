import { HttpException, type INestApplication } from '@nestjs/common';
import { AppConfig } from '@rogatory/domain';
import type { CorsOptions, CorsOptionsDelegate } from '@nestjs/common/interfaces/external/cors-options.interface';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { QUEUE_DASHBOARD_PATH } from '../admin/queue-dashboard';

/** Longest URL (path and query) accepted; longer is 414. Node.js caps the whole header block at 16 KiB (431). */
export const MAX_URL_LENGTH = 8192;

/**
 * Pages of HTML served by the API (Swagger UI, the queue dashboard, the development issuer's sign-in page);
 * the web view's files have a policy of their own ({@link webViewContentSecurityPolicy}, set by web/web-app.ts);
 * every other answer is JSON or CSV.
 */
const HTML_PATHS = ['/docs', QUEUE_DASHBOARD_PATH, '/auth/dev/authorize'];

/** Headers a browser page of an allowed origin may send, and read, cross-origin. */
const CORS_ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'If-Match', 'Idempotency-Key'];
const CORS_EXPOSED_HEADERS = ['Location', 'ETag', 'Retry-After', 'Idempotent-Replayed', 'WWW-Authenticate'];

/**
 * The HTTP edge, before anything else of configureApi: Express's `trust proxy` (TRUST_PROXY_HOPS, so
 * `req.ip` is the client's address behind that many proxies), no `X-Powered-By`, security headers
 * (helmet), CORS, and 414 for a URL longer than {@link MAX_URL_LENGTH}.
 */
export function hardenHttp(app: INestApplication): void {
  const config = app.get(AppConfig);
  const express = app.getHttpAdapter().getInstance() as Express;
  express.disable('x-powered-by');
  if (config.trustProxyHops > 0) express.set('trust proxy', config.trustProxyHops);
  app.use(securityHeaders());
  if (config.corsOrigins.length > 0) app.enableCors(corsFor(config.corsOrigins));
  app.use(limitUrlLength);
}

/**
 * helmet's headers on every answer (HSTS, nosniff, frame and referrer policies, …). The Content Security
 * Policy of JSON answers allows nothing (`default-src 'none'; frame-ancestors 'none'`); the HTML pages
 * (Swagger UI at /docs, the queue dashboard, the development issuer's sign-in page) get helmet's default
 * policy, which lets them load their own scripts and styles (inline styles too) and post forms to their own
 * origin, without `upgrade-insecure-requests` (which breaks them over plain HTTP in development).
 */
function securityHeaders(): RequestHandler {
  const api = helmet({ contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } } });
  const pages = helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } });
  return (req, res, next) => {
    const page = HTML_PATHS.some((p) => req.path === p || req.path.startsWith(`${p}/`));
    (page ? pages : api)(req, res, next);
  };
}

/**
 * Content Security Policy of the web view's page and files (web/web-app.ts sets it over the JSON policy):
 * scripts, styles and fonts of its own origin only, images also from `blob:` and `data:` URLs; it may call
 * its own origin and the OpenID Connect issuer's (OIDC_ISSUER, for its token endpoint) and send forms to
 * them; no framing, `<base>`, plugins. No `upgrade-insecure-requests`: development runs on plain HTTP.
 */
export function webViewContentSecurityPolicy(config: AppConfig): string {
  const issuer = originOf(config.oidcIssuer);
  const self = issuer ? `'self' ${issuer}` : "'self'";
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    `connect-src ${self}`,
    `form-action ${self}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** `scheme://host[:port]` of an http(s) URL; null for anything else (an issuer need not be a URL we can reach). */
function originOf(url: string | null): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}

/**
 * CORS for `origins` only: a request from one of them gets `Access-Control-Allow-Origin` (and a preflight
 * its answer); from any other origin, no CORS header at all, as when CORS_ORIGINS is empty (closed).
 */
function corsFor(origins: string[]): CorsOptionsDelegate<Request> {
  const allowed = new Set(origins);
  const open: CorsOptions = {
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    credentials: false,
    maxAge: 600,
  };
  return (req, callback) => {
    const origin = req.headers.origin;
    callback(null, origin !== undefined && allowed.has(origin) ? { ...open, origin } : { origin: false });
  };
}

function limitUrlLength(req: Request, _res: Response, next: NextFunction): void {
  if (req.originalUrl.length <= MAX_URL_LENGTH) return next();
  next(
    new HttpException(
      {
        message: `the URL is longer than ${MAX_URL_LENGTH} characters`,
        code: 'URI_TOO_LONG',
        errors: [{ field: '(url)', reason: `is longer than ${MAX_URL_LENGTH} characters` }],
      },
      414,
    ),
  );
}
