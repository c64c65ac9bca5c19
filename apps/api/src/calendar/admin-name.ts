import type { Request } from 'express';

/**
 * Who an administrator's change is recorded as: `administrator` plus the `X-Administrator-Name` header
 * when it is a short single line (issue 4 replaces this by the token's subject).
 */
export function administratorName(req: Request): string {
  const name = req.headers['x-administrator-name'];

  return typeof name === 'string' && name.trim() && name.length <= 100 && !/[\u0000-\u001f\u007f]/.test(name)
    ? `administrator ${name.trim()}`
    : 'administrator';
}
