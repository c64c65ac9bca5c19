import type { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { Principal } from '../access/principal';
import { Clock } from '../clock';

/** What was done: reads and changes of cases (DOMAIN.md §1 roles), statistics and exports. */
export type AuditAction =
  'REQUEST_CREATED' | 'REQUEST_READ' | 'REQUEST_LISTED' | 'HISTORY_READ' | 'EVENT_RECORDED' | 'STATISTICS_READ' | 'STATISTICS_EXPORTED' | PlenaryAuditAction;

/** Reads and changes of plenary meetings, their bilateral meetings and agendas, and the secretariat's summary (PlenaryService). */
export type PlenaryAuditAction =
  'PLENARY_CREATED' | 'PLENARY_READ' | 'BILATERAL_MEETINGS_PROPOSED' | 'AGENDA_READ' | 'BILATERAL_OUTCOMES_RECORDED' | 'OPEN_REQUESTS_SUMMARY_READ';

/**
 * Appends to the hash-chained audit log (table audit_log, function audit_append). Called inside the
 * transaction of the read or change it records, so the two commit or roll back together.
 */
@Injectable()
export class AuditService {
  constructor(private readonly clock: Clock) {}

  /**
   * Appends one entry: who (`principal`: user, login, role, State, network), from where (IP, user agent),
   * when (the clock, UTC), what (`action`, the request's id and reference, `detail`: filters, event type,
   * counts; never case contents). Returns the entry's sequence number in the chain.
   */
  async append(
    em: EntityManager,
    principal: Principal,
    action: AuditAction,
    request: { id: string; reference: string } | null,
    detail: Record<string, unknown> = {},
  ): Promise<number> {
    const entry = {
      at: this.clock.now().toISOString(),
      userId: principal.userId,
      login: principal.login,
      role: principal.role,
      state: principal.state,
      network: principal.network,
      ip: principal.ip,
      userAgent: principal.userAgent,
      action,
      requestId: request?.id ?? null,
      reference: request?.reference ?? null,
      detail,
    };
    const [row] = await em.execute<Array<{ seq: string }>>(`select audit_append(?::jsonb) as seq`, [JSON.stringify(entry)]);
    return Number(row.seq);
  }
}
