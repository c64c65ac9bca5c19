import { MikroORM } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors as joseErrors,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  type JSONWebKeySet,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';
import { createHash, randomUUID } from 'node:crypto';
import { Clock } from '../clock';
import { AppConfig } from '../config/app-config';
import { AppUser, DevIssuerKey } from '../entities';
import { DomainError } from '../errors';
import { DEV_CODE_TTL_SECONDS, isCodeVerifier, OAuthTokenError, pkceS256, type DevAuthorizeRequest } from './dev-authorization';

/** Signature algorithms accepted from any issuer. `none` and the HMAC family (a public key used as a secret) never are. */
export const ACCEPTED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA'];
const DEV_ALG = 'RS256';
/** `typ` header of the development issuer's authorization codes (never of a token). */
const DEV_CODE_TYP = 'rogatory-code+jwt';

/** The answer of the development issuer's token endpoint to a valid code (RFC 6749 §5.1, OpenID Connect Core §3.1.3.3). */
export interface DevTokenResponse {
  /** A bearer token exactly as mintDevToken gives it (aud OIDC_AUDIENCE, lifetime TOKEN_TTL_SECONDS). */
  access_token: string;
  /** RS256 JWT of the same key: iss, sub, aud (the client id), exp, iat, nonce (when the request gave one), name, email, preferred_username (the login). */
  id_token: string;
  token_type: 'Bearer';
  /** Lifetime of the access token, seconds (TOKEN_TTL_SECONDS). */
  expires_in: number;
  /** Scopes granted, space-separated (e.g. `openid profile email`). */
  scope: string;
}

/** A token that is missing, malformed, expired, wrongly signed, of another audience or issuer, or of no known user. HTTP 401. */
export class UnauthenticatedError extends DomainError {
  constructor(reason: string) {
    super('UNAUTHENTICATED', reason, { errors: [{ field: 'Authorization', reason }] });
  }
}

/**
 * Bearer tokens (JWT): verification against the configured OpenID Connect issuer's JWKS (OIDC_ISSUER,
 * OIDC_JWKS_URL, OIDC_AUDIENCE) and the built-in development issuer (AUTH_DEV_ISSUER, issuer
 * `${PUBLIC_URL}/auth/dev`, key in `dev_issuer_key`), and minting of development tokens for seeded users.
 */
@Injectable()
export class TokenService {
  /** The development key (row of dev_issuer_key), its private key imported once, and its public key set. */
  private devKey: Promise<{ kid: string; jwk: JWK; privateKey: Awaited<ReturnType<typeof importJWK>>; publicKeys: JWTVerifyGetKey }> | null = null;
  private remote: JWTVerifyGetKey | null = null;
  /** `jti` → `exp` (seconds) of the development authorization codes redeemed and not yet expired (one use each). */
  private readonly usedCodes = new Map<string, number>();

  constructor(
    private readonly orm: MikroORM,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** `iss` of the development issuer. */
  get devIssuer(): string {
    return `${this.config.publicUrl}/auth/dev`;
  }

  /**
   * Verifies `Authorization: Bearer <jwt>` and returns the active user it names (by `iss` and `sub`).
   * Throws UnauthenticatedError naming the reason: no or malformed header, `alg` not accepted (`none`,
   * HS256…), unknown issuer, bad signature, expired (`exp`, 30 s leeway) or not yet valid, wrong audience,
   * unknown or inactive user.
   */
  async authenticate(authorization: string | undefined): Promise<AppUser> {
    if (authorization === undefined || authorization.trim() === '') throw new UnauthenticatedError('a bearer token is required: Authorization: Bearer <token>');
    const m = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/.exec(authorization.trim());
    if (!m) throw new UnauthenticatedError('must be "Bearer " followed by a JWT');
    const token = m[1];
    let alg: string | undefined;
    let iss: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
      iss = decodeJwt(token).iss;
    } catch {
      throw new UnauthenticatedError('the token is not a readable JWT');
    }
    if (!alg || !ACCEPTED_ALGORITHMS.includes(alg)) throw new UnauthenticatedError(`signature algorithm "${alg ?? 'none'}" is not accepted`);
    const keys = await this.keysOf(iss);
    let sub: string;
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: iss,
        audience: this.config.oidcAudience,
        algorithms: ACCEPTED_ALGORITHMS,
        clockTolerance: 30,
        currentDate: this.clock.now(),
        requiredClaims: ['exp', 'sub'],
      });
      sub = payload.sub!;
    } catch (err) {
      throw new UnauthenticatedError(reasonOf(err));
    }
    const user = await this.orm.em.fork().findOne(AppUser, { issuer: iss!, subject: sub });
    if (!user) throw new UnauthenticatedError('the token names no user of Rogatory (ask an administrator to register you)');
    if (!user.active) throw new UnauthenticatedError('this user is deactivated');
    return user;
  }

  private async keysOf(iss: string | undefined): Promise<JWTVerifyGetKey> {
    if (this.config.devIssuer && iss === this.devIssuer) return (await this.devSigningKey()).publicKeys;
    if (this.config.oidcIssuer !== null && iss === this.config.oidcIssuer) {
      this.remote ??= createRemoteJWKSet(new URL(this.config.oidcJwksUrl!), { cooldownDuration: 30_000, cacheMaxAge: 600_000 });
      return this.remote;
    }
    throw new UnauthenticatedError(`issuer "${iss ?? ''}" is not trusted`);
  }

  /** Public keys of the development issuer (served at /auth/dev/jwks.json). Throws when AUTH_DEV_ISSUER=false. */
  async devJwks(): Promise<JSONWebKeySet> {
    const { kid, jwk } = await this.devSigningKey();
    return publicSet(kid, jwk);
  }

  /**
   * Mints a development token for the user `login` (AUTH_DEV_ISSUER only): `sub` = login, `aud` =
   * OIDC_AUDIENCE, lifetime TOKEN_TTL_SECONDS unless `ttlSeconds` is given (seconds; negative gives an
   * expired token, for tests). Throws DomainError NOT_FOUND for an unknown login.
   */
  async mintDevToken(login: string, ttlSeconds = this.config.tokenTtlSeconds): Promise<string> {
    const user = await this.orm.em.fork().findOne(AppUser, { login, issuer: this.devIssuer });
    if (!user) throw new DomainError('NOT_FOUND', `no user "${login}" of the development issuer (npm run cli -- users lists them)`, { login });
    return this.signAccessToken(user, ttlSeconds);
  }

  /** The bearer token of mintDevToken for a user already loaded. */
  private signAccessToken(user: AppUser, ttlSeconds = this.config.tokenTtlSeconds): Promise<string> {
    return this.signDev({ name: user.name, email: user.email }, { typ: 'JWT', subject: user.subject, audience: this.config.oidcAudience, ttlSeconds });
  }

  /**
   * A JWT of the development issuer: `claims`, signed RS256 with its key, `iss` the issuer, `sub`,
   * `aud`, `iat` now (the Clock) and `exp` `ttlSeconds` later (seconds), `jti` when given.
   */
  private async signDev(
    claims: Record<string, unknown>,
    o: { typ: string; subject: string; audience: string; ttlSeconds: number; jti?: string },
  ): Promise<string> {
    const { kid, privateKey } = await this.devSigningKey();
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: DEV_ALG, kid, typ: o.typ })
      .setIssuer(this.devIssuer)
      .setSubject(o.subject)
      .setAudience(o.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + o.ttlSeconds);
    if (o.jti !== undefined) jwt.setJti(o.jti);
    return jwt.sign(privateKey);
  }

  /**
   * The active user `login` of the development issuer, or null (unknown, another issuer's, or
   * deactivated). Throws UnauthenticatedError when AUTH_DEV_ISSUER=false.
   */
  async activeDevUser(login: string): Promise<AppUser | null> {
    if (!this.config.devIssuer) throw new UnauthenticatedError('the development issuer is off (AUTH_DEV_ISSUER=false)');
    return this.orm.em.fork().findOne(AppUser, { login, issuer: this.devIssuer, active: true });
  }

  /** `aud` of the development issuer's authorization codes: never OIDC_AUDIENCE, so a code is never accepted as a bearer token. */
  get devCodeAudience(): string {
    return `${this.devIssuer}#code`;
  }

  /**
   * An authorization code of the development issuer for `user` and the checked `request`
   * (checkDevAuthorizeRequest): a JWT signed with the development key (`typ` rogatory-code+jwt), `aud`
   * devCodeAudience, lifetime DEV_CODE_TTL_SECONDS (60 s), a random `jti`, carrying the login (`sub`),
   * client_id, redirect_uri, code_challenge, nonce and scope that the token endpoint checks it against.
   */
  async mintDevAuthorizationCode(user: AppUser, request: DevAuthorizeRequest): Promise<string> {
    return this.signDev(
      {
        client_id: request.clientId,
        redirect_uri: request.redirectUri,
        code_challenge: request.codeChallenge,
        scope: request.scope,
        ...(request.nonce !== null ? { nonce: request.nonce } : {}),
      },
      { typ: DEV_CODE_TYP, subject: user.login, audience: this.devCodeAudience, ttlSeconds: DEV_CODE_TTL_SECONDS, jti: randomUUID() },
    );
  }

  /**
   * The token endpoint of the development issuer (RFC 6749 §4.1.3, RFC 7636 §4.6): `form` is the
   * urlencoded body `{ grant_type: 'authorization_code', code, redirect_uri, client_id, code_verifier }`.
   * Checks, in order: each parameter given once, grant_type (unsupported_grant_type), the others present
   * (invalid_request), client_id equal to OIDC_CLIENT_ID (invalid_client), the code's signature, `typ`,
   * audience and expiry (invalid_grant), not used before, its client_id and redirect_uri equal to the
   * request's, BASE64URL(SHA-256(code_verifier)) equal to its code_challenge, its user still active (all
   * invalid_grant); a malformed code_verifier is invalid_request. Returns DevTokenResponse; throws
   * OAuthTokenError otherwise.
   *
   * Each code is usable once: the `jti`s of redeemed codes are kept in memory until their expiry. That
   * holds for one API process only, which is enough for this issuer: it exists for development
   * (AUTH_DEV_ISSUER=true), never in production.
   */
  async exchangeDevAuthorizationCode(form: Record<string, unknown>): Promise<DevTokenResponse> {
    const value = (name: string): string | null => {
      const v = form[name];
      if (v !== undefined && typeof v !== 'string') throw new OAuthTokenError('invalid_request', `${name} is given more than once`);
      return v === undefined || v === '' ? null : v;
    };
    const grantType = value('grant_type');
    if (grantType === null) throw new OAuthTokenError('invalid_request', 'grant_type is required (authorization_code)');
    if (grantType !== 'authorization_code') throw new OAuthTokenError('unsupported_grant_type', `grant_type must be authorization_code, got "${grantType}"`);
    const params = { code: value('code'), redirect_uri: value('redirect_uri'), client_id: value('client_id'), code_verifier: value('code_verifier') };
    const missing = Object.entries(params)
      .filter(([, v]) => v === null)
      .map(([k]) => k);
    if (missing.length) throw new OAuthTokenError('invalid_request', `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} required`);
    const { code, redirect_uri: redirectUri, client_id: clientId, code_verifier: verifier } = params as Record<keyof typeof params, string>;
    if (clientId !== this.config.oidcClientId) throw new OAuthTokenError('invalid_client', `client_id "${clientId}" is not a client of this issuer`);
    if (!isCodeVerifier(verifier)) throw new OAuthTokenError('invalid_request', 'code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636)');

    const { publicKeys } = await this.devSigningKey();
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(code, publicKeys, {
        issuer: this.devIssuer,
        audience: this.devCodeAudience,
        algorithms: [DEV_ALG],
        typ: DEV_CODE_TYP,
        currentDate: this.clock.now(),
        requiredClaims: ['exp', 'jti', 'sub'],
      }));
    } catch (err) {
      throw new OAuthTokenError('invalid_grant', err instanceof joseErrors.JWTExpired ? 'the code has expired' : 'the code is not valid');
    }
    // From here to marking the code used nothing awaits: of two concurrent exchanges of one code, one wins.
    const now = Math.floor(this.clock.now().getTime() / 1000);
    for (const [jti, exp] of this.usedCodes) if (exp < now) this.usedCodes.delete(jti);
    const jti = String(claims.jti);
    if (this.usedCodes.has(jti)) throw new OAuthTokenError('invalid_grant', 'the code was used already');
    if (claims.client_id !== clientId) throw new OAuthTokenError('invalid_grant', 'the code was issued to another client_id');
    if (claims.redirect_uri !== redirectUri) throw new OAuthTokenError('invalid_grant', 'redirect_uri is not the one the code was issued for');
    if (pkceS256(verifier) !== claims.code_challenge) throw new OAuthTokenError('invalid_grant', 'code_verifier does not match the code_challenge (PKCE)');
    this.usedCodes.set(jti, Number(claims.exp));

    const user = await this.activeDevUser(String(claims.sub));
    if (!user) throw new OAuthTokenError('invalid_grant', 'the user of the code is no longer active');
    const nonce = typeof claims.nonce === 'string' ? claims.nonce : null;
    return {
      access_token: await this.signAccessToken(user),
      id_token: await this.mintDevIdToken(user, clientId, nonce),
      token_type: 'Bearer',
      expires_in: this.config.tokenTtlSeconds,
      scope: typeof claims.scope === 'string' ? claims.scope : 'openid',
    };
  }

  /**
   * An OpenID Connect ID token of the development issuer for `user` (RS256, its key): iss, sub, aud =
   * `clientId`, iat, exp (TOKEN_TTL_SECONDS), `nonce` when not null, name, email, preferred_username (the login).
   */
  private mintDevIdToken(user: AppUser, clientId: string, nonce: string | null): Promise<string> {
    return this.signDev(
      { name: user.name, email: user.email, preferred_username: user.login, ...(nonce !== null ? { nonce } : {}) },
      { typ: 'JWT', subject: user.subject, audience: clientId, ttlSeconds: this.config.tokenTtlSeconds },
    );
  }

  /** The development key, created at first use (one row; concurrent first uses agree on it). */
  private devSigningKey(): NonNullable<TokenService['devKey']> {
    if (!this.config.devIssuer) throw new UnauthenticatedError('the development issuer is off (AUTH_DEV_ISSUER=false)');
    this.devKey ??= (async () => {
      const em = this.orm.em.fork();
      let [row] = await em.find(DevIssuerKey, {}, { orderBy: { createdAt: 'asc', kid: 'asc' }, limit: 1 });
      if (!row) {
        const { privateKey } = await generateKeyPair(DEV_ALG, { extractable: true, modulusLength: 2048 });
        const jwk = await exportJWK(privateKey);
        const kid = createHash('sha256').update(String(jwk.n)).digest('base64url').slice(0, 16);
        await em
          .getConnection()
          .execute(`insert into dev_issuer_key (kid, private_jwk, created_at) values (?, ?, now()) on conflict do nothing`, [kid, JSON.stringify(jwk)]);
        [row] = await em.fork().find(DevIssuerKey, {}, { orderBy: { createdAt: 'asc', kid: 'asc' }, limit: 1 });
      }
      const jwk = row.privateJwk as unknown as JWK;
      return { kid: row.kid, jwk, privateKey: await importJWK(jwk, DEV_ALG), publicKeys: createLocalJWKSet(publicSet(row.kid, jwk)) };
    })().catch((err) => {
      this.devKey = null;
      throw err;
    });
    return this.devKey;
  }
}

/** The public half of the development key as a JWKS (no private members). */
function publicSet(kid: string, jwk: JWK): JSONWebKeySet {
  return { keys: [{ kty: jwk.kty, n: jwk.n, e: jwk.e, kid, alg: DEV_ALG, use: 'sig' }] };
}

function reasonOf(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'the token has expired';
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'the token signature is not valid';
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'the token is signed with a key the issuer does not publish';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `the token's "${err.claim}" claim is not valid (${err.reason})`;
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'the token signature algorithm is not accepted';
  if (err instanceof joseErrors.JWKSTimeout || (err as { code?: string }).code === 'ERR_JWKS_TIMEOUT') return 'the identity provider keys could not be fetched';
  if (err instanceof joseErrors.JOSEError) return `the token is not valid (${err.code})`;
  return 'the token is not valid';
}
