import { MikroORM } from '@mikro-orm/postgresql';
import { Injectable, Logger } from '@nestjs/common';
import type { IncidentResolution, OutboxStatus } from '../entities';
import { DomainError, NotFoundError, ValidationFailedError, type FieldError } from '../errors';
import { isStorableText } from '../requests/request-validation';
import { JobDispatcher } from '../queues/job-dispatcher.service';

/** The resolutions an administrator may record, in the order the API documents them. */
export const INCIDENT_RESOLUTIONS: readonly IncidentResolution[] = ['CONFIRMED_DELIVERED', 'RESENT', 'DISMISSED'];

/** Longest `note` accepted with a resolution. */
export const INCIDENT_NOTE_MAX = 1000;

/**
 * An open email incident: UNKNOWN (hand-over broke, outcome unknown) or FAILED (refused for good), not
 * settled yet. A row already RESENT that is UNKNOWN or FAILED again is open again: the resend set it back
 * to PENDING, so only a new failed attempt can have brought it here, and that failure needs a decision too.
 * CONFIRMED_DELIVERED and DISMISSED close an incident for good.
 */
export const OPEN_INCIDENT_SQL = `status in ('UNKNOWN', 'FAILED') and (incident_resolution is null or incident_resolution = 'RESENT')`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One open incident as listed to administrators. Times are ISO 8601 UTC. */
export interface EmailIncident {
  id: string;
  /** The request the email is about; null for an email about no request (yearly statistics). */
  requestId: string | null;
  reference: string | null;
  /** REMINDER, ESCALATION or STATISTICS. */
  kind: string;
  step: string | null;
  stage: string | null;
  level: number | null;
  recipientEmail: string;
  subject: string;
  status: Extract<OutboxStatus, 'UNKNOWN' | 'FAILED'>;
  /** Hand-over attempts so far. */
  attempts: number;
  lastError: string | null;
  lastAttemptAt: string | null;
  /** When it was meant to go out. */
  dueAt: string;
  /** RESENT when this is a resend that failed again, else null. */
  previousResolution: 'RESENT' | null;
  previousResolvedAt: string | null;
}

/** What POST /api/v1/admin/incidents/{id}/resolution answers. */
export interface IncidentResolutionResult {
  id: string;
  resolution: IncidentResolution;
  /** Wall-clock time the resolution was recorded (ISO 8601 UTC). */
  resolvedAt: string;
  /** The email's status now: PENDING after RESENT, unchanged (UNKNOWN or FAILED) otherwise. */
  status: OutboxStatus;
  /** RESENT: whether a send job was queued now (false: one was already waiting, or Redis failed and the sweeper will queue it). */
  queued: boolean;
}

/** A validated resolution body. */
export interface ResolveIncident {
  resolution: IncidentResolution;
  note?: string;
}

/**
 * Validates the body of a resolution: `{ resolution: CONFIRMED_DELIVERED | RESENT | DISMISSED, note?: string }`
 * (note one to INCIDENT_NOTE_MAX characters, no NUL). Throws ValidationFailedError naming every bad field.
 */
export function parseResolveIncident(body: unknown): ResolveIncident {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationFailedError([{ field: '(body)', reason: 'must be a JSON object { "resolution": …, "note"?: … }' }]);
  }
  const b = body as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const k of Object.keys(b)) if (k !== 'resolution' && k !== 'note') errors.push({ field: k, reason: 'is not a known field (resolution, note)' });
  const { resolution, note } = b;
  if (resolution === undefined || resolution === null || resolution === '') errors.push({ field: 'resolution', reason: 'is required' });
  else if (typeof resolution !== 'string' || !(INCIDENT_RESOLUTIONS as readonly string[]).includes(resolution))
    errors.push({ field: 'resolution', reason: `${JSON.stringify(resolution)} is not one of ${INCIDENT_RESOLUTIONS.join(', ')}` });
  if (note !== undefined && note !== null) {
    if (typeof note !== 'string') errors.push({ field: 'note', reason: `must be a string, got ${typeof note}` });
    else if (!isStorableText(note)) errors.push({ field: 'note', reason: 'must be valid Unicode text (no NUL, no lone surrogate)' });
    else if (note.length > INCIDENT_NOTE_MAX) errors.push({ field: 'note', reason: `must be at most ${INCIDENT_NOTE_MAX} characters, got ${note.length}` });
  }
  if (errors.length) throw new ValidationFailedError(errors);
  return { resolution: resolution as IncidentResolution, ...(typeof note === 'string' ? { note } : {}) };
}

interface IncidentRow {
  id: string;
  request_id: string | null;
  reference: string | null;
  kind: string;
  step: string | null;
  stage: string | null;
  level: number | null;
  recipient_email: string;
  subject: string;
  status: 'UNKNOWN' | 'FAILED';
  attempts: number;
  last_error: string | null;
  last_attempt_at: Date | null;
  due_at: Date;
  incident_resolution: 'RESENT' | null;
  incident_resolved_at: Date | null;
}

const LIST_SQL = `
select e.id, e.request_id, r.reference, e.kind, e.step, e.stage, e.level, e.recipient_email, e.subject, e.status, e.attempts,
  e.last_error, e.last_attempt_at, e.due_at, e.incident_resolution, e.incident_resolved_at, count(*) over ()::int as total
from (select * from outbox_email where ${OPEN_INCIDENT_SQL}) e
left join mla_request r on r.id = e.request_id
order by coalesce(e.last_attempt_at, e.due_at) desc, e.id
limit ? offset ?`;

/**
 * The one statement that settles an incident: only a row that is still an open incident changes, so of
 * two administrators resolving it at once exactly one gets the row back. RESENT also puts it back to
 * PENDING for the worker. The resolution time is the database's wall clock.
 */
const RESOLVE_SQL = `
update outbox_email
set incident_resolution = ?, incident_resolved_at = now(), incident_note = ?, status = case when ? = 'RESENT' then 'PENDING' else status end
where id = ? and ${OPEN_INCIDENT_SQL}
returning id, status, incident_resolution, incident_resolved_at`;

const iso = (d: Date | null): string | null => (d === null ? null : new Date(d).toISOString());

/**
 * Email incidents (outbox rows UNKNOWN or FAILED) for administrators: the open ones, and their
 * settlement: delivery confirmed, resent once more, or dismissed.
 */
@Injectable()
export class IncidentService {
  private readonly logger = new Logger(IncidentService.name);

  constructor(
    private readonly orm: MikroORM,
    private readonly jobs: JobDispatcher,
  ) {}

  /** Open incidents, the most recent attempt first (by last attempt, else due time); `limit` 1–500, `offset` ≥ 0. */
  async list(limit = 100, offset = 0): Promise<{ items: EmailIncident[]; total: number }> {
    const rows = (await this.orm.em.fork().getConnection().execute(LIST_SQL, [limit, offset])) as Array<IncidentRow & { total: number }>;
    const total = rows[0]?.total ?? (offset > 0 ? await this.count() : 0);
    return {
      total,
      items: rows.map((r) => ({
        id: r.id,
        requestId: r.request_id,
        reference: r.reference,
        kind: r.kind,
        step: r.step,
        stage: r.stage,
        level: r.level,
        recipientEmail: r.recipient_email,
        subject: r.subject,
        status: r.status,
        attempts: r.attempts,
        lastError: r.last_error,
        lastAttemptAt: iso(r.last_attempt_at),
        dueAt: iso(r.due_at)!,
        previousResolution: r.incident_resolution,
        previousResolvedAt: iso(r.incident_resolved_at),
      })),
    };
  }

  private async count(): Promise<number> {
    const [r] = (await this.orm.em.fork().getConnection().execute(`select count(*)::int as n from outbox_email where ${OPEN_INCIDENT_SQL}`)) as Array<{
      n: number;
    }>;
    return r.n;
  }

  /**
   * Settles the incident of outbox email `id` with `body` (see parseResolveIncident). CONFIRMED_DELIVERED
   * and DISMISSED record the resolution and its time; RESENT records it too, sets the email back to
   * PENDING and, after that statement has committed, queues it so the worker sends it once more.
   * `note` is stored with the resolution (`incident_note`).
   * Errors: ValidationFailedError (bad body), NotFoundError (no such email, or an id that is not a UUID),
   * DomainError CONFLICT (not an open incident: never failed, or already settled, also by a concurrent call).
   */
  async resolve(id: string, body: unknown): Promise<IncidentResolutionResult> {
    const { resolution, note } = parseResolveIncident(body);
    if (!UUID.test(id)) throw new NotFoundError('email', id);
    const conn = this.orm.em.fork().getConnection();
    const [row] = (await conn.execute(RESOLVE_SQL, [resolution, note ?? null, resolution, id])) as Array<{
      id: string;
      status: OutboxStatus;
      incident_resolution: IncidentResolution;
      incident_resolved_at: Date;
    }>;
    if (!row) {
      const [current] = (await conn.execute('select status, incident_resolution from outbox_email where id = ?', [id])) as Array<{
        status: OutboxStatus;
        incident_resolution: IncidentResolution | null;
      }>;
      if (!current) throw new NotFoundError('email', id);
      throw new DomainError(
        'CONFLICT',
        current.incident_resolution && current.incident_resolution !== 'RESENT'
          ? `email ${id} is already resolved (${current.incident_resolution})`
          : `email ${id} is ${current.status}, not an open incident (only UNKNOWN or FAILED emails not yet resolved can be)`,
        // not `status`: the problem details' own member (the HTTP status)
        { id, emailStatus: current.status, incidentResolution: current.incident_resolution },
      );
    }
    let queued = false;
    if (resolution === 'RESENT') {
      try {
        queued = await this.jobs.enqueueEmail(id, true);
      } catch (err) {
        this.logger.warn(`email ${id} set back to PENDING but not queued, the sweeper will: ${(err as Error).message}`);
      }
    }
    this.logger.log(`email incident ${id} resolved: ${resolution}`);
    return { id: row.id, resolution: row.incident_resolution, resolvedAt: iso(row.incident_resolved_at)!, status: row.status, queued };
  }
}
