import { Migration } from '@mikro-orm/migrations';

/**
 * Emails carry an HTML alternative, the language they are written in, whether they went out late (the
 * worker was down when their stage fell due), and how an administrator settled an UNKNOWN or FAILED one.
 * Existing rows: English, plain text, not late.
 */
export class Migration20261129190000_email_delivery extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "outbox_email" add column "html_body" text null, add column "language" text not null default 'en', add column "late" boolean not null default false, add column "incident_resolution" text null, add column "incident_resolved_at" timestamptz null;`,
    );
    this.addSql(`alter table "outbox_email" alter column "language" drop default, alter column "late" drop default;`);
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "outbox_email" drop column "html_body", drop column "language", drop column "late", drop column "incident_resolution", drop column "incident_resolved_at";`,
    );
  }
}
