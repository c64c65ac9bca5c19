import { Injectable, type CanActivate, type ExecutionContext, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ForbiddenError, TokenService, principalOfUser, type Principal } from '@rogatory/domain';
import type { Request } from 'express';
import { ACCESS_KEY, PRINCIPAL, type RouteAccess } from './access.decorators';

/**
 * The first guard of every route. Each route declares @Public() or @Roles(...); a route that declares
 * neither stops the API at start-up (so no controller can forget), and would be refused at run time.
 * For @Roles: verifies the bearer token (TokenService: 401 problem+json naming the reason), maps it to
 * the user, and refuses a role not listed (403). Leaves the Principal on the request for the
 * controllers; what the principal may see of each case is CaseAccessService's check.
 */
@Injectable()
export class AuthGuard implements CanActivate, OnApplicationBootstrap {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onApplicationBootstrap(): void {
    const missing: string[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance) continue;
      const proto = Object.getPrototypeOf(instance) as object;
      for (const name of this.scanner.getAllMethodNames(proto)) {
        const handler = (proto as Record<string, unknown>)[name] as (...a: unknown[]) => unknown;
        if (!Reflect.hasMetadata('path', handler)) continue;
        if (!this.reflector.getAllAndOverride<RouteAccess>(ACCESS_KEY, [handler, wrapper.metatype as never])) missing.push(`${wrapper.name}.${name}`);
      }
    }
    if (missing.length) throw new Error(`routes without @Public() or @Roles(): ${missing.join(', ')}`);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ACCESS_KEY, [context.getHandler(), context.getClass()]);
    if (!access) throw new ForbiddenError('this route declares no access rule');
    if (access.public) return true;
    const req = context.switchToHttp().getRequest<Request>();
    const user = await this.tokens.authenticate(req.headers.authorization);
    if (!access.roles.includes(user.role)) throw new ForbiddenError(`this route is not open to the ${user.role} role`);
    const ua = req.headers['user-agent'];
    const principal = principalOfUser(user, req.ip ?? req.socket.remoteAddress ?? 'unknown', typeof ua === 'string' ? ua : null);
    (req as unknown as Record<symbol, Principal>)[PRINCIPAL] = principal;
    return true;
  }
}
