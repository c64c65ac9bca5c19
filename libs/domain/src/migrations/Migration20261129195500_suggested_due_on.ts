import { Migration } from '@mikro-orm/migrations';

/**
 * A deadline keeps the date suggested with reasons (UNTOC art. 18(24)) that replaced its policy duration,
 * so that a recomputation (a holiday added later) keeps it. Existing execution deadlines take it from
 * their request's snapshot when the suggestion had reasons.
 */
export class Migration20261129195500_suggested_due_on extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "deadline" add column "suggested_due_on" date null;`);
    this.addSql(
      `update "deadline" d set "suggested_due_on" = (r."snapshot" -> 'context' -> 'suggestedDeadline' ->> 'date')::date from "mla_request" r where r."id" = d."request_id" and d."step" = 'EXECUTION' and coalesce(trim(r."snapshot" -> 'context' -> 'suggestedDeadline' ->> 'reasons'), '') <> '';`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "deadline" drop column "suggested_due_on";`);
  }
}
