import type { RedisOptions } from 'ioredis';

/** ioredis options from a redis:// or rediss:// URL (host, port, user, password, database number). */
export function redisConnection(redisUrl: string): RedisOptions {
  const u = new URL(redisUrl);
  const db = u.pathname.replace('/', '');
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: db ? Number(db) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
  };
}
