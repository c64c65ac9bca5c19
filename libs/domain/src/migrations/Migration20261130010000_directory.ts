import { Migration } from '@mikro-orm/migrations';

/**
 * The directory the contact points rely on (issue 5):
 *
 * - per State: the languages it accepts a request in, the transmission channels it accepts and its formal
 *   requirements (existing States: their own languages, CENTRAL_AUTHORITY and DIPLOMATIC, none);
 * - competent (executing) authorities per State, with the measures they execute;
 * - on every entry (State, central authority, competent authority, contact point): when it entered the
 *   directory (existing rows: now) and its last confirmation, when and by whom (existing rows: never);
 * - a contact point's absence with its delegate.
 *
 * The metadata role reads the directory like the case role (column grants are per table: the new columns
 * of state, central_authority and contact_point are covered by its table grants); competent_authority is
 * granted here. The case role gets it through the default privileges of Migration20261129230000.
 */
export class Migration20261130010000_directory extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "competent_authority" ("id" uuid not null, "state_code" text not null, "name" text not null, "email" text not null, "measures" text[] not null, "created_at" timestamptz not null, "last_confirmed_at" timestamptz null, "last_confirmed_by" text null, constraint "competent_authority_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "competent_authority" add constraint "competent_authority_state_code_email_unique" unique ("state_code", "email");`);
    this.addSql(
      `alter table "competent_authority" add constraint "competent_authority_state_code_foreign" foreign key ("state_code") references "state" ("code") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "state" add column "accepted_languages" text[] not null default '{}', add column "channels" text[] not null default '{}', add column "formal_requirements" text not null default '', add column "created_at" timestamptz not null default now(), add column "last_confirmed_at" timestamptz null, add column "last_confirmed_by" text null;`,
    );
    this.addSql(`update "state" set "accepted_languages" = "languages", "channels" = '{CENTRAL_AUTHORITY,DIPLOMATIC}';`);
    this.addSql(`alter table "state" alter column "created_at" drop default;`);

    this.addSql(
      `alter table "central_authority" add column "created_at" timestamptz not null default now(), add column "last_confirmed_at" timestamptz null, add column "last_confirmed_by" text null;`,
    );
    this.addSql(`alter table "central_authority" alter column "created_at" drop default;`);

    this.addSql(
      `alter table "contact_point" add column "created_at" timestamptz not null default now(), add column "last_confirmed_at" timestamptz null, add column "last_confirmed_by" text null, add column "absent_from" date null, add column "absent_until" date null, add column "absence_delegate_id" uuid null, add column "absence_set_by" text null;`,
    );
    this.addSql(`alter table "contact_point" alter column "created_at" drop default;`);
    this.addSql(
      `alter table "contact_point" add constraint "contact_point_absence_delegate_id_foreign" foreign key ("absence_delegate_id") references "contact_point" ("id") on update cascade on delete set null;`,
    );

    this.addSql(`grant select on "competent_authority" to rogatory_metadata_reader;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "competent_authority" cascade;`);
    this.addSql(`alter table "contact_point" drop constraint "contact_point_absence_delegate_id_foreign";`);
    this.addSql(`alter table "central_authority" drop column "created_at", drop column "last_confirmed_at", drop column "last_confirmed_by";`);
    this.addSql(
      `alter table "contact_point" drop column "created_at", drop column "last_confirmed_at", drop column "last_confirmed_by", drop column "absent_from", drop column "absent_until", drop column "absence_delegate_id", drop column "absence_set_by";`,
    );
    this.addSql(
      `alter table "state" drop column "accepted_languages", drop column "channels", drop column "formal_requirements", drop column "created_at", drop column "last_confirmed_at", drop column "last_confirmed_by";`,
    );
  }
}
