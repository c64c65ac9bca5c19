import { Migration } from '@mikro-orm/migrations';

/** The event history refuses TRUNCATE too (UPDATE and DELETE are refused since the initial migration). */
export class Migration20261129180000_case_event_no_truncate extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create trigger case_event_no_truncate before truncate on "case_event" for each statement execute function case_event_append_only();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists case_event_no_truncate on "case_event";`);
  }
}
