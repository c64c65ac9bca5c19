import { existsSync } from 'node:fs';
import path from 'node:path';
/**
 * The one validated configuration, read from environment variables at start-up. Nothing else in the
 * code base reads `process.env`. Every value has a default that works on a developer machine with
 * PostgreSQL, Redis and an SMTP listener on loopback.
 */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`${variable}: ${reason}`);
  }
}

export interface AppConfigValues {
  /** PostgreSQL connection URL (postgres:// or postgresql://). */
  databaseUrl: string;
  /** Redis connection URL (redis:// or rediss://). */
  redisUrl: string;
  /** SMTP server that email is handed to (smtp:// or smtps://). */
  smtpUrl: string;
  /** Sender of every email. */
  mailFrom: string;
  /** Prefix of every BullMQ key in Redis; tests use one per suite. */
  queuePrefix: string;
  /** Base URL of the web view, used for links in emails. */
  publicUrl: string;
  /** HTTP port of the API. */
  port: number;
  /** Sweeper period in seconds (re-enqueues due deadlines and pending emails). */
  sweepSeconds: number;
  /**
   * Built-in development OpenID Connect issuer (`${publicUrl}/auth/dev`): its key lives in the database,
   * `npm run cli -- token --user LOGIN` mints tokens for the seeded users. AUTH_DEV_ISSUER=false in a
   * deployment (then only OIDC_ISSUER's tokens are accepted).
   */
  devIssuer: boolean;
  /** Issuer (`iss`) of the deployment's OpenID Connect provider, or null. */
  oidcIssuer: string | null;
  /** JWKS URL of that provider (required with OIDC_ISSUER). */
  oidcJwksUrl: string | null;
  /** Audience (`aud`) every token must carry. */
  oidcAudience: string;
  /** Lifetime of development tokens, in seconds. */
  tokenTtlSeconds: number;
  /**
   * Keys of the field-level encryption of case facts and persons concerned, newest first:
   * `kid:base64-of-32-bytes[,kid:…]`. The first encrypts; every one decrypts (key rotation).
   */
  fieldEncryptionKeys: Array<{ kid: string; key: Buffer }>;
  /** Requests per minute allowed to one user, and to one IP address (HTTP 429 beyond). */
  rateLimitPerMinute: number;
  rateLimitIpPerMinute: number;
  /** Origins allowed by CORS; empty (the default): CORS closed, no cross-origin reads. */
  corsOrigins: string[];
  /** Statistics served to a secretariat: a breakdown cell counting fewer cases than this is suppressed. */
  statisticsMinCount: number;
  /** Express `trust proxy` setting: how many proxies in front of the API are trusted for the client IP (0: none). */
  trustProxyHops: number;
  /** OAuth client id of the web view at the OpenID Connect provider (public client, authorization code with PKCE). */
  oidcClientId: string;
  /** Folder of the built web view (index.html and assets/) the API serves at `/`. */
  webDir: string;
}

const DEFAULTS: Record<string, string> = {
  DATABASE_URL: 'postgresql://root@127.0.0.1:5432/rogatory',
  REDIS_URL: 'redis://127.0.0.1:6379',
  SMTP_URL: 'smtp://127.0.0.1:1025',
  MAIL_FROM: 'Rogatory <no-reply@rogatory.example.org>',
  QUEUE_PREFIX: 'rogatory',
  PUBLIC_URL: 'http://localhost:3000',
  PORT: '3000',
  SWEEP_SECONDS: '60',
  AUTH_DEV_ISSUER: 'true',
  OIDC_AUDIENCE: 'rogatory',
  TOKEN_TTL_SECONDS: '3600',
  // The development key: anyone can read it here. A deployment sets its own (README, Configuration).
  FIELD_ENCRYPTION_KEYS: 'dev:cm9nYXRvcnktZGV2ZWxvcG1lbnQta2V5LTMyYnl0ZXM=',
  RATE_LIMIT_PER_MINUTE: '600',
  RATE_LIMIT_IP_PER_MINUTE: '1200',
  CORS_ORIGINS: '',
  STATISTICS_MIN_COUNT: '3',
  TRUST_PROXY_HOPS: '0',
  OIDC_CLIENT_ID: 'rogatory-web',
  WEB_DIR: defaultWebDir(),
};

/**
 * Where `npm run build:web` writes the web view: `dist/web` of the repository. From the sources (ts-node)
 * the repository is four folders up; from the compiled product (`dist/libs/domain/src/config`) four folders
 * up is `dist` itself.
 */
function defaultWebDir(): string {
  const up = path.resolve(__dirname, '../../../..');
  return path.basename(up) === 'dist' && !existsSync(path.join(up, 'dist')) ? path.join(up, 'web') : path.join(up, 'dist/web');
}

/** kid of the development encryption key of DEFAULTS (refused when NODE_ENV=production). */
export const DEV_ENCRYPTION_KID = 'dev';

function encryptionKeys(raw: string): Array<{ kid: string; key: Buffer }> {
  const keys = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry, i) => {
      const m = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/=]+)$/.exec(entry);
      if (!m) throw new ConfigError('FIELD_ENCRYPTION_KEYS', `entry ${i + 1} must be kid:base64 (kid of letters, digits, "_" or "-")`);
      const key = Buffer.from(m[2], 'base64');
      if (key.length !== 32) throw new ConfigError('FIELD_ENCRYPTION_KEYS', `key "${m[1]}" must be 32 bytes (base64 of 32 random bytes), got ${key.length}`);
      return { kid: m[1], key };
    });
  if (keys.length === 0) throw new ConfigError('FIELD_ENCRYPTION_KEYS', 'at least one key is required');
  if (new Set(keys.map((k) => k.kid)).size !== keys.length) throw new ConfigError('FIELD_ENCRYPTION_KEYS', 'each kid must appear once');
  return keys;
}

function bool(env: Record<string, string | undefined>, name: string): boolean {
  const raw = (env[name] ?? DEFAULTS[name]).trim().toLowerCase();
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function url(env: Record<string, string | undefined>, name: string, protocols: string[]): string {
  const raw = (env[name] ?? DEFAULTS[name]).trim();
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `"${raw}" is not a URL`);
  }
  if (!protocols.includes(parsed.protocol.replace(':', ''))) {
    throw new ConfigError(name, `protocol must be one of ${protocols.join(', ')}, got "${parsed.protocol.replace(':', '')}"`);
  }
  return raw;
}

function int(env: Record<string, string | undefined>, name: string, min: number, max: number): number {
  const raw = (env[name] ?? DEFAULTS[name]).trim();
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got "${raw}"`);
  return n;
}

export class AppConfig implements AppConfigValues {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly smtpUrl: string;
  readonly mailFrom: string;
  readonly queuePrefix: string;
  readonly publicUrl: string;
  readonly port: number;
  readonly sweepSeconds: number;
  readonly devIssuer: boolean;
  readonly oidcIssuer: string | null;
  readonly oidcJwksUrl: string | null;
  readonly oidcAudience: string;
  readonly tokenTtlSeconds: number;
  readonly fieldEncryptionKeys: Array<{ kid: string; key: Buffer }>;
  readonly rateLimitPerMinute: number;
  readonly rateLimitIpPerMinute: number;
  readonly corsOrigins: string[];
  readonly statisticsMinCount: number;
  readonly trustProxyHops: number;
  readonly oidcClientId: string;
  readonly webDir: string;

  constructor(values: AppConfigValues) {
    Object.assign(this, values);
  }

  /**
   * Reads and validates DATABASE_URL, REDIS_URL, SMTP_URL, MAIL_FROM, QUEUE_PREFIX, PUBLIC_URL, PORT and
   * SWEEP_SECONDS, AUTH_DEV_ISSUER, OIDC_ISSUER, OIDC_JWKS_URL, OIDC_AUDIENCE, TOKEN_TTL_SECONDS,
   * FIELD_ENCRYPTION_KEYS, RATE_LIMIT_PER_MINUTE, RATE_LIMIT_IP_PER_MINUTE, CORS_ORIGINS, STATISTICS_MIN_COUNT, TRUST_PROXY_HOPS, OIDC_CLIENT_ID, WEB_DIR. Throws ConfigError naming the variable and the reason.
   */
  static fromEnv(env: Record<string, string | undefined> = process.env): AppConfig {
    const queuePrefix = (env.QUEUE_PREFIX ?? DEFAULTS.QUEUE_PREFIX).trim();
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(queuePrefix)) throw new ConfigError('QUEUE_PREFIX', 'letters, digits, "_" and "-" only, 1 to 64 of them');
    const mailFrom = (env.MAIL_FROM ?? DEFAULTS.MAIL_FROM).trim();
    if (!/@/.test(mailFrom) || /[\r\n]/.test(mailFrom)) throw new ConfigError('MAIL_FROM', 'must be one email address on one line');
    const oidcIssuer = env.OIDC_ISSUER?.trim() || null;
    const oidcJwksUrl = env.OIDC_JWKS_URL?.trim() ? url(env, 'OIDC_JWKS_URL', ['http', 'https']) : null;
    if (oidcIssuer !== null && oidcJwksUrl === null) throw new ConfigError('OIDC_JWKS_URL', 'is required with OIDC_ISSUER');
    const devIssuer = bool(env, 'AUTH_DEV_ISSUER');
    if (!devIssuer && oidcIssuer === null) throw new ConfigError('OIDC_ISSUER', 'is required when AUTH_DEV_ISSUER=false (no token could be verified)');
    const fieldEncryptionKeys = encryptionKeys(env.FIELD_ENCRYPTION_KEYS ?? DEFAULTS.FIELD_ENCRYPTION_KEYS);
    if (env.NODE_ENV === 'production') {
      if (fieldEncryptionKeys[0].kid === DEV_ENCRYPTION_KID)
        throw new ConfigError('FIELD_ENCRYPTION_KEYS', 'the development key may not encrypt in production');
      if (devIssuer) throw new ConfigError('AUTH_DEV_ISSUER', 'must be false in production');
    }
    const oidcAudience = (env.OIDC_AUDIENCE ?? DEFAULTS.OIDC_AUDIENCE).trim();
    if (!/^\S{1,200}$/.test(oidcAudience)) throw new ConfigError('OIDC_AUDIENCE', 'one word, 1 to 200 characters');
    const oidcClientId = (env.OIDC_CLIENT_ID ?? DEFAULTS.OIDC_CLIENT_ID).trim();
    if (!/^[\x21-\x7e]{1,200}$/.test(oidcClientId)) throw new ConfigError('OIDC_CLIENT_ID', 'visible ASCII characters, 1 to 200 of them');
    const corsOrigins = (env.CORS_ORIGINS ?? DEFAULTS.CORS_ORIGINS)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const o of corsOrigins) if (!/^https?:\/\/[^/\s]+$/.test(o)) throw new ConfigError('CORS_ORIGINS', `"${o}" is not an origin (scheme://host[:port])`);
    return new AppConfig({
      devIssuer,
      oidcIssuer,
      oidcJwksUrl,
      oidcAudience,
      tokenTtlSeconds: int(env, 'TOKEN_TTL_SECONDS', 60, 86400),
      fieldEncryptionKeys,
      rateLimitPerMinute: int(env, 'RATE_LIMIT_PER_MINUTE', 1, 1_000_000),
      rateLimitIpPerMinute: int(env, 'RATE_LIMIT_IP_PER_MINUTE', 1, 1_000_000),
      corsOrigins,
      statisticsMinCount: int(env, 'STATISTICS_MIN_COUNT', 1, 1000),
      trustProxyHops: int(env, 'TRUST_PROXY_HOPS', 0, 10),
      oidcClientId,
      webDir: path.resolve((env.WEB_DIR ?? DEFAULTS.WEB_DIR).trim()),
      databaseUrl: url(env, 'DATABASE_URL', ['postgres', 'postgresql']),
      redisUrl: url(env, 'REDIS_URL', ['redis', 'rediss']),
      smtpUrl: url(env, 'SMTP_URL', ['smtp', 'smtps']),
      publicUrl: url(env, 'PUBLIC_URL', ['http', 'https']).replace(/\/+$/, ''),
      mailFrom,
      queuePrefix,
      port: int(env, 'PORT', 1, 65535),
      sweepSeconds: int(env, 'SWEEP_SECONDS', 1, 86400),
    });
  }

  /** The same configuration with some values replaced (tests, demo). */
  with(values: Partial<AppConfigValues>): AppConfig {
    return new AppConfig({ ...this, ...values });
  }
}
