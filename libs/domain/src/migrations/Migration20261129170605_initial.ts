import { Migration } from '@mikro-orm/migrations';

export class Migration20261129170605_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "mla_request" ("id" uuid not null, "reference" text not null, "network" text not null, "requesting_state" text not null, "requested_state" text not null, "request_type" text not null, "urgent" boolean not null, "legal_basis" text null, "offences" text[] not null, "measures" text[] not null, "subject" text null, "state" text not null, "machine_version" int not null, "snapshot" jsonb not null, "version" int not null default 1, "event_count" int not null, "facilitated_on" date null, "transmitted_on" date null, "acknowledged_on" date null, "closed_on" date null, "outcome" text null, "listed_for_plenary" boolean not null, "import_fingerprint" text null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "mla_request_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "mla_request" add constraint "mla_request_reference_unique" unique ("reference");`);
    this.addSql(`create index "mla_request_requesting_state_index" on "mla_request" ("requesting_state");`);
    this.addSql(`create index "mla_request_requested_state_index" on "mla_request" ("requested_state");`);
    this.addSql(`create index "mla_request_state_index" on "mla_request" ("state");`);
    this.addSql(`create index "mla_request_network_transmitted_on_index" on "mla_request" ("network", "transmitted_on");`);

    this.addSql(
      `create table "deadline" ("id" uuid not null, "request_id" uuid not null, "step" text not null, "owed_by_state" text not null, "status" text not null, "opened_at" timestamptz not null, "due_on" date not null, "due_at" timestamptz not null, "stages" jsonb not null, "next_stage" text null, "next_fire_at" timestamptz null, "sent_stages" text[] not null, "paused_at" timestamptz null, "closed_at" timestamptz null, constraint "deadline_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "deadline_request_id_step_status_index" on "deadline" ("request_id", "step", "status");`);
    this.addSql(`create index "deadline_status_next_fire_at_index" on "deadline" ("status", "next_fire_at");`);

    this.addSql(
      `create table "case_event" ("id" bigserial primary key, "request_id" uuid not null, "seq" int not null, "type" text not null, "actor_role" text not null, "actor_state" text null, "actor_name" text null, "occurred_at" timestamptz not null, "occurred_on" date not null, "inferred" boolean not null, "payload" jsonb not null, "from_state" text not null, "to_state" text not null, "recorded_at" timestamptz not null);`,
    );
    this.addSql(`create index "case_event_type_occurred_on_index" on "case_event" ("type", "occurred_on");`);
    this.addSql(`alter table "case_event" add constraint "case_event_request_id_seq_unique" unique ("request_id", "seq");`);

    this.addSql(
      `create table "network" ("code" text not null, "name" text not null, "working_languages" text[] not null, "secretariat_email" text not null, constraint "network_pkey" primary key ("code"));`,
    );

    this.addSql(
      `create table "outbox_email" ("id" uuid not null, "request_id" uuid null, "dedupe_key" text not null, "kind" text not null, "step" text null, "stage" text null, "level" int null, "recipient_name" text not null, "recipient_email" text not null, "subject" text not null, "text_body" text not null, "status" text not null, "due_at" timestamptz not null, "attempts" int not null, "last_attempt_at" timestamptz null, "sent_at" timestamptz null, "message_id" text null, "last_error" text null, constraint "outbox_email_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "outbox_email" add constraint "outbox_email_dedupe_key_unique" unique ("dedupe_key");`);
    this.addSql(`create index "outbox_email_status_due_at_index" on "outbox_email" ("status", "due_at");`);

    this.addSql(
      `create table "state" ("code" text not null, "name" text not null, "time_zone" text not null, "weekend" text[] not null, "languages" text[] not null, constraint "state_pkey" primary key ("code"));`,
    );

    this.addSql(
      `create table "network_member" ("network_code" text not null, "state_code" text not null, constraint "network_member_pkey" primary key ("network_code", "state_code"));`,
    );

    this.addSql(
      `create table "contact_point" ("id" uuid not null, "network_code" text not null, "state_code" text not null, "name" text not null, "email" text not null, "language" text not null, constraint "contact_point_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "contact_point_network_code_state_code_index" on "contact_point" ("network_code", "state_code");`);
    this.addSql(`alter table "contact_point" add constraint "contact_point_network_code_email_unique" unique ("network_code", "email");`);

    this.addSql(
      `create table "central_authority" ("id" uuid not null, "state_code" text not null, "name" text not null, "email" text not null, constraint "central_authority_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "central_authority" add constraint "central_authority_state_code_unique" unique ("state_code");`);

    this.addSql(
      `alter table "deadline" add constraint "deadline_request_id_foreign" foreign key ("request_id") references "mla_request" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "case_event" add constraint "case_event_request_id_foreign" foreign key ("request_id") references "mla_request" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "outbox_email" add constraint "outbox_email_request_id_foreign" foreign key ("request_id") references "mla_request" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "network_member" add constraint "network_member_network_code_foreign" foreign key ("network_code") references "network" ("code") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "network_member" add constraint "network_member_state_code_foreign" foreign key ("state_code") references "state" ("code") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "contact_point" add constraint "contact_point_network_code_foreign" foreign key ("network_code") references "network" ("code") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "contact_point" add constraint "contact_point_state_code_foreign" foreign key ("state_code") references "state" ("code") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "central_authority" add constraint "central_authority_state_code_foreign" foreign key ("state_code") references "state" ("code") on update cascade on delete restrict;`,
    );

    // The event history is the record of the case (DOMAIN.md §3): append-only, enforced in the database.
    this.addSql(
      `create function case_event_append_only() returns trigger language plpgsql as $$ begin raise exception 'case_event is append-only: % refused', tg_op; end $$;`,
    );
    this.addSql(
      `create trigger case_event_no_update_or_delete before update or delete on "case_event" for each row execute function case_event_append_only();`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists case_event_no_update_or_delete on "case_event";`);
    this.addSql(`drop function if exists case_event_append_only();`);
    for (const table of ['case_event', 'deadline', 'outbox_email', 'mla_request', 'network_member', 'contact_point', 'central_authority', 'network', 'state']) {
      this.addSql(`drop table if exists "${table}" cascade;`);
    }
  }
}
