import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { INestApplication } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { DomainError, QueueName, TokenService } from '@rogatory/domain';
import type { Queue } from 'bullmq';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { problemDetails, sendProblem } from '../common/problem-details.filter';

/** Where the queue dashboard is served. */
export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * Express middleware letting through only administrators: a bearer token (TokenService) of a user of
 * role ADMINISTRATOR. No token or a bad one: 401 problem+json; another role: 403.
 */
export function requireAdmin(tokens: TokenService): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    tokens
      .authenticate(req.headers.authorization)
      .then((user) => {
        if (user.role === 'ADMINISTRATOR') return next();
        problem(res, req, 403, 'FORBIDDEN', 'the queue dashboard is open to administrators only');
      })
      .catch((err: unknown) => {
        if (err instanceof DomainError) return problem(res, req, 401, err.code, err.message);
        next(err);
      });
  };
}

function problem(res: Response, req: Request, status: number, code: string, detail: string): void {
  sendProblem(res, problemDetails(status, code, detail, req.originalUrl, { errors: [{ field: 'Authorization', reason: detail }] }));
}

/**
 * Mounts the bull-board dashboard of every queue of QueueName at /admin/queues, behind requireAdmin. The
 * Queue instances are the application's own (@nestjs/bullmq), so no further Redis connection is opened.
 * Call before `app.init()`/`listen()` so it comes before Nest's routes.
 */
export function mountQueueDashboard(app: INestApplication): void {
  const serverAdapter = new ExpressAdapter().setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: Object.values(QueueName).map((name) => new BullMQAdapter(app.get<Queue>(getQueueToken(name), { strict: false }))),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Rogatory queues' } },
  });
  app.use(QUEUE_DASHBOARD_PATH, requireAdmin(app.get(TokenService)), serverAdapter.getRouter() as RequestHandler);
}
