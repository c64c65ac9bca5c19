import { Migration } from '@mikro-orm/migrations';

/** Columns of mla_request that the metadata role (secretariat, administrator) may read: no facts, persons or subject. */
const REQUEST_METADATA_COLUMNS = [
  'id',
  'reference',
  'network',
  'requesting_state',
  'requested_state',
  'request_type',
  'urgent',
  'legal_basis',
  'offences',
  'measures',
  'confidential',
  'state',
  'machine_version',
  'snapshot',
  'version',
  'event_count',
  'facilitated_on',
  'transmitted_on',
  'acknowledged_on',
  'closed_on',
  'outcome',
  'listed_for_plenary',
  'attention',
  'attention_since',
  'import_fingerprint',
  'created_at',
  'updated_at',
];
/** Columns of case_event that the metadata role may read: no payload (reasons, notes, questions), no person's name. */
const EVENT_METADATA_COLUMNS = [
  'id',
  'request_id',
  'seq',
  'type',
  'actor_role',
  'actor_state',
  'actor_user_id',
  'occurred_at',
  'occurred_on',
  'inferred',
  'from_state',
  'to_state',
  'recorded_at',
];
const CASE_TABLES = ['mla_request', 'case_event', 'deadline', 'outbox_email'];

/**
 * Users, the development issuer's key, the audit log, idempotency records, encrypted facts and persons,
 * the confidentiality flag (UNTOC art. 18(20)), and the second line of access control in PostgreSQL:
 *
 * - Two roles without login that the API switches to (`SET LOCAL ROLE`) in every transaction made for a
 *   user: `rogatory_case_reader` (central authority officers, contact points) and
 *   `rogatory_metadata_reader` (secretariat, administrator), which may not read facts, persons, the
 *   subject, event payloads or names (column privileges).
 * - Row-level security on mla_request, case_event, deadline and outbox_email for both roles, from the
 *   settings `rogatory.role`, `rogatory.state`, `rogatory.network`, `rogatory.user_id` of the
 *   transaction: the same scope as the application's AccessPolicy.
 * - audit_log: append-only (trigger refuses UPDATE, DELETE, TRUNCATE for everyone), written only through
 *   `audit_append(entry)`, which chains `hash = sha256(prev_hash || entry::text)` under a lock.
 */
export class Migration20261129230000_access_audit extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "app_user" ("id" uuid not null, "login" text not null, "issuer" text not null, "subject" text not null, "name" text not null, "email" text not null, "role" text not null, "state" text null, "network" text null, "contact_point_id" uuid null, "active" boolean not null, "created_at" timestamptz not null, constraint "app_user_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "app_user" add constraint "app_user_login_unique" unique ("login");`);
    this.addSql(`create index "app_user_role_index" on "app_user" ("role");`);
    this.addSql(`alter table "app_user" add constraint "app_user_issuer_subject_unique" unique ("issuer", "subject");`);
    this.addSql(
      `create table "audit_log" ("seq" bigint not null, "at" timestamptz not null, "user_id" uuid null, "action" text not null, "request_id" uuid null, "entry" jsonb not null, "prev_hash" text not null, "hash" text not null, constraint "audit_log_pkey" primary key ("seq"));`,
    );
    this.addSql(`create index "audit_log_user_id_index" on "audit_log" ("user_id");`);
    this.addSql(`create index "audit_log_request_id_index" on "audit_log" ("request_id");`);
    this.addSql(
      `create table "dev_issuer_key" ("kid" text not null, "private_jwk" jsonb not null, "created_at" timestamptz not null, constraint "dev_issuer_key_pkey" primary key ("kid"));`,
    );
    this.addSql(
      `create table "idempotency_record" ("user_id" uuid not null, "key" text not null, "method" text not null, "path" text not null, "body_sha256" text not null, "status" int null, "response" jsonb null, "headers" jsonb null, "created_at" timestamptz not null, constraint "idempotency_record_pkey" primary key ("user_id", "key"));`,
    );
    this.addSql(`create index "idempotency_record_created_at_index" on "idempotency_record" ("created_at");`);
    this.addSql(
      `alter table "mla_request" add column "confidential" boolean not null default false, add column "facts_enc" text null, add column "persons_enc" text null;`,
    );
    this.addSql(`alter table "case_event" add column "actor_user_id" uuid null;`);
    this.addSql(`create index "case_event_actor_user_id_index" on "case_event" ("actor_user_id");`);

    // Append-only audit log, chained under a transaction-scoped lock.
    this.addSql(`create or replace function audit_log_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
end $$;`);
    this.addSql(`create trigger audit_log_append_only before update or delete on "audit_log" for each row execute function audit_log_refuse_change();`);
    this.addSql(`create trigger audit_log_no_truncate before truncate on "audit_log" for each statement execute function audit_log_refuse_change();`);
    this.addSql(`create or replace function audit_append(p_entry jsonb) returns bigint language plpgsql security definer set search_path = public as $$
declare
  v_seq bigint;
  v_prev text;
  v_hash text;
begin
  perform pg_advisory_xact_lock(hashtext('rogatory.audit_log'));
  select seq, hash into v_seq, v_prev from audit_log order by seq desc limit 1;
  v_seq := coalesce(v_seq, 0) + 1;
  v_prev := coalesce(v_prev, repeat('0', 64));
  v_hash := encode(sha256(convert_to(v_prev || p_entry::text, 'UTF8')), 'hex');
  insert into audit_log (seq, at, user_id, action, request_id, entry, prev_hash, hash)
  values (v_seq, (p_entry ->> 'at')::timestamptz, nullif(p_entry ->> 'userId', '')::uuid, p_entry ->> 'action',
          nullif(p_entry ->> 'requestId', '')::uuid, p_entry, v_prev, v_hash);
  return v_seq;
end $$;`);

    // Roles (cluster-wide: created once, tolerant of concurrent migrations of other databases).
    for (const role of ['rogatory_case_reader', 'rogatory_metadata_reader']) {
      this.addSql(`do $$ begin
  if not exists (select 1 from pg_roles where rolname = '${role}') then
    begin
      create role ${role} nologin;
    exception when duplicate_object or unique_violation then null;
    end;
  end if;
  if not (select rolsuper from pg_roles where rolname = current_user) and not pg_has_role(current_user, '${role}', 'MEMBER') then
    execute format('grant ${role} to %I', current_user);
  end if;
end $$;`);
    }
    this.addSql(`grant usage on schema public to rogatory_case_reader, rogatory_metadata_reader;`);
    this.addSql(`grant select, insert, update on all tables in schema public to rogatory_case_reader;`);
    this.addSql(`grant usage, select on all sequences in schema public to rogatory_case_reader;`);
    this.addSql(`alter default privileges in schema public grant select, insert, update on tables to rogatory_case_reader;`);
    this.addSql(`alter default privileges in schema public grant usage, select on sequences to rogatory_case_reader;`);
    this.addSql(`revoke all on "audit_log", "dev_issuer_key", "idempotency_record", "app_user", "mikro_orm_migrations" from rogatory_case_reader;`);
    this.addSql(`grant select (${REQUEST_METADATA_COLUMNS.map((c) => `"${c}"`).join(', ')}) on "mla_request" to rogatory_metadata_reader;`);
    this.addSql(`grant select (${EVENT_METADATA_COLUMNS.map((c) => `"${c}"`).join(', ')}) on "case_event" to rogatory_metadata_reader;`);
    this.addSql(
      `grant select on "deadline", "network", "state", "network_member", "central_authority", "contact_point", "state_holiday", "deadline_policy_version" to rogatory_metadata_reader;`,
    );
    this.addSql(`revoke all on function audit_append(jsonb) from public;`);
    this.addSql(`grant execute on function audit_append(jsonb) to rogatory_case_reader, rogatory_metadata_reader;`);

    // Row-level security: the scope of DOMAIN.md §1, as AccessPolicy computes it.
    this
      .addSql(`create or replace function rogatory_facilitated_by(p_user uuid) returns setof uuid language sql stable security definer set search_path = public as $$
  select distinct request_id from case_event where actor_user_id = p_user and type in ('facilitationRecorded', 'draftReviewed')
$$;`);
    this.addSql(`revoke all on function rogatory_facilitated_by(uuid) from public;`);
    this.addSql(`grant execute on function rogatory_facilitated_by(uuid) to rogatory_case_reader, rogatory_metadata_reader;`);
    this
      .addSql(`create or replace function rogatory_can_see(p_network text, p_requesting text, p_requested text, p_id uuid) returns boolean language sql stable as $$
  select case current_setting('rogatory.role', true)
    when 'CENTRAL_AUTHORITY' then current_setting('rogatory.state', true) in (p_requesting, p_requested)
    when 'CONTACT_POINT' then (p_network = current_setting('rogatory.network', true) and current_setting('rogatory.state', true) in (p_requesting, p_requested))
      or p_id in (select rogatory_facilitated_by(nullif(current_setting('rogatory.user_id', true), '')::uuid))
    when 'SECRETARIAT' then p_network = current_setting('rogatory.network', true)
    when 'ADMINISTRATOR' then true
    else false
  end
$$;`);
    this.addSql(`alter table "mla_request" enable row level security;`);
    this.addSql(
      `create policy "mla_request_scope" on "mla_request" to rogatory_case_reader, rogatory_metadata_reader using (rogatory_can_see("network", "requesting_state", "requested_state", "id")) with check (rogatory_can_see("network", "requesting_state", "requested_state", "id"));`,
    );
    for (const t of CASE_TABLES.filter((x) => x !== 'mla_request')) {
      this.addSql(`alter table "${t}" enable row level security;`);
      const visible = `exists (select 1 from "mla_request" r where r."id" = "${t}"."request_id")`;
      this.addSql(`create policy "${t}_scope" on "${t}" to rogatory_case_reader, rogatory_metadata_reader using (${visible}) with check (${visible});`);
    }
  }

  override async down(): Promise<void> {
    for (const t of CASE_TABLES) {
      this.addSql(`drop policy if exists "${t}_scope" on "${t}";`);
      this.addSql(`alter table "${t}" disable row level security;`);
    }
    this.addSql(`drop function if exists rogatory_can_see(text, text, text, uuid);`);
    this.addSql(`drop function if exists rogatory_facilitated_by(uuid);`);
    this.addSql(`drop function if exists audit_append(jsonb);`);
    this.addSql(`revoke all on all tables in schema public from rogatory_case_reader, rogatory_metadata_reader;`);
    this.addSql(`revoke all on all sequences in schema public from rogatory_case_reader;`);
    this.addSql(`alter default privileges in schema public revoke all on tables from rogatory_case_reader;`);
    this.addSql(`alter default privileges in schema public revoke all on sequences from rogatory_case_reader;`);
    this.addSql(`revoke usage on schema public from rogatory_case_reader, rogatory_metadata_reader;`);
    this.addSql(`drop table if exists "app_user" cascade;`);
    this.addSql(`drop table if exists "audit_log" cascade;`);
    this.addSql(`drop function if exists audit_log_refuse_change();`);
    this.addSql(`drop table if exists "dev_issuer_key" cascade;`);
    this.addSql(`drop table if exists "idempotency_record" cascade;`);
    this.addSql(`drop index "case_event_actor_user_id_index";`);
    this.addSql(`alter table "case_event" drop column "actor_user_id";`);
    this.addSql(`alter table "mla_request" drop column "confidential", drop column "facts_enc", drop column "persons_enc";`);
  }
}
