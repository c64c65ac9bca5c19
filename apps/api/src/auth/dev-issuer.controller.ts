import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppConfig, NotFoundError, TokenService } from '@rogatory/domain';
import type { JSONWebKeySet } from 'jose';
import { Public } from './access.decorators';

/**
 * The development OpenID Connect issuer's public documents (AUTH_DEV_ISSUER=true only; 404 otherwise):
 * its discovery document and its keys, so that any OIDC client library can verify its tokens. Tokens are
 * minted by `npm run cli -- token --user LOGIN`.
 */
@ApiTags('auth')
@Public()
@Controller('auth/dev')
export class DevIssuerController {
  constructor(
    private readonly tokens: TokenService,
    private readonly config: AppConfig,
  ) {}

  /** GET /auth/dev/.well-known/openid-configuration: `{ issuer, jwks_uri, id_token_signing_alg_values_supported }`. */
  @Get('.well-known/openid-configuration')
  @ApiOperation({ summary: 'Discovery document of the development issuer' })
  discovery(): Record<string, unknown> {
    if (!this.config.devIssuer) throw new NotFoundError('issuer', 'dev');
    return {
      issuer: this.tokens.devIssuer,
      jwks_uri: `${this.tokens.devIssuer}/jwks.json`,
      id_token_signing_alg_values_supported: ['RS256'],
      subject_types_supported: ['public'],
      response_types_supported: ['id_token'],
    };
  }

  /** GET /auth/dev/jwks.json: the issuer's public keys (RS256). */
  @Get('jwks.json')
  @ApiOperation({ summary: 'Public keys of the development issuer' })
  async jwks(): Promise<JSONWebKeySet> {
    if (!this.config.devIssuer) throw new NotFoundError('issuer', 'dev');
    return this.tokens.devJwks();
  }
}
