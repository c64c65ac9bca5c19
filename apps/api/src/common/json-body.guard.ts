import { HttpException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** A request with a body must send it as JSON: anything else is 415 (problem+json naming Content-Type). */
@Injectable()
export class JsonBodyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody || !['POST', 'PUT', 'PATCH'].includes(req.method)) return true;
    if (req.is('application/json')) return true;
    throw new HttpException(
      {
        message: `the body must be application/json, got ${req.headers['content-type'] ?? 'no Content-Type'}`,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        errors: [{ field: 'Content-Type', reason: 'must be application/json' }],
      },
      415,
    );
  }
}
