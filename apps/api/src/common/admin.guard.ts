import { HttpException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { AppConfig } from '@rogatory/domain';
import type { Request, Response } from 'express';
import { timingSafeEqual } from 'node:crypto';

/** True when `given` equals `expected`, compared in constant time. */
function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Lets through only administrators: `Authorization: Bearer <ADMIN_TOKEN>`, or HTTP Basic with any user
 * name and ADMIN_TOKEN as the password (so that a browser can open the queue dashboard). Anything else,
 * or ADMIN_TOKEN unset, is 401 problem+json with `WWW-Authenticate`. Used with `@UseGuards(AdminGuard)`
 * on the administration routes; issue 4 replaces it by OpenID Connect roles.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    if (AdminGuard.allows(req, this.config)) return true;
    context.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', 'Basic realm="Rogatory administration", charset="UTF-8"');
    throw new HttpException(
      {
        message: this.config.adminToken === null ? 'administration is disabled: ADMIN_TOKEN is not set' : 'administrator credentials required',
        code: 'UNAUTHORIZED',
        errors: [{ field: 'Authorization', reason: 'must be "Bearer <ADMIN_TOKEN>" or Basic with ADMIN_TOKEN as the password' }],
      },
      401,
    );
  }

  /** Whether the request carries the administrator secret (also used by the Express-mounted dashboard). */
  static allows(req: Pick<Request, 'headers'>, config: AppConfig): boolean {
    const token = config.adminToken;
    const header = req.headers.authorization;
    if (token === null || typeof header !== 'string') return false;
    const m = /^(bearer|basic) +(\S+) *$/i.exec(header);
    if (!m) return false;
    if (m[1].toLowerCase() === 'bearer') return sameSecret(m[2], token);
    const decoded = Buffer.from(m[2], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 && sameSecret(decoded.slice(colon + 1), token);
  }
}
