import { LockMode } from '@mikro-orm/core';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Injectable, Logger } from '@nestjs/common';
import { migrateSnapshot, MLA_REQUEST_MACHINE_VERSION, type HistoryEntry, type StoredSnapshot } from '@rogatory/workflow';
import { Clock } from '../clock';
import { CaseEvent, MlaRequest } from '../entities';
import { DomainError } from '../errors';

/** What happened to one request: already of the current version, migrated to it, or flagged for an administrator. */
export type SnapshotUpgrade = { status: 'current' } | { status: 'migrated'; from: number } | { status: 'flagged'; reason: string };

/** What `migrate-snapshots` prints: requests migrated, flagged (cannot be placed), already of the current version. */
export interface SnapshotMigrationReport {
  migrated: number;
  flagged: number;
  alreadyCurrent: number;
}

/**
 * Brings stored snapshots to the current machine version (MLA_REQUEST_MACHINE_VERSION) with the workflow's
 * pure `migrateSnapshot`, each from its own event history (`case_event`). A snapshot that cannot be placed
 * is never run: its request is flagged for an administrator (`attention`, `attention_since`), takes no event
 * (409 CONFLICT) and its deadline stages wait until the flag is cleared.
 *
 * Used lazily by MlaRequestService when a request of an older version takes an event (in that event's
 * transaction), and for every request at once by `npm run cli -- migrate-snapshots` (and `migrate`).
 */
@Injectable()
export class SnapshotMigrationService {
  private readonly logger = new Logger(SnapshotMigrationService.name);

  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
  ) {}

  /**
   * Migrates `request`'s snapshot in memory, inside the caller's transaction `em` (written at its flush):
   * the v2 snapshot and `machine_version`, or the flag and its reason when it cannot be placed (a flag that
   * an earlier run set is cleared once the snapshot is placed). `history` is read from `case_event` when
   * not given. Throws DomainError UNKNOWN_MACHINE_VERSION for a snapshot written by a newer machine: newer
   * code wrote it, this code must not flag it.
   */
  async upgradeInTransaction(em: EntityManager, request: MlaRequest, now: Date, history?: HistoryEntry[]): Promise<SnapshotUpgrade> {
    if (request.machineVersion === MLA_REQUEST_MACHINE_VERSION && request.snapshot.machineVersion === MLA_REQUEST_MACHINE_VERSION) return { status: 'current' };
    if (request.machineVersion > MLA_REQUEST_MACHINE_VERSION) {
      throw new DomainError(
        'UNKNOWN_MACHINE_VERSION',
        `request ${request.reference} was written by machine version ${request.machineVersion}; this code runs version ${MLA_REQUEST_MACHINE_VERSION}`,
        { requestId: request.id },
      );
    }
    const stored: StoredSnapshot = request.snapshot ?? { machineVersion: undefined, value: undefined, context: undefined };
    const result = migrateSnapshot(stored, history ?? (await this.historyOf(em, [request.id])).get(request.id) ?? []);
    if (!result.ok) {
      request.flagForAttention(`snapshot of machine version ${String(stored.machineVersion)} cannot be placed: ${result.reason}`, now);
      this.logger.warn(`request ${request.id} flagged for an administrator: its snapshot cannot be placed in machine version ${MLA_REQUEST_MACHINE_VERSION}`);
      return { status: 'flagged', reason: request.attention! };
    }
    request.applySnapshot(result.persisted, now);
    request.clearAttention();
    return { status: 'migrated', from: result.from };
  }

  /**
   * Migrates every request of an older machine version, `batchSize` at a time, each batch in one
   * transaction with its rows locked (FOR UPDATE): a concurrent event waits, then sees the new version.
   * Requests flagged earlier are tried again. Returns the counts; `alreadyCurrent` counts the requests of
   * the current version when it started.
   */
  async migrateAll(opts: { batchSize?: number } = {}): Promise<SnapshotMigrationReport> {
    const batchSize = opts.batchSize ?? 200;
    const report: SnapshotMigrationReport = { migrated: 0, flagged: 0, alreadyCurrent: 0 };
    report.alreadyCurrent = await this.orm.em.fork().count(MlaRequest, { machineVersion: MLA_REQUEST_MACHINE_VERSION });
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const done = await this.orm.em.fork().transactional(async (em) => {
        const batch = await em.find(
          MlaRequest,
          { machineVersion: { $lt: MLA_REQUEST_MACHINE_VERSION }, id: { $gt: after } },
          { orderBy: { id: 'asc' }, limit: batchSize, lockMode: LockMode.PESSIMISTIC_WRITE },
        );
        if (batch.length === 0) return true;
        const histories = await this.historyOf(
          em,
          batch.map((r) => r.id),
        );
        const now = this.clock.now();
        for (const request of batch) {
          const upgrade = await this.upgradeInTransaction(em, request, now, histories.get(request.id) ?? []);
          if (upgrade.status === 'migrated') report.migrated++;
          else if (upgrade.status === 'flagged') report.flagged++;
        }
        after = batch[batch.length - 1].id;
        return batch.length < batchSize;
      });
      if (done) break;
    }
    if (report.migrated || report.flagged) this.logger.log(`snapshots migrated to machine version ${MLA_REQUEST_MACHINE_VERSION}: ${JSON.stringify(report)}`);
    return report;
  }

  /** The event histories of `requestIds` (type, date, payload), each in `seq` order; plain rows, not managed entities. */
  private async historyOf(em: EntityManager, requestIds: string[]): Promise<Map<string, HistoryEntry[]>> {
    const rows: Array<{ request: string; type: string; occurredOn: string; payload: Record<string, unknown> }> = await em
      .createQueryBuilder(CaseEvent, 'e')
      .select(['e.request', 'e.type', 'e.occurredOn', 'e.payload'])
      .where({ request: { $in: requestIds } })
      .orderBy({ request: 'asc', seq: 'asc' })
      .execute('all');
    const byRequest = new Map<string, HistoryEntry[]>();
    for (const r of rows) {
      const list = byRequest.get(r.request) ?? [];
      list.push({ type: r.type, occurredOn: r.occurredOn, payload: r.payload });
      byRequest.set(r.request, list);
    }
    return byRequest;
  }
}
