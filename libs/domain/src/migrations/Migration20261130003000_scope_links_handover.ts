import { Migration } from '@mikro-orm/migrations';

/**
 * Row-level security follows issue 5's scope rules (AccessPolicy, the same in the application):
 * - a request facilitated through another network as well (`linked_networks`) is seen by that network's
 *   secretariat and by its contact points of the two States;
 * - a contact point who takes over from another (`contact_point_handover`) sees what the predecessor,
 *   and anyone before them, facilitated;
 * - a draft is the requesting side's: the requested State's contact points see it once shared with them
 *   (informal consultation), its central authority once transmitted (and a reviewer what it facilitated).
 * `rogatory_can_see` takes the linked networks and the state, so the policy on mla_request is recreated.
 */
export class Migration20261130003000_scope_links_handover extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "contact_point_handover" ("id" uuid not null, "predecessor_id" uuid not null, "successor_id" uuid not null, "handed_over_at" timestamptz not null, "handed_over_by" text not null, "summary" jsonb not null, constraint "contact_point_handover_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "contact_point_handover" add constraint "contact_point_handover_predecessor_id_unique" unique ("predecessor_id");`);
    this.addSql(`create index "contact_point_handover_successor_id_index" on "contact_point_handover" ("successor_id");`);
    this
      .addSql(`create or replace function rogatory_facilitated_by(p_user uuid) returns setof uuid language sql stable security definer set search_path = public as $$
  with recursive chain(cp) as (
    select contact_point_id from app_user where id = p_user and contact_point_id is not null
    union
    select h.predecessor_id from contact_point_handover h join chain on h.successor_id = chain.cp
  )
  select distinct e.request_id from case_event e
  where e.type in ('facilitationRecorded', 'draftReviewed')
    and (e.actor_user_id = p_user or e.actor_user_id in (select u.id from app_user u where u.contact_point_id in (select cp from chain)))
$$;`);
    this.addSql(`drop policy "mla_request_scope" on "mla_request";`);
    this.addSql(`drop function rogatory_can_see(text, text, text, uuid);`);
    this
      .addSql(`create function rogatory_can_see(p_network text, p_linked text[], p_requesting text, p_requested text, p_state text, p_id uuid) returns boolean language sql stable as $$
  select case current_setting('rogatory.role', true)
    when 'CENTRAL_AUTHORITY' then current_setting('rogatory.state', true) = p_requesting
      or (current_setting('rogatory.state', true) = p_requested and p_state not in ('draft', 'informalConsultation'))
    when 'CONTACT_POINT' then ((p_network = current_setting('rogatory.network', true) or current_setting('rogatory.network', true) = any(p_linked))
        and (current_setting('rogatory.state', true) = p_requesting or (current_setting('rogatory.state', true) = p_requested and p_state <> 'draft')))
      or p_id in (select rogatory_facilitated_by(nullif(current_setting('rogatory.user_id', true), '')::uuid))
    when 'SECRETARIAT' then p_network = current_setting('rogatory.network', true) or current_setting('rogatory.network', true) = any(p_linked)
    when 'ADMINISTRATOR' then true
    else false
  end
$$;`);
    this.addSql(
      `create policy "mla_request_scope" on "mla_request" to rogatory_case_reader, rogatory_metadata_reader using (rogatory_can_see("network", "linked_networks", "requesting_state", "requested_state", "state", "id")) with check (rogatory_can_see("network", "linked_networks", "requesting_state", "requested_state", "state", "id"));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop policy "mla_request_scope" on "mla_request";`);
    this.addSql(`drop function rogatory_can_see(text, text[], text, text, text, uuid);`);
    this.addSql(`create function rogatory_can_see(p_network text, p_requesting text, p_requested text, p_id uuid) returns boolean language sql stable as $$
  select case current_setting('rogatory.role', true)
    when 'CENTRAL_AUTHORITY' then current_setting('rogatory.state', true) in (p_requesting, p_requested)
    when 'CONTACT_POINT' then (p_network = current_setting('rogatory.network', true) and current_setting('rogatory.state', true) in (p_requesting, p_requested))
      or p_id in (select rogatory_facilitated_by(nullif(current_setting('rogatory.user_id', true), '')::uuid))
    when 'SECRETARIAT' then p_network = current_setting('rogatory.network', true)
    when 'ADMINISTRATOR' then true
    else false
  end
$$;`);
    this.addSql(
      `create policy "mla_request_scope" on "mla_request" to rogatory_case_reader, rogatory_metadata_reader using (rogatory_can_see("network", "requesting_state", "requested_state", "id")) with check (rogatory_can_see("network", "requesting_state", "requested_state", "id"));`,
    );
    this
      .addSql(`create or replace function rogatory_facilitated_by(p_user uuid) returns setof uuid language sql stable security definer set search_path = public as $$
  select distinct request_id from case_event where actor_user_id = p_user and type in ('facilitationRecorded', 'draftReviewed')
$$;`);
    this.addSql(`drop table "contact_point_handover";`);
  }
}
