import type { FilterQuery } from '@mikro-orm/core';
import type { Actor } from '@rogatory/workflow';
import type { MlaRequest } from '../entities';
import type { Principal } from './principal';

/**
 * Event types by which a contact point facilitates a case, bringing it into their scope and their
 * successors' (database function `rogatory_facilitated_by`, migration 20261130003000, which both the
 * application's scope and row-level security call).
 */
export const FACILITATION_EVENTS = ['facilitationRecorded', 'draftReviewed'];

/** States of a request not yet sent: the requested State's central authority does not see it (DOMAIN.md §3). */
export const UNSENT_STATES = ['draft', 'informalConsultation'] as const;
/** States of a draft not shared with the requested State's contact points (informal consultation opens it to them). */
export const UNSHARED_STATES = ['draft'] as const;
const marks = (values: readonly unknown[]) => values.map(() => '?').join(', ');

/** SQL of the ids of the requests a contact point (parameter: their app_user id) or their predecessors facilitated. */
export const FACILITATED_BY_SQL = 'select rogatory_facilitated_by(?::uuid)';

/**
 * What a principal may read of a case in scope: FULL (facts, persons concerned, subject, event payloads)
 * or METADATA (references, States, dates, state; offences and measures unless confidential, UNTOC art.
 * 18(20)).
 */
export type CaseView = 'FULL' | 'METADATA';

/** PostgreSQL role the transactions of a principal run as (migration 20261129230000: column privileges, row-level security). */
export type DatabaseRole = 'rogatory_case_reader' | 'rogatory_metadata_reader';

/**
 * The access rules of DOMAIN.md §1, in one place. The application applies `scope()` to every query of
 * cases; PostgreSQL applies the same rule as a second line (the row-level security policy on mla_request,
 * migration 20261130031500; `scopeSql` is the same rule as SQL for the statistics).
 *
 * - CENTRAL_AUTHORITY: requests where their State is requesting, or requested once transmitted (a draft,
 *   even under informal consultation, is the requesting side's until it is sent); FULL.
 * - CONTACT_POINT: requests of their network (or linked to it: facilitated through it as well) where
 *   their State is requesting, or requested once the draft is shared with them (informal consultation)
 *   or transmitted; and those they facilitated (a facilitationRecorded or draftReviewed event of theirs,
 *   or of the contact points they took over from); FULL.
 * - SECRETARIAT: requests of their network or linked to it; METADATA; counts with small cells suppressed.
 * - ADMINISTRATOR: every request's METADATA (flagged requests, incidents); never case contents.
 */
export const AccessPolicy = {
  viewOf(p: Principal): CaseView {
    return p.role === 'CENTRAL_AUTHORITY' || p.role === 'CONTACT_POINT' ? 'FULL' : 'METADATA';
  },

  databaseRoleOf(p: Principal): DatabaseRole {
    return AccessPolicy.viewOf(p) === 'FULL' ? 'rogatory_case_reader' : 'rogatory_metadata_reader';
  },

  /**
   * Filter of the requests `p` may see. `facilitated` is a subquery (FACILITATED_BY_SQL for this
   * principal) of the ids of the requests a contact point facilitated.
   */
  scope(p: Principal, facilitated: unknown): FilterQuery<MlaRequest> {
    const ofNetwork = (n: string): FilterQuery<MlaRequest> => ({ $or: [{ network: n }, { linkedNetworks: { $contains: [n] } }] });
    const requestedOnce = (hidden: readonly string[]): FilterQuery<MlaRequest> => ({ requestedState: p.state!, state: { $nin: [...hidden] } });
    switch (p.role) {
      case 'CENTRAL_AUTHORITY':
        return { $or: [{ requestingState: p.state! }, requestedOnce(UNSENT_STATES)] };
      case 'CONTACT_POINT':
        return {
          $or: [
            { $and: [ofNetwork(p.network!), { $or: [{ requestingState: p.state! }, requestedOnce(UNSHARED_STATES)] }] },
            { id: { $in: facilitated as string[] } },
          ],
        };
      case 'SECRETARIAT':
        return ofNetwork(p.network!);
      case 'ADMINISTRATOR':
        return {};
      default:
        return { id: null as never };
    }
  },

  /**
   * The same scope as SQL over mla_request's columns (for aggregate queries), with its parameters.
   * Contact points' facilitations come from FACILITATED_BY_SQL.
   */
  scopeSql(p: Principal): { sql: string; params: unknown[] } {
    switch (p.role) {
      case 'CENTRAL_AUTHORITY':
        return {
          sql: `requesting_state = ? or (requested_state = ? and state not in (${marks(UNSENT_STATES)}))`,
          params: [p.state, p.state, ...UNSENT_STATES],
        };
      case 'CONTACT_POINT':
        return {
          sql: `((network = ? or ? = any(linked_networks)) and (requesting_state = ? or (requested_state = ? and state not in (${marks(UNSHARED_STATES)})))) or id in (${FACILITATED_BY_SQL})`,
          params: [p.network, p.network, p.state, p.state, ...UNSHARED_STATES, p.userId],
        };
      case 'SECRETARIAT':
        return { sql: '(network = ? or ? = any(linked_networks))', params: [p.network, p.network] };
      case 'ADMINISTRATOR':
        return { sql: 'true', params: [] };
      default:
        return { sql: 'false', params: [] };
    }
  },

  /** The workflow actor of a signed-in user: the machine decides which events that actor may send. */
  actorOf(p: Principal): Actor {
    return { role: p.role, state: p.role === 'CENTRAL_AUTHORITY' || p.role === 'CONTACT_POINT' ? p.state : null, name: p.name };
  },
};
