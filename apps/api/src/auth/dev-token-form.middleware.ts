import { Injectable, type NestMiddleware } from '@nestjs/common';
import { urlencoded, type NextFunction, type Request, type RequestHandler, type Response } from 'express';

/**
 * Parses the `application/x-www-form-urlencoded` body of the development issuer's token endpoint
 * (`POST /auth/dev/token`, RFC 6749 §4.1.3), for that route only (ApiModule applies it there; every
 * other route takes JSON, or CSV where marked): flat `name=value` pairs (no nesting), at most 10 KB. A
 * body it cannot read (malformed, too large, another charset) is answered here as RFC 6749 §5.2 does,
 * 400 `{ error: 'invalid_request', error_description }`, since OAuth clients read `error`.
 */
@Injectable()
export class DevTokenFormMiddleware implements NestMiddleware {
  private readonly parse: RequestHandler = urlencoded({ extended: false, limit: '10kb', parameterLimit: 20 });

  use(req: Request, res: Response, next: NextFunction): void {
    void this.parse(req, res, (err?: unknown) => {
      if (err === undefined || err === null) return next();
      const e = err as { type?: string; message?: string };
      const reason = e.type === 'entity.too.large' ? 'the body is larger than 10 KB' : 'the body is not a readable application/x-www-form-urlencoded form';
      res.status(400).setHeader('Cache-Control', 'no-store').json({ error: 'invalid_request', error_description: reason });
    });
  }
}
