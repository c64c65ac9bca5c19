import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Principal, UserRole } from '@rogatory/domain';
import type { Request } from 'express';

export const ACCESS_KEY = 'rogatory:access';

/** What a route requires: no token (`public`), or a token of one of `roles`. Every route declares one. */
export type RouteAccess = { public: true } | { public: false; roles: readonly UserRole[] };

/** The route needs no token (health, the OpenAPI document, the development issuer's keys). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(ACCESS_KEY, { public: true } satisfies RouteAccess);

/** The route needs a valid token of a user with one of `roles` (403 otherwise). */
export const Roles = (...roles: UserRole[]): MethodDecorator & ClassDecorator => SetMetadata(ACCESS_KEY, { public: false, roles } satisfies RouteAccess);

/** Every signed-in role. */
export const ANY_ROLE: UserRole[] = ['CENTRAL_AUTHORITY', 'CONTACT_POINT', 'SECRETARIAT', 'ADMINISTRATOR'];

/** Request property where AuthGuard leaves the signed-in principal. */
export const PRINCIPAL = Symbol('principal');

/** The principal of a request that AuthGuard let through, or undefined on a public route. */
export function principalOf(req: Request): Principal | undefined {
  return (req as unknown as Record<symbol, Principal | undefined>)[PRINCIPAL];
}

/** Controller parameter: the signed-in principal (the route must declare @Roles). */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const p = principalOf(ctx.switchToHttp().getRequest<Request>());
  if (!p) throw new Error('CurrentPrincipal on a route without @Roles');
  return p;
});

/** OpenAPI description of the 401 every signed-in route may answer. */
export const UNAUTHENTICATED_RESPONSE = {
  status: 401,
  description: 'application/problem+json, `WWW-Authenticate: Bearer`: no token, or one that is expired, forged or of no known user',
};
/** OpenAPI description of the 403 of a route closed to the caller's role. */
export const FORBIDDEN_RESPONSE = { status: 403, description: "application/problem+json: the route is not open to the caller's role" };
