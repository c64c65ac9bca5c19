import { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { ormOptions } from './mikro-orm.config';

/** Runs `fn` with a client connected to the `postgres` database of `databaseUrl`'s server; gives it the database name. */
async function withServer<T>(databaseUrl: string, fn: (client: Client, name: string) => Promise<T>): Promise<T> {
  const u = new URL(databaseUrl);
  const name = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`DATABASE_URL: database name "${name}" must be letters, digits and _ only`);
  u.pathname = '/postgres';
  const client = new Client({ connectionString: u.toString() });
  await client.connect();
  try {
    return await fn(client, name);
  } finally {
    await client.end();
  }
}

/** Creates the database named in `databaseUrl` when it does not exist; `recreate` drops it first. */
export async function ensureDatabase(databaseUrl: string, opts: { recreate?: boolean } = {}): Promise<void> {
  await withServer(databaseUrl, async (client, name) => {
    if (opts.recreate) await client.query(`drop database if exists "${name}" with (force)`);
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`create database "${name}"`);
  });
}

/** Drops the database named in `databaseUrl` (closing its connections), if it exists. */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  await withServer(databaseUrl, (client, name) => client.query(`drop database if exists "${name}" with (force)`));
}

/** Runs every pending migration; returns the names applied. */
export async function migrate(databaseUrl: string): Promise<string[]> {
  await ensureDatabase(databaseUrl);
  const orm = await MikroORM.init(ormOptions(databaseUrl));
  try {
    const done = await orm.getMigrator().up();
    return done.map((m) => m.name);
  } finally {
    await orm.close(true);
  }
}

/** True when the entities and the migrations disagree (a migration is missing). */
export async function migrationNeeded(databaseUrl: string): Promise<boolean> {
  const orm = await MikroORM.init(ormOptions(databaseUrl));
  try {
    return await orm.getMigrator().checkMigrationNeeded();
  } finally {
    await orm.close(true);
  }
}
