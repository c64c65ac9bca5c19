import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { INestApplication } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { AppConfig, QueueName } from '@rogatory/domain';
import type { Queue } from 'bullmq';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AdminGuard } from '../common/admin.guard';

/** Where the queue dashboard is served. */
export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * Express middleware letting through only administrators (AdminGuard.allows: Bearer token, or HTTP Basic
 * with any user and the token as the password). Anything else is 401 problem+json with
 * `WWW-Authenticate: Basic`, so that a browser asks for the credentials.
 */
export function requireAdmin(config: AppConfig): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (AdminGuard.allows(req, config)) return next();
    const detail = config.adminToken === null ? 'administration is disabled: ADMIN_TOKEN is not set' : 'administrator credentials required';
    res
      .status(401)
      .setHeader('WWW-Authenticate', 'Basic realm="Rogatory administration", charset="UTF-8"')
      .type('application/problem+json')
      .send(
        JSON.stringify({
          type: 'https://rogatory.example.org/problems/unauthorized',
          title: 'Unauthorized',
          status: 401,
          detail,
          instance: req.originalUrl,
          code: 'UNAUTHORIZED',
          errors: [{ field: 'Authorization', reason: 'must be "Bearer <ADMIN_TOKEN>" or Basic with ADMIN_TOKEN as the password' }],
        }),
      );
  };
}

/**
 * Mounts the bull-board dashboard of every queue of QueueName at /admin/queues, behind requireAdmin. The
 * Queue instances are the application's own (@nestjs/bullmq), so no further Redis connection is opened.
 * Call before `app.init()`/`listen()` so it comes before Nest's routes.
 */
export function mountQueueDashboard(app: INestApplication): void {
  const config = app.get(AppConfig);
  const serverAdapter = new ExpressAdapter().setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: Object.values(QueueName).map((name) => new BullMQAdapter(app.get<Queue>(getQueueToken(name), { strict: false }))),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Rogatory queues' } },
  });
  app.use(QUEUE_DASHBOARD_PATH, requireAdmin(config), serverAdapter.getRouter() as RequestHandler);
}
