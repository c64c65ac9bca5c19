import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import { DomainError, ValidationFailedError, type DomainErrorCode } from '@rogatory/domain';
import type { Request, Response } from 'express';

const STATUS: Record<DomainErrorCode, number> = {
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  STALE_VERSION: 409,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  EVENT_NOT_ALLOWED: 422,
  UNKNOWN_MACHINE_VERSION: 500,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

/** The body of every error answer: RFC 9457 problem details, with the domain's stable code and field errors. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  errors?: Array<{ field: string; reason: string }>;
  [extra: string]: unknown;
}

/** A problem details body (RFC 9457) with the domain's stable `code`; `extra` adds members such as `errors`. */
export function problemDetails(status: number, code: string, detail: string, instance: string, extra: Record<string, unknown> = {}): ProblemDetails {
  return {
    type: `https://rogatory.example.org/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    instance,
    code,
    ...extra,
  };
}

/** Sends `problem` as `application/problem+json` (with `WWW-Authenticate: Bearer` on a 401). */
export function sendProblem(res: Response, problem: ProblemDetails): void {
  if (problem.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="rogatory"');
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}

/**
 * Maps every error to `application/problem+json`: domain errors by their code (VALIDATION_FAILED 400,
 * NOT_FOUND 404, STALE_VERSION and CONFLICT 409, PRECONDITION_FAILED 412, EVENT_NOT_ALLOWED 422), Nest's HTTP exceptions and
 * body-parser errors by their status, anything else to 500 without internals.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(err: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const problem = this.toProblem(err, req.originalUrl ?? req.url);
    // Log the error's kind and where it arose, never its message: a database error's message carries the
    // statement's values (case data).
    if (problem.status >= 500)
      this.logger.error(
        `${req.method} ${req.route?.path ?? req.path}: ${err instanceof Error ? `${err.name}\n${(err.stack ?? '').split('\n').slice(1, 8).join('\n')}` : typeof err}`,
      );
    sendProblem(res, problem);
  }

  private toProblem(err: unknown, instance: string): ProblemDetails {
    const make = (status: number, code: string, detail: string, extra: Record<string, unknown> = {}) => problemDetails(status, code, detail, instance, extra);
    if (err instanceof ValidationFailedError) return make(400, err.code, err.message, { errors: err.errors });
    if (err instanceof DomainError) return make(STATUS[err.code] ?? 500, err.code, err.message, err.details);
    if (err instanceof HttpException) {
      const status = err.getStatus();
      const body = err.getResponse();
      const detail = typeof body === 'string' ? body : String((body as { message?: unknown }).message ?? err.message);
      if (status === 400 && /JSON/.test(detail)) {
        return make(400, 'MALFORMED_JSON', `the body is not valid JSON: ${detail}`, { errors: [{ field: '(body)', reason: 'is not valid JSON' }] });
      }
      const code = (typeof body === 'object' && (body as { code?: string }).code) || (status === 404 ? 'NOT_FOUND' : `HTTP_${status}`);
      return make(
        status,
        code,
        detail,
        typeof body === 'object' && (body as { errors?: unknown }).errors ? { errors: (body as { errors: unknown }).errors } : {},
      );
    }
    const e = err as { status?: number; type?: string; message?: string };
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
      const reason =
        e.type === 'entity.parse.failed'
          ? 'the body is not valid JSON'
          : e.type === 'entity.too.large'
            ? 'the body is too large'
            : (e.message ?? 'bad request');
      return make(e.status, e.type === 'entity.parse.failed' ? 'MALFORMED_JSON' : `HTTP_${e.status}`, reason, { errors: [{ field: '(body)', reason }] });
    }
    return make(500, 'INTERNAL', 'an unexpected error occurred; it has been logged');
  }
}
