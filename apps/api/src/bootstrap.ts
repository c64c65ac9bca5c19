import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { json, text } from 'express';
import { mountQueueDashboard } from './admin/queue-dashboard';
import { IDEMPOTENCY_KEY_HEADER } from './common/idempotency.interceptor';
import { hardenHttp } from './security/http-hardening';
import { serveWebApp } from './web/web-app';

const API_DESCRIPTION = [
  'Mutual legal assistance requests (UNTOC art. 18) through their lifecycle, deadlines and statistics.',
  '',
  '- **Sign-in**: every route except /health, /docs, /auth/config, /auth/dev/* and the pages of the web view (/, /requests…) need `Authorization: Bearer <JWT>` from the configured OpenID Connect issuer (or the development issuer: `npm run cli -- token --user officer.gh`). What each role sees and may do is in the README, "Who may see and do what"; a request outside your scope answers 404.',
  '- **Errors** are `application/problem+json` with `code` and `detail`; a 400 lists `errors: [{ field, reason }]`.',
  '- **Versions**: a request\'s `ETag` is its version; `POST …/events` needs `If-Match: "<version>"` (428 without, 409 when stale).',
  `- **Retries**: a POST may carry \`${IDEMPOTENCY_KEY_HEADER}\` (1–200 visible ASCII characters, unique per user): the same key with the same body gets the first answer again (\`Idempotent-Replayed: true\`), with another body 422, while the first is still running 409. 2xx and 4xx answers are kept for 24 hours; a 5xx frees the key.`,
  '- **Rate limits** per user and per IP address: 429 with `Retry-After`.',
].join('\n');

/**
 * The HTTP edge first (trust proxy, security headers, CORS, URL length: security/http-hardening.ts), then
 * compression and the web view (`/`, its pages and `/assets`: web/web-app.ts), body limits, the queue
 * dashboard at /admin/queues (administrators), OpenAPI at /docs (JSON at /docs-json).
 * Shared by main.ts and the e2e tests.
 */
export function configureApi(app: INestApplication): void {
  hardenHttp(app);
  serveWebApp(app);
  app.use(json({ limit: '100kb' }));
  app.use(text({ type: 'text/csv', limit: '1mb' }));
  mountQueueDashboard(app);
  const doc = new DocumentBuilder()
    .setTitle('Rogatory API')
    .setDescription(API_DESCRIPTION)
    .setVersion('1')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'An access token of the OpenID Connect issuer (or the development issuer)',
    })
    .build();
  SwaggerModule.setup('docs', app, withIdempotencyKeys(SwaggerModule.createDocument(app, doc)), { jsonDocumentUrl: 'docs-json' });
}

/** Documents the optional Idempotency-Key header (IdempotencyInterceptor) on every signed-in POST operation of `document`. */
function withIdempotencyKeys(document: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(document.paths)) {
    const post = item.post;
    if (!post || path.startsWith('/auth/') || path.startsWith('/health')) continue;
    post.parameters = [
      ...(post.parameters ?? []),
      {
        name: IDEMPOTENCY_KEY_HEADER,
        in: 'header',
        required: false,
        schema: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7e]+$' },
        description:
          'Makes a retry safe: the same key and body get the first answer again (Idempotent-Replayed: true); the key with another body is 422, while its first call runs 409.',
      },
    ];
  }
  return document;
}
