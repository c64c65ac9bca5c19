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
   * Secret that administrators present (`Authorization: Bearer …`, or HTTP Basic with it as the password)
   * for the administration routes: holidays, deadline policies, queue dashboard, metrics, incidents.
   * Null (ADMIN_TOKEN unset): those routes answer 401. At least 16 characters.
   */
  adminToken: string | null;
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
};

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
  readonly adminToken: string | null;

  constructor(values: AppConfigValues) {
    Object.assign(this, values);
  }

  /**
   * Reads and validates DATABASE_URL, REDIS_URL, SMTP_URL, MAIL_FROM, QUEUE_PREFIX, PUBLIC_URL, PORT and
   * SWEEP_SECONDS, ADMIN_TOKEN. Throws ConfigError naming the variable and the reason.
   */
  static fromEnv(env: Record<string, string | undefined> = process.env): AppConfig {
    const queuePrefix = (env.QUEUE_PREFIX ?? DEFAULTS.QUEUE_PREFIX).trim();
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(queuePrefix)) throw new ConfigError('QUEUE_PREFIX', 'letters, digits, "_" and "-" only, 1 to 64 of them');
    const mailFrom = (env.MAIL_FROM ?? DEFAULTS.MAIL_FROM).trim();
    if (!/@/.test(mailFrom) || /[\r\n]/.test(mailFrom)) throw new ConfigError('MAIL_FROM', 'must be one email address on one line');
    const adminToken = env.ADMIN_TOKEN?.trim() || null;
    if (adminToken !== null && (adminToken.length < 16 || /\s/.test(adminToken))) throw new ConfigError('ADMIN_TOKEN', 'at least 16 characters, no spaces');
    return new AppConfig({
      adminToken,
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
