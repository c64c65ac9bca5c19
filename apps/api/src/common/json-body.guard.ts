import { HttpException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';

/** Route metadata (`@SetMetadata(ACCEPTS_CSV, true)`): the route takes a `text/csv` body instead of JSON. */
export const ACCEPTS_CSV = 'rogatory:accepts-csv';
/**
 * Route metadata (`@SetMetadata(ACCEPTS_FORM, true)`): the route takes an `application/x-www-form-urlencoded`
 * body instead of JSON (the development issuer's token endpoint, whose own middleware parses it).
 */
export const ACCEPTS_FORM = 'rogatory:accepts-form';

/**
 * A request with a body must send it as JSON: anything else is 415 (problem+json naming Content-Type).
 * A route marked with {@link ACCEPTS_CSV} takes `text/csv` instead (and only that); one marked with
 * {@link ACCEPTS_FORM}, `application/x-www-form-urlencoded` (and only that).
 */
@Injectable()
export class JsonBodyGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody || !['POST', 'PUT', 'PATCH'].includes(req.method)) return true;
    const csv = this.reflector.get<boolean | undefined>(ACCEPTS_CSV, context.getHandler()) === true;
    const form = this.reflector.get<boolean | undefined>(ACCEPTS_FORM, context.getHandler()) === true;
    const wanted = csv ? 'text/csv' : form ? 'application/x-www-form-urlencoded' : 'application/json';
    if (req.is(wanted)) return true;
    throw new HttpException(
      {
        message: `the body must be ${wanted}, got ${req.headers['content-type'] ?? 'no Content-Type'}`,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        errors: [{ field: 'Content-Type', reason: `must be ${wanted}` }],
      },
      415,
    );
  }
}
