import { Migration } from '@mikro-orm/migrations';

/**
 * Drops `rogatory_can_see`: since migration 20261130031500 the row-level security policy on mla_request
 * states the scope itself, and nothing calls the function. Kept, it was a fourth copy of the rule of
 * DOMAIN.md §1 (beside AccessPolicy.scope, AccessPolicy.scopeSql and the policy) that nothing would keep
 * in step. `down()` recreates it as migration 20261130003000 defined it.
 */
export class Migration20261130050000_drop_can_see extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop function rogatory_can_see(text, text[], text, text, text, uuid);`);
  }

  override async down(): Promise<void> {
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
  }
}
