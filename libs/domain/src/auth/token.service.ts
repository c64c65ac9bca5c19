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
import { createHash } from 'node:crypto';
import { Clock } from '../clock';
import { AppConfig } from '../config/app-config';
import { AppUser, DevIssuerKey } from '../entities';
import { DomainError } from '../errors';

/** Signature algorithms accepted from any issuer. `none` and the HMAC family (a public key used as a secret) never are. */
export const ACCEPTED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA'];
const DEV_ALG = 'RS256';

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
    const { kid, privateKey } = await this.devSigningKey();
    const now = Math.floor(this.clock.now().getTime() / 1000);
    return new SignJWT({ name: user.name, email: user.email })
      .setProtectedHeader({ alg: DEV_ALG, kid, typ: 'JWT' })
      .setIssuer(this.devIssuer)
      .setSubject(user.subject)
      .setAudience(this.config.oidcAudience)
      .setIssuedAt(now)
      .setExpirationTime(now + ttlSeconds)
      .sign(privateKey);
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
