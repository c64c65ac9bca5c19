import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json, text } from 'express';
import { mountQueueDashboard } from './admin/queue-dashboard';
import { hardenHttp } from './security/http-hardening';

/**
 * The HTTP edge first (trust proxy, security headers, CORS, URL length: security/http-hardening.ts), then
 * body limits, the queue dashboard at /admin/queues (administrators), OpenAPI at /docs (JSON at /docs-json).
 * Shared by main.ts and the e2e tests.
 */
export function configureApi(app: INestApplication): void {
  hardenHttp(app);
  app.use(json({ limit: '100kb' }));
  app.use(text({ type: 'text/csv', limit: '1mb' }));
  mountQueueDashboard(app);
  const doc = new DocumentBuilder()
    .setTitle('Rogatory API')
    .setDescription('Mutual legal assistance requests (UNTOC art. 18) through their lifecycle, deadlines and statistics.')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN, for the administration routes' })
    .build();
  SwaggerModule.setup('docs', app, SwaggerModule.createDocument(app, doc), { jsonDocumentUrl: 'docs-json' });
}
