import { Migration } from '@mikro-orm/migrations';

/** A `rogatory.*` setting of the transaction, as an uncorrelated scalar subquery: evaluated once per query (InitPlan), not per row. */
const setting = (name: 'role' | 'state' | 'network' | 'user_id') => `(select current_setting('rogatory.${name}', true))`;
/** The scope of DOMAIN.md §1 over a row of mla_request: rogatory_can_see's CASE, on the same settings. */
const SCOPE = `case ${setting('role')}
    when 'CENTRAL_AUTHORITY' then ${setting('state')} = "requesting_state"
      or (${setting('state')} = "requested_state" and "state" not in ('draft', 'informalConsultation'))
    when 'CONTACT_POINT' then (("network" = ${setting('network')} or ${setting('network')} = any("linked_networks"))
        and (${setting('state')} = "requesting_state" or (${setting('state')} = "requested_state" and "state" <> 'draft')))
      or "id" in (select rogatory_facilitated_by(nullif(current_setting('rogatory.user_id', true), '')::uuid))
    when 'SECRETARIAT' then "network" = ${setting('network')} or ${setting('network')} = any("linked_networks")
    when 'ADMINISTRATOR' then true
    else false
  end`;
/** The policy of migration 20261130003000 (down). */
const BY_FUNCTION = `rogatory_can_see("network", "linked_networks", "requesting_state", "requested_state", "state", "id")`;

/**
 * The rule of `rogatory_can_see` (migration 20261130003000) written into the policy itself, so that
 * PostgreSQL no longer calls a SQL function for every row of mla_request a principal's query reads: that
 * function cannot be inlined (its contact-point branch holds a subquery), and each call runs it as a plan
 * of its own, the subquery included. A yearly statistics query of a secretariat over 200,000 requests
 * spent most of its time there (EXPLAIN ANALYZE: Seq Scan on mla_request ≈ 450 ms of 530 ms).
 *
 * In the policy, each `rogatory.*` setting is an uncorrelated scalar subquery (evaluated once per query,
 * an InitPlan) and a contact point's facilitations a hashed subquery (built once, only when that branch is
 * reached). Who sees what is unchanged: the same CASE as rogatory_can_see, on the same settings.
 * `rogatory_can_see` stays as it is, for ad hoc checks.
 */
export class Migration20261130031500_scope_policy_inline extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop policy "mla_request_scope" on "mla_request";`);
    this.addSql(`create policy "mla_request_scope" on "mla_request" to rogatory_case_reader, rogatory_metadata_reader using (${SCOPE}) with check (${SCOPE});`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop policy "mla_request_scope" on "mla_request";`);
    this.addSql(
      `create policy "mla_request_scope" on "mla_request" to rogatory_case_reader, rogatory_metadata_reader using (${BY_FUNCTION}) with check (${BY_FUNCTION});`,
    );
  }
}
