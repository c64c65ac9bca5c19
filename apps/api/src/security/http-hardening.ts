import { HttpException, type INestApplication } from '@nestjs/common';
import { AppConfig } from '@rogatory/domain';
import type { CorsOptions, CorsOptionsDelegate } from '@nestjs/common/interfaces/external/cors-options.interface';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { QUEUE_DASHBOARD_PATH } from '../admin/queue-dashboard';

/** Longest URL (path and query) accepted; longer is 414. Node.js caps the whole header block at 16 KiB (431). */
export const MAX_URL_LENGTH = 8192;

/** Pages of HTML served by the API (Swagger UI, the queue dashboard); every other answer is JSON or CSV. */
const HTML_PATHS = ['/docs', QUEUE_DASHBOARD_PATH];

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
 * (Swagger UI at /docs, the queue dashboard) get helmet's default policy, which lets them load their own
 * scripts and styles, without `upgrade-insecure-requests` (which breaks them over plain HTTP in development).
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
