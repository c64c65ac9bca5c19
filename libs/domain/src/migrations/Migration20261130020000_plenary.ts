import { Migration } from '@mikro-orm/migrations';

const PLENARY_TABLES = ['plenary_meeting', 'bilateral_meeting', 'bilateral_meeting_item'];

/**
 * Plenary meetings of a network, their bilateral meetings per pair of States and the requests on each
 * meeting's agenda with their outcomes (issue 5; DOMAIN.md §1 secretariat, §4 level 4).
 *
 * Access, as a second line under PlenaryService: the metadata role (secretariat, administrator) may read
 * the three tables (the writing role gets them by default privileges, migration 20261129230000), and
 * row-level security shows a plenary only to an administrator or to the secretariat of its network
 * (settings `rogatory.role`, `rogatory.network` of the transaction), a bilateral meeting only with its
 * plenary, and an agenda item only with its meeting and a request the principal may see.
 */
export class Migration20261130020000_plenary extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "plenary_meeting" ("id" uuid not null, "network" text not null, "date" date not null, "place" text not null, "created_by" text not null, "created_by_user_id" uuid not null, "created_at" timestamptz not null, constraint "plenary_meeting_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "plenary_meeting" add constraint "plenary_meeting_network_date_unique" unique ("network", "date");`);
    this.addSql(
      `create table "bilateral_meeting" ("id" uuid not null, "plenary_id" uuid not null, "first_state" text not null, "second_state" text not null, "created_at" timestamptz not null, constraint "bilateral_meeting_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "bilateral_meeting" add constraint "bilateral_meeting_plenary_id_first_state_second_state_unique" unique ("plenary_id", "first_state", "second_state");`,
    );
    this.addSql(
      `create table "bilateral_meeting_item" ("id" uuid not null, "meeting_id" uuid not null, "request_id" uuid not null, "reasons" text[] not null, "added_at" timestamptz not null, "outcome" text null, "outcome_recorded_at" timestamptz null, "outcome_recorded_by" text null, "outcome_event_seq" int null, constraint "bilateral_meeting_item_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "bilateral_meeting_item_request_id_index" on "bilateral_meeting_item" ("request_id");`);
    this.addSql(
      `alter table "bilateral_meeting_item" add constraint "bilateral_meeting_item_meeting_id_request_id_unique" unique ("meeting_id", "request_id");`,
    );
    this.addSql(
      `alter table "bilateral_meeting" add constraint "bilateral_meeting_plenary_id_foreign" foreign key ("plenary_id") references "plenary_meeting" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "bilateral_meeting_item" add constraint "bilateral_meeting_item_meeting_id_foreign" foreign key ("meeting_id") references "bilateral_meeting" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "bilateral_meeting_item" add constraint "bilateral_meeting_item_request_id_foreign" foreign key ("request_id") references "mla_request" ("id") on update cascade on delete restrict;`,
    );

    // Privileges: the writing role has them by default privileges; the metadata role reads.
    this.addSql(`grant select on ${PLENARY_TABLES.map((t) => `"${t}"`).join(', ')} to rogatory_metadata_reader;`);

    // Row-level security for both application roles.
    const roles = 'rogatory_case_reader, rogatory_metadata_reader';
    const plenaryVisible = `current_setting('rogatory.role', true) = 'ADMINISTRATOR' or (current_setting('rogatory.role', true) = 'SECRETARIAT' and "network" = current_setting('rogatory.network', true))`;
    const meetingVisible = `exists (select 1 from "plenary_meeting" p where p."id" = "bilateral_meeting"."plenary_id")`;
    const itemVisible = `exists (select 1 from "bilateral_meeting" m where m."id" = "bilateral_meeting_item"."meeting_id") and exists (select 1 from "mla_request" r where r."id" = "bilateral_meeting_item"."request_id")`;
    for (const [table, visible] of [
      ['plenary_meeting', plenaryVisible],
      ['bilateral_meeting', meetingVisible],
      ['bilateral_meeting_item', itemVisible],
    ]) {
      this.addSql(`alter table "${table}" enable row level security;`);
      this.addSql(`create policy "${table}_scope" on "${table}" to ${roles} using (${visible}) with check (${visible});`);
    }
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "bilateral_meeting_item" cascade;`);
    this.addSql(`drop table if exists "bilateral_meeting" cascade;`);
    this.addSql(`drop table if exists "plenary_meeting" cascade;`);
  }
}
