import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, type Options } from '@mikro-orm/postgresql';
import * as path from 'node:path';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/**
 * MikroORM options for PostgreSQL at `databaseUrl`. Migrations are listed in code (no glob), so they
 * run the same under ts-node, jest and a build.
 */
export function ormOptions(databaseUrl: string, debug = false): Options {
  return defineConfig({
    clientUrl: databaseUrl,
    entities: ENTITIES,
    extensions: [Migrator],
    debug,
    // Logs go to stderr: stdout carries command results only.
    logger: (message: string) => process.stderr.write(`${message}\n`),
    allowGlobalContext: false,
    forceUtcTimezone: true,
    pool: { min: 0, max: 10 },
    migrations: {
      tableName: 'mikro_orm_migrations',
      path: path.join(__dirname, 'migrations'),
      pathTs: path.join(__dirname, 'migrations'),
      migrationsList: MIGRATIONS,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      emit: 'ts',
    },
  });
}
