import { Migration } from '@mikro-orm/migrations';

/**
 * A contact point chooses how it is notified: EACH (one email per reminder or escalation, as before) or
 * DAILY_DIGEST (one email a day at 09:00 local time listing what its State owes overdue). Existing
 * contact points: EACH.
 */
export class Migration20261129191000_digest extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "contact_point" add column "notification_mode" text check ("notification_mode" in ('EACH', 'DAILY_DIGEST')) not null default 'EACH';`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "contact_point" drop column "notification_mode";`);
  }
}
