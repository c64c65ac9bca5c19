import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json } from 'express';

/** Body limit, OpenAPI at /docs (JSON at /docs-json). Shared by main.ts and the e2e tests. */
export function configureApi(app: INestApplication): void {
  app.use(json({ limit: '100kb' }));
  const doc = new DocumentBuilder()
    .setTitle('Rogatory API')
    .setDescription('Mutual legal assistance requests (UNTOC art. 18) through their lifecycle, deadlines and statistics.')
    .setVersion('1')
    .build();
  SwaggerModule.setup('docs', app, SwaggerModule.createDocument(app, doc), { jsonDocumentUrl: 'docs-json' });
}
