import { HttpException, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { IdempotencyService, ValidationFailedError, bodySha256, type StoredAnswer } from '@rogatory/domain';
import type { Request, Response } from 'express';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { principalOf } from '../auth/access.decorators';

/** Request header naming a POST: a retry with the same key and body gets the first answer again. */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
/** Response header of a replayed answer. */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;
/** Headers of the first answer that a replay sends again. */
const REPLAYED_HEADERS = ['content-type', 'location', 'etag'];

/**
 * Idempotency keys of POST routes (every signed-in route; public routes ignore the header). A POST with
 * an `Idempotency-Key` (1–200 visible ASCII characters, else 400 naming the header) claims the key for
 * its user before the handler runs (IdempotencyService). A retry with the same key, method, path and
 * body gets the first answer again (status, body, Content-Type, Location, ETag) with
 * `Idempotent-Replayed: true`; the key on another call is 422 IDEMPOTENCY_KEY_REUSED; the key while
 * its first call still runs is 409 IDEMPOTENCY_IN_PROGRESS. 2xx and 4xx answers are kept; a 5xx
 * releases the key so the client can retry.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly idempotency: IdempotencyService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request>();
    const header = req.headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()];
    if (req.method !== 'POST' || header === undefined) return next.handle();
    const principal = principalOf(req);
    if (!principal) return next.handle();
    const key = Array.isArray(header) ? header.join(', ') : header;
    if (!KEY_PATTERN.test(key)) {
      throw new ValidationFailedError([{ field: IDEMPOTENCY_KEY_HEADER, reason: 'must be 1 to 200 visible ASCII characters (no spaces)' }]);
    }
    return from(this.run(principal.userId, key, req, context.switchToHttp().getResponse<Response>(), next));
  }

  /**
   * Claims the key, then runs the handler in its own subscription (so a client that goes away does not
   * leave the claim unanswered) and stores the answer before it is sent. An error's answer is the
   * exception filter's: it is stored (4xx) or the key released (5xx) when the filter sends it.
   */
  private async run(userId: string, key: string, req: Request, res: Response, next: CallHandler): Promise<unknown> {
    const claim = await this.idempotency.claim(userId, key, { method: req.method, path: req.originalUrl, bodySha256: bodySha256(req.body) });
    switch (claim.outcome) {
      case 'mismatch':
        throw new HttpException(
          {
            message: `this ${IDEMPOTENCY_KEY_HEADER} was used for another request (${claim.first.method} ${claim.first.path} with another body); use a new key`,
            code: 'IDEMPOTENCY_KEY_REUSED',
            errors: [{ field: IDEMPOTENCY_KEY_HEADER, reason: 'was used for another request' }],
          },
          422,
        );
      case 'running':
        throw new HttpException(
          {
            message: `the first request with this ${IDEMPOTENCY_KEY_HEADER} has not answered yet; retry later`,
            code: 'IDEMPOTENCY_IN_PROGRESS',
            errors: [{ field: IDEMPOTENCY_KEY_HEADER, reason: 'its first request is still running' }],
          },
          409,
        );
      case 'replay':
        res.status(claim.answer.status);
        for (const [name, value] of Object.entries(claim.answer.headers)) res.setHeader(name, value);
        res.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
        return claim.answer.body ?? undefined;
      case 'claimed':
        break;
    }
    let settled = false;
    const send = res.send;
    res.send = (body?: unknown): Response => {
      res.send = send;
      if (settled) return send.call(res, body);
      settled = true;
      // The answer is stored before it leaves, so a retry right after it never finds the key still running.
      void this.settle(userId, key, res.statusCode, typeof body === 'string' || Buffer.isBuffer(body) ? bodyOf(res, body) : (body ?? null), res)
        .then(() => send.call(res, body))
        .catch(() => undefined);
      return res;
    };
    const result: unknown = await lastValueFrom(next.handle(), { defaultValue: undefined });
    if (!settled) {
      settled = true;
      await this.settle(userId, key, res.statusCode, result ?? null, res);
    }
    return result;
  }

  /** Stores the answer (status < 500) or releases the key; a failure to store releases it too. */
  private async settle(userId: string, key: string, status: number, body: unknown, res: Response): Promise<void> {
    try {
      if (status >= 500) return await this.idempotency.release(userId, key);
      const headers: StoredAnswer['headers'] = {};
      for (const name of REPLAYED_HEADERS) {
        const value = res.getHeader(name);
        if (value !== undefined) headers[name] = String(value);
      }
      await this.idempotency.complete(userId, key, { status, body, headers });
    } catch {
      await this.idempotency.release(userId, key).catch(() => undefined);
    }
  }
}

/** A sent body as stored: parsed when the answer is JSON, else its text. */
function bodyOf(res: Response, body: string | Buffer): unknown {
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : body;
  if (text === '') return null;
  if (/json/i.test(String(res.getHeader('content-type') ?? ''))) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}
