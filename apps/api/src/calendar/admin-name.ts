import type { Request } from 'express';
import { principalOf } from '../auth/access.decorators';

/** Who an administrator's change is recorded as: `administrator <login>` of the signed-in user. */
export function administratorName(req: Request): string {
  const p = principalOf(req);
  return p ? `administrator ${p.login}` : 'administrator';
}
