import { Migration } from '@mikro-orm/migrations';

/** An administrator's note kept with the settlement of an email incident. */
export class Migration20261129194500_incident_note extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "outbox_email" add column "incident_note" text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "outbox_email" drop column "incident_note";`);
  }
}
