import { Migration } from '@mikro-orm/migrations';

/**
 * Deadlines keep their unshifted due date and the calendar days their clock was paused, so that an
 * extension (UNTOC art. 18(16), 18(25)) is counted once from the base date. Existing rows take their
 * due date as base and no pause.
 */
export class Migration20261129182443_deadline_extension extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "deadline" add column "base_due_on" date null, add column "paused_days" int not null default 0;`);
    this.addSql(`update "deadline" set "base_due_on" = "due_on";`);
    this.addSql(`alter table "deadline" alter column "base_due_on" set not null, alter column "paused_days" drop default;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "deadline" drop column "base_due_on", drop column "paused_days";`);
  }
}
