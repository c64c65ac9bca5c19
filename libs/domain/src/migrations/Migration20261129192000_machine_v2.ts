import { Migration } from '@mikro-orm/migrations';

/**
 * Machine version 2 (UNTOC art. 18(26), consultation before a refusal or a postponement): a request whose
 * stored snapshot cannot be placed in the new machine is flagged for an administrator (`attention`, the
 * reason; `attention_since`). Existing rows: not flagged. The snapshots themselves are migrated by
 * `npm run cli -- migrate-snapshots` (run by `migrate` after the schema migrations), not here: that needs
 * the machine code and each request's event history.
 */
export class Migration20261129192000_machine_v2 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "mla_request" add column "attention" text null, add column "attention_since" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "mla_request" drop column "attention", drop column "attention_since";`);
  }
}
