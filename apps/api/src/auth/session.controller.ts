import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AppConfig, TokenService, UserService, type Principal } from '@rogatory/domain';
import { ANY_ROLE, CurrentPrincipal, Public, Roles, UNAUTHENTICATED_RESPONSE } from './access.decorators';
import { AuthConfigView, MeView } from './auth.views';

/** Scopes a browser asks its OpenID Connect issuer for: identity, name and email. */
const SIGN_IN_SCOPE = 'openid profile email';

/** The signed-in user (any role). */
@ApiTags('auth')
@ApiBearerAuth()
@ApiResponse(UNAUTHENTICATED_RESPONSE)
@Roles(...ANY_ROLE)
@Controller('api/v1')
export class SessionController {
  constructor(private readonly users: UserService) {}

  /**
   * GET /api/v1/me: who the bearer token names, as MeView `{ login, name, email, role, state (ISO
   * alpha-2 or null), network (or null), contactPointId (or null), timeZone (IANA zone of the user's
   * State in the directory; 'UTC' without a State), languages (the State's official languages, ISO 639-1
   * lower case; empty without a State) }`. 401 problem+json without a valid token (an expired, forged,
   * foreign-audience token, or an authorization code of the development issuer).
   */
  @Get('me')
  @ApiOperation({ summary: 'The signed-in user: role, State, network, time zone and languages' })
  @ApiOkResponse({ type: MeView })
  async me(@CurrentPrincipal() p: Principal): Promise<MeView> {
    return this.users.profile(p.userId);
  }
}

/** What a browser needs before it signs in (public). */
@ApiTags('auth')
@Public()
@Controller('auth')
export class AuthConfigController {
  constructor(
    private readonly config: AppConfig,
    private readonly tokens: TokenService,
  ) {}

  /**
   * GET /auth/config (no token): AuthConfigView `{ authority, clientId, scope, devIssuer }`: the OpenID
   * Connect issuer a browser signs in with (OIDC_ISSUER when configured, else the development issuer
   * `${PUBLIC_URL}/auth/dev`), the web view's client id (OIDC_CLIENT_ID), the scopes to ask for
   * (`openid profile email`), and whether that issuer is the development one. Never fails.
   */
  @Get('config')
  @ApiOperation({ summary: 'Sign-in settings for the web view (OpenID Connect authority, client id, scopes)' })
  @ApiOkResponse({ type: AuthConfigView })
  authConfig(): AuthConfigView {
    const authority = this.config.oidcIssuer ?? this.tokens.devIssuer;
    return { authority, clientId: this.config.oidcClientId, scope: SIGN_IN_SCOPE, devIssuer: this.config.oidcIssuer === null };
  }
}
