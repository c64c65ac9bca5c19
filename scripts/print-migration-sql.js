// Prints the SQL MikroORM would generate for the entities against a fresh migrated scratch database.
const { MikroORM } = require('@mikro-orm/postgresql');
const { ormOptions } = require('../libs/domain/src/mikro-orm.config');
const { ensureDatabase, migrate, dropDatabase } = require('../libs/domain/src/database');
(async () => {
  const url = 'postgresql://root@127.0.0.1:5432/rogatory_scratch_' + process.pid;
  await ensureDatabase(url, { recreate: true });
  await migrate(url);
  const orm = await MikroORM.init(ormOptions(url));
  const diff = await orm.getSchemaGenerator().getUpdateSchemaMigrationSQL({ wrap: false });
  console.log('UP:\n' + diff.up + '\nDOWN:\n' + diff.down);
  await orm.close(true);
  await dropDatabase(url);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
