import { Body, Controller, Get, HttpCode, Post, Query, Req, Res, SetMetadata } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  AppConfig,
  checkDevAuthorizeRequest,
  DEV_SCOPES,
  devAuthorizeQuery,
  NotFoundError,
  OAuthTokenError,
  TokenService,
  UserService,
} from '@rogatory/domain';
import type { Request, Response } from 'express';
import type { JSONWebKeySet } from 'jose';
import { ACCEPTS_FORM } from '../common/json-body.guard';
import { Public } from './access.decorators';
import { DevDiscoveryView, DevTokenRequestForm, DevTokenView, OAuthErrorView } from './auth.views';
import { devSignInPage, devSignInRefusedPage } from './dev-sign-in.page';

/** OpenAPI description of the 404 of every route here when AUTH_DEV_ISSUER=false. */
const OFF_RESPONSE = { status: 404, description: 'application/problem+json: the development issuer is off (AUTH_DEV_ISSUER=false)' };

/**
 * The development OpenID Connect issuer (AUTH_DEV_ISSUER=true only; every route 404 otherwise): a real,
 * minimal provider of the authorization code flow with PKCE for one public client (OIDC_CLIENT_ID, no
 * secret), so that a browser library such as oidc-client-ts signs in against it as against a real
 * provider. Discovery, keys, `/authorize` (a sign-in page listing the development users, no password) and
 * `/token`. Tokens for scripts are minted by `npm run cli -- token --user LOGIN`. Development only: codes
 * are remembered in this process's memory.
 */
@ApiTags('auth')
@Public()
@Controller('auth/dev')
export class DevIssuerController {
  constructor(
    private readonly tokens: TokenService,
    private readonly users: UserService,
    private readonly config: AppConfig,
  ) {}

  private assertOn(): void {
    if (!this.config.devIssuer) throw new NotFoundError('issuer', 'dev');
  }

  /**
   * GET /auth/dev/.well-known/openid-configuration: DevDiscoveryView `{ issuer, authorization_endpoint,
   * token_endpoint, jwks_uri, response_types_supported: ['code'], grant_types_supported:
   * ['authorization_code'], code_challenge_methods_supported: ['S256'], scopes_supported,
   * token_endpoint_auth_methods_supported: ['none'], … }`, URLs under `${PUBLIC_URL}/auth/dev`.
   */
  @Get('.well-known/openid-configuration')
  @ApiOperation({ summary: 'Discovery document of the development issuer' })
  @ApiOkResponse({ type: DevDiscoveryView })
  @ApiResponse(OFF_RESPONSE)
  discovery(): DevDiscoveryView {
    this.assertOn();
    const issuer = this.tokens.devIssuer;
    return {
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks.json`,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code'],
      code_challenge_methods_supported: ['S256'],
      scopes_supported: [...DEV_SCOPES],
      token_endpoint_auth_methods_supported: ['none'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'nonce', 'name', 'email', 'preferred_username'],
      authorization_response_iss_parameter_supported: true,
    };
  }

  /** GET /auth/dev/jwks.json: the issuer's public keys (RS256), `{ keys: [{ kty, n, e, kid, alg, use }] }`. */
  @Get('jwks.json')
  @ApiOperation({ summary: 'Public keys of the development issuer' })
  @ApiResponse(OFF_RESPONSE)
  async jwks(): Promise<JSONWebKeySet> {
    this.assertOn();
    return this.tokens.devJwks();
  }

  /**
   * GET /auth/dev/authorize (RFC 6749 §4.1.1 with PKCE, RFC 7636; checked by checkDevAuthorizeRequest):
   * `response_type=code&client_id&redirect_uri&scope&state&code_challenge&code_challenge_method=S256
   * [&nonce][&login_hint=LOGIN]`.
   * - `redirect_uri` not an absolute URL on PUBLIC_URL's origin, or `client_id` not OIDC_CLIENT_ID: 400,
   *   an HTML page (or `{ error, error_description }` JSON for a client that prefers JSON) naming the
   *   parameter; never a redirect.
   * - Another bad parameter: 302 to `redirect_uri?error=…&error_description=…&state=…&iss=…` (RFC 6749 §4.1.2.1).
   * - `login_hint` naming an active user of the development issuer: 302 to
   *   `redirect_uri?code=CODE&state=STATE&iss=ISSUER`, CODE valid 60 s and once.
   * - No `login_hint`, or one naming nobody: 200, the HTML sign-in page listing the users, each a link
   *   to this request with its login_hint (with the reason when one was refused).
   * Every answer `Cache-Control: no-store`.
   */
  @Get('authorize')
  @ApiOperation({ summary: 'Authorization endpoint of the development issuer (sign-in page, code with PKCE)' })
  @ApiProduces('text/html')
  @ApiQuery({ name: 'response_type', enum: ['code'] })
  @ApiQuery({ name: 'client_id', description: 'OIDC_CLIENT_ID' })
  @ApiQuery({ name: 'redirect_uri', description: "An absolute URL on PUBLIC_URL's origin" })
  @ApiQuery({ name: 'scope', description: 'Space-separated, must include openid', example: 'openid profile email' })
  @ApiQuery({ name: 'state', required: false })
  @ApiQuery({ name: 'code_challenge', description: 'BASE64URL(SHA-256(code_verifier)), 43–128 base64url characters' })
  @ApiQuery({ name: 'code_challenge_method', enum: ['S256'] })
  @ApiQuery({ name: 'nonce', required: false })
  @ApiQuery({ name: 'login_hint', required: false, description: 'Login of the development user to sign in as; without it, the sign-in page' })
  @ApiResponse({ status: 200, description: 'text/html: the development sign-in page' })
  @ApiResponse({ status: 302, description: 'To redirect_uri with code, state and iss (or error, error_description, state and iss)' })
  @ApiResponse({ status: 400, description: 'text/html (or JSON { error, error_description }): redirect_uri or client_id refused' })
  @ApiResponse(OFF_RESPONSE)
  async authorize(@Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    this.assertOn();
    res.setHeader('Cache-Control', 'no-store');
    const issuer = this.tokens.devIssuer;
    const check = checkDevAuthorizeRequest(query, { clientId: this.config.oidcClientId, publicUrl: this.config.publicUrl });
    if (!check.ok && !check.redirect) {
      res.status(400);
      if (req.accepts(['html', 'json']) === 'json') res.json({ error: check.error, error_description: check.description });
      else res.type('html').send(devSignInRefusedPage(check.field, check.description));
      return;
    }
    if (!check.ok) {
      const params: Record<string, string> = { error: check.error, error_description: check.description };
      if (check.state !== null) params.state = check.state;
      return res.redirect(302, withQuery(check.redirectUri, { ...params, iss: issuer }));
    }
    const request = check.request;
    let reason: string | null = null;
    if (request.loginHint !== null) {
      const user = await this.tokens.activeDevUser(request.loginHint);
      if (user) {
        const code = await this.tokens.mintDevAuthorizationCode(user, request);
        return res.redirect(302, withQuery(request.redirectUri, { code, ...(request.state !== null ? { state: request.state } : {}), iss: issuer }));
      }
      reason = `there is no active user "${request.loginHint}" of the development issuer; choose one below`;
    }
    res
      .status(200)
      .type('html')
      .send(
        devSignInPage({
          users: await this.users.devSignInUsers(),
          link: (login) => `?${devAuthorizeQuery(request, login)}`,
          clientId: request.clientId,
          redirectUri: request.redirectUri,
          reason,
        }),
      );
  }

  /**
   * POST /auth/dev/token, body application/x-www-form-urlencoded `grant_type=authorization_code&code&
   * redirect_uri&client_id&code_verifier` (RFC 6749 §4.1.3, RFC 7636 §4.5; TokenService
   * .exchangeDevAuthorizationCode checks it). 200 DevTokenView `{ access_token, id_token, token_type:
   * 'Bearer', expires_in (seconds), scope }`; 400 OAuthErrorView `{ error: invalid_request | invalid_grant
   * | unsupported_grant_type | invalid_client, error_description }` (JSON, RFC 6749 §5.2). Both with
   * `Cache-Control: no-store` and `Pragma: no-cache`. 415 problem+json for a body of another type.
   */
  @Post('token')
  @HttpCode(200)
  @SetMetadata(ACCEPTS_FORM, true)
  @ApiOperation({ summary: 'Token endpoint of the development issuer (authorization code with PKCE)' })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ type: DevTokenRequestForm })
  @ApiOkResponse({ type: DevTokenView })
  @ApiResponse({ status: 400, type: OAuthErrorView, description: 'RFC 6749 §5.2 error (JSON, not problem+json)' })
  @ApiResponse(OFF_RESPONSE)
  @ApiResponse({ status: 415, description: 'application/problem+json: the body is not application/x-www-form-urlencoded' })
  async token(@Body() body: unknown, @Res({ passthrough: true }) res: Response): Promise<DevTokenView | OAuthErrorView> {
    this.assertOn();
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Pragma', 'no-cache');
    try {
      const form = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
      return await this.tokens.exchangeDevAuthorizationCode(form);
    } catch (err) {
      if (!(err instanceof OAuthTokenError)) throw err;
      res.status(400);
      return { error: err.error, error_description: err.description };
    }
  }
}

/** `url` with `params` added to its query (kept as given otherwise). */
function withQuery(url: string, params: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}
