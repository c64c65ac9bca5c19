import { ApiProperty } from '@nestjs/swagger';
import { DEV_SCOPES, USER_ROLES } from '@rogatory/domain';
import { NETWORK_CODES } from '@rogatory/workflow';

/** GET /api/v1/me: the signed-in user. */
export class MeView {
  @ApiProperty({ example: 'officer.gh', description: "Rogatory login (the development issuer's `sub`)" }) login!: string;
  @ApiProperty({ example: 'Officer of the central authority of Ghana' }) name!: string;
  @ApiProperty({ example: 'officer.gh@example.org' }) email!: string;
  @ApiProperty({ enum: USER_ROLES, example: 'CENTRAL_AUTHORITY' }) role!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'GH',
    description: 'ISO 3166-1 alpha-2 code of the State acted for (officers, contact points), else null',
  })
  state!: string | null;
  @ApiProperty({ type: String, nullable: true, enum: NETWORK_CODES, example: 'WACAP', description: 'Network (contact points, secretariats), else null' })
  network!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: "The directory's contact point entry of this user (contact points), else null" })
  contactPointId!: string | null;
  @ApiProperty({ example: 'Africa/Accra', description: "IANA time zone of the user's State (directory, data/networks.json); 'UTC' when the user has no State" })
  timeZone!: string;
  @ApiProperty({
    type: [String],
    example: ['en'],
    description: "Official languages of the user's State in the directory (ISO 639-1, lower case); empty when the user has no State",
  })
  languages!: string[];
}

/** GET /auth/config: what a browser needs to sign in (OpenID Connect, authorization code with PKCE). */
export class AuthConfigView {
  @ApiProperty({
    example: 'http://localhost:3000/auth/dev',
    description: 'The OpenID Connect issuer to sign in with: OIDC_ISSUER when configured, else the development issuer `${PUBLIC_URL}/auth/dev`',
  })
  authority!: string;
  @ApiProperty({ example: 'rogatory-web', description: 'OAuth client id of the web view at that issuer (OIDC_CLIENT_ID; a public client: no secret)' })
  clientId!: string;
  @ApiProperty({ example: 'openid profile email', description: 'Scopes to request, space-separated' }) scope!: string;
  @ApiProperty({ description: 'True when `authority` is the development issuer (AUTH_DEV_ISSUER=true and no OIDC_ISSUER): not for production' })
  devIssuer!: boolean;
}

/** GET /auth/dev/.well-known/openid-configuration (OpenID Connect Discovery 1.0, RFC 8414 names). */
export class DevDiscoveryView {
  @ApiProperty({ example: 'http://localhost:3000/auth/dev' }) issuer!: string;
  @ApiProperty({ example: 'http://localhost:3000/auth/dev/authorize' }) authorization_endpoint!: string;
  @ApiProperty({ example: 'http://localhost:3000/auth/dev/token' }) token_endpoint!: string;
  @ApiProperty({ example: 'http://localhost:3000/auth/dev/jwks.json' }) jwks_uri!: string;
  @ApiProperty({ type: [String], example: ['code'] }) response_types_supported!: string[];
  @ApiProperty({ type: [String], example: ['query'] }) response_modes_supported!: string[];
  @ApiProperty({ type: [String], example: ['authorization_code'] }) grant_types_supported!: string[];
  @ApiProperty({ type: [String], example: ['S256'] }) code_challenge_methods_supported!: string[];
  @ApiProperty({ type: [String], example: [...DEV_SCOPES] }) scopes_supported!: string[];
  @ApiProperty({ type: [String], example: ['none'], description: 'A public client: no secret' }) token_endpoint_auth_methods_supported!: string[];
  @ApiProperty({ type: [String], example: ['public'] }) subject_types_supported!: string[];
  @ApiProperty({ type: [String], example: ['RS256'] }) id_token_signing_alg_values_supported!: string[];
  @ApiProperty({ type: [String], example: ['iss', 'sub', 'aud', 'exp', 'iat', 'nonce', 'name', 'email', 'preferred_username'] }) claims_supported!: string[];
  @ApiProperty({ description: 'The authorization response carries `iss` (RFC 9207)' }) authorization_response_iss_parameter_supported!: boolean;
}

/** The token request of the development issuer (application/x-www-form-urlencoded, RFC 6749 §4.1.3, RFC 7636 §4.5). */
export class DevTokenRequestForm {
  @ApiProperty({ enum: ['authorization_code'] }) grant_type!: string;
  @ApiProperty({ description: 'The code the authorization endpoint gave (valid 60 s, once)' }) code!: string;
  @ApiProperty({ description: 'The redirect_uri of the authorization request, exactly' }) redirect_uri!: string;
  @ApiProperty({ example: 'rogatory-web', description: 'OIDC_CLIENT_ID' }) client_id!: string;
  @ApiProperty({ description: 'The PKCE code_verifier: 43–128 characters of A-Z a-z 0-9 - . _ ~' }) code_verifier!: string;
}

/** The development issuer's token response (RFC 6749 §5.1, OpenID Connect Core §3.1.3.3). */
export class DevTokenView {
  @ApiProperty({ description: 'Bearer token for the API (aud OIDC_AUDIENCE)' }) access_token!: string;
  @ApiProperty({
    description: 'OpenID Connect ID token (RS256): iss, sub, aud (the client id), exp, iat, nonce when the request gave one, name, email, preferred_username',
  })
  id_token!: string;
  @ApiProperty({ enum: ['Bearer'] }) token_type!: string;
  @ApiProperty({ example: 3600, description: 'Lifetime of the access token, seconds (TOKEN_TTL_SECONDS)' }) expires_in!: number;
  @ApiProperty({ example: 'openid profile email', description: 'Scopes granted' }) scope!: string;
}

/** An OAuth 2.0 error (RFC 6749 §5.2): JSON, not problem+json, since OAuth clients read `error`. */
export class OAuthErrorView {
  @ApiProperty({ enum: ['invalid_request', 'invalid_grant', 'unsupported_grant_type', 'invalid_client'] }) error!: string;
  @ApiProperty({ example: 'code_verifier does not match the code_challenge (PKCE)' }) error_description!: string;
}
