import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import {
  DEADLINE_STEPS,
  DEFAULT_DEADLINE_POLICY,
  NETWORK_CODES,
  STAGES,
  type DeadlinePolicy,
  type DeadlineStep,
  type Duration,
  type EscalationLadder,
} from '@rogatory/workflow';
import { Clock } from '../clock';
import { Deadline, DeadlinePolicyVersion, Network } from '../entities';
import type { Precondition } from '../entity-tag';
import { ConflictError, NotFoundError, ValidationFailedError, type FieldError } from '../errors';
import { isStorableText } from '../requests/request-validation';

/** A network's policy at one version, as the API shows it. */
export interface PolicyVersionView {
  network: string;
  /** 0 is the built-in default of DOMAIN.md §4; 1, 2… the administrators' versions. */
  version: number;
  policy: DeadlinePolicy;
  note: string;
  createdBy: string;
  /** UTC instant from which it applies to newly opened deadlines (null for the default). */
  createdAt: string | null;
}

/** The policy in force for a network (what `DeadlineService` opens deadlines with). */
export interface PolicyInForce {
  network: string;
  version: number;
  policy: DeadlinePolicy;
}

/**
 * The entity tag of a network's deadline policy: the number of the version in force, quoted (`"0"` for the
 * default). Versions are only added, one number at a time, so the number names the whole policy.
 */
export function policyEtag(version: number): string {
  return `"${version}"`;
}

const LEVELS = STAGES.filter((s) => s !== 'REMINDER') as Array<keyof EscalationLadder>;
/** Bounds of what an administrator may set: generous, but a typo of 2,000 business days is refused. */
const MAX_BUSINESS_DAYS = 260;
const MAX_CALENDAR_DAYS = 1095;
const MAX_REMINDER_DAYS = 60;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/**
 * Applies a change to a policy, checking every field. `change` is
 * `{ note: string, steps?: { STEP: { due?: { businessDays: n } | { calendarDays: n }, reminderBusinessDaysBefore?: n } }, ladder?: { LEVEL_1..LEVEL_4: n } }`:
 * steps not named keep their values; a ladder, when given, is given whole. Which side owes a step and
 * whether it escalates are fixed by the workflow (UNTOC art. 18) and cannot be changed here.
 * Bounds: business days 1–260, calendar days 1–1095, reminder 0–60 business days and (for a business-day
 * step) fewer than its duration, ladder levels 1–260 business days after the due date, strictly increasing.
 * Returns the new policy, or the list of field errors (each naming the field, e.g. `steps.EXECUTION.due`).
 */
export function applyPolicyChange(current: DeadlinePolicy, change: unknown): { policy: DeadlinePolicy; note: string } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (!isRecord(change)) return { errors: [{ field: '(body)', reason: 'must be a JSON object { note, steps?, ladder? }' }] };
  for (const key of Object.keys(change)) if (!['note', 'steps', 'ladder'].includes(key)) errors.push({ field: key, reason: 'unknown field' });
  const note = change.note;
  if (typeof note !== 'string' || note.trim().length === 0 || note.length > 500) errors.push({ field: 'note', reason: 'must say why, in 1 to 500 characters' });
  else if (!isStorableText(note)) errors.push({ field: 'note', reason: 'must be valid Unicode text (no NUL, no lone surrogate)' });

  const steps = structuredClone(current.steps);
  if (change.steps !== undefined) {
    if (!isRecord(change.steps)) errors.push({ field: 'steps', reason: 'must be an object keyed by step' });
    else
      for (const [name, value] of Object.entries(change.steps)) {
        const field = `steps.${name}`;
        if (!(DEADLINE_STEPS as readonly string[]).includes(name)) {
          errors.push({ field, reason: `unknown step (one of ${DEADLINE_STEPS.join(', ')})` });
          continue;
        }
        if (!isRecord(value)) {
          errors.push({ field, reason: 'must be an object { due?, reminderBusinessDaysBefore? }' });
          continue;
        }
        const step = steps[name as DeadlineStep];
        for (const key of Object.keys(value)) {
          if (key === 'owedBy' || key === 'escalates')
            errors.push({ field: `${field}.${key}`, reason: 'fixed by the workflow (UNTOC art. 18), not by the policy' });
          else if (key !== 'due' && key !== 'reminderBusinessDaysBefore') errors.push({ field: `${field}.${key}`, reason: 'unknown field' });
        }
        if (value.due !== undefined) {
          const due = value.due;
          if (isRecord(due) && Object.keys(due).length === 1 && isCount(due.businessDays, 1, MAX_BUSINESS_DAYS)) step.due = { businessDays: due.businessDays };
          else if (isRecord(due) && Object.keys(due).length === 1 && isCount(due.calendarDays, 1, MAX_CALENDAR_DAYS))
            step.due = { calendarDays: due.calendarDays };
          else
            errors.push({
              field: `${field}.due`,
              reason: `must be { "businessDays": 1–${MAX_BUSINESS_DAYS} } or { "calendarDays": 1–${MAX_CALENDAR_DAYS} } (whole numbers)`,
            });
        }
        if (value.reminderBusinessDaysBefore !== undefined) {
          if (isCount(value.reminderBusinessDaysBefore, 0, MAX_REMINDER_DAYS)) step.reminderBusinessDaysBefore = value.reminderBusinessDaysBefore;
          else errors.push({ field: `${field}.reminderBusinessDaysBefore`, reason: `must be a whole number of business days from 0 to ${MAX_REMINDER_DAYS}` });
        }
        const d: Duration = step.due;
        if ('businessDays' in d && step.reminderBusinessDaysBefore >= d.businessDays)
          errors.push({ field: `${field}.reminderBusinessDaysBefore`, reason: `must be fewer than the step's ${d.businessDays} business days` });
      }
  }

  let ladder = { ...current.ladder };
  if (change.ladder !== undefined) {
    const l = change.ladder;
    if (!isRecord(l) || Object.keys(l).length !== LEVELS.length || !LEVELS.every((k) => k in l)) {
      errors.push({ field: 'ladder', reason: `must give all of ${LEVELS.join(', ')} (business days after the due date)` });
    } else {
      LEVELS.forEach((k, i) => {
        if (!isCount(l[k], 1, MAX_BUSINESS_DAYS))
          errors.push({ field: `ladder.${k}`, reason: `must be a whole number of business days from 1 to ${MAX_BUSINESS_DAYS}` });
        else if (i > 0 && isCount(l[LEVELS[i - 1]], 1, MAX_BUSINESS_DAYS) && (l[k] as number) <= (l[LEVELS[i - 1]] as number))
          errors.push({ field: `ladder.${k}`, reason: `must come after ${LEVELS[i - 1]} (more business days)` });
      });
      ladder = { LEVEL_1: l.LEVEL_1 as number, LEVEL_2: l.LEVEL_2 as number, LEVEL_3: l.LEVEL_3 as number, LEVEL_4: l.LEVEL_4 as number };
    }
  }
  return errors.length ? { errors } : { policy: { steps, ladder }, note: (note as string).trim() };
}

/**
 * The deadline policy of each network (DOMAIN.md §4), versioned: `current()` is what new deadlines are
 * opened with; `createVersion()` adds a version that applies to deadlines opened from then on, while
 * open deadlines keep the version they were opened with (`Deadline.policy`).
 */
@Injectable()
export class DeadlinePolicyService {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
  ) {}

  /** The policy in force for `network` (latest version, or the default, version 0), read in `em`'s transaction. */
  async current(em: EntityManager, network: string): Promise<PolicyInForce> {
    const latest = await em.findOne(DeadlinePolicyVersion, { network: { code: network } }, { orderBy: { version: 'desc' } });
    return latest ? { network, version: latest.version, policy: latest.policy } : { network, version: 0, policy: DEFAULT_DEADLINE_POLICY };
  }

  /** Every version of a network's policy, oldest (0, the default) first. NotFoundError for an unknown network. */
  async versions(network: string): Promise<PolicyVersionView[]> {
    const em = this.orm.em.fork();
    await this.network(em, network);
    const rows = await em.find(DeadlinePolicyVersion, { network: { code: network } }, { orderBy: { version: 'asc' } });
    return [defaultView(network), ...rows.map(view)];
  }

  /**
   * Adds a version of `network`'s policy from `change` (see {@link applyPolicyChange}) applied to the
   * version in force. Returns the new version, and how many open deadlines keep an older version.
   *
   * `precondition` (the caller's `If-Match`) is called in the transaction with {@link policyEtag} of the
   * version in force, before anything is written. Two callers may both pass it with the same tag; the
   * unique (network, version) index then lets one commit, and the other's insert fails: that one's
   * precondition is called again with the version now in force, so a caller who named a version gets
   * what it throws, and one who did not (or sent `*`) gets the ConflictError.
   * Errors: NotFoundError (network), ValidationFailedError (field errors), whatever `precondition` throws,
   * ConflictError (another administrator added a version at the same moment: read again and retry).
   */
  async createVersion(
    network: string,
    change: unknown,
    createdBy: string,
    precondition?: Precondition,
  ): Promise<{ version: PolicyVersionView; openDeadlinesOnOlderVersions: number }> {
    try {
      return await this.orm.em.fork().transactional(async (em) => {
        const n = await this.network(em, network);
        const current = await this.current(em, network);
        precondition?.(policyEtag(current.version));
        const result = applyPolicyChange(current.policy, change);
        if ('errors' in result) throw new ValidationFailedError(result.errors);
        const row = new DeadlinePolicyVersion({
          network: n,
          version: current.version + 1,
          policy: result.policy,
          note: result.note,
          createdBy,
          createdAt: this.clock.now(),
        });
        em.persist(row);
        await em.flush();
        const older = await em.count(Deadline, { status: { $in: ['OPEN', 'PAUSED'] }, request: { network } });
        return { version: view(row), openDeadlinesOnOlderVersions: older };
      });
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) {
        // The other version has committed (the unique index waited for it): it is the one in force now.
        precondition?.(policyEtag((await this.current(this.orm.em.fork(), network)).version));
        throw new ConflictError(`another version of the ${network} policy was added at the same time; read it and try again`);
      }
      throw err;
    }
  }

  /** The network of `code` as written in the path (upper case); NotFoundError for any other string, before any query. */
  private async network(em: EntityManager, code: string): Promise<Network> {
    const n = (NETWORK_CODES as readonly string[]).includes(code) ? await em.findOne(Network, { code }) : null;
    if (!n) throw new NotFoundError('network', code);
    return n;
  }
}

function defaultView(network: string): PolicyVersionView {
  return { network, version: 0, policy: DEFAULT_DEADLINE_POLICY, note: 'default policy of DOMAIN.md §4', createdBy: 'Rogatory', createdAt: null };
}

function view(row: DeadlinePolicyVersion): PolicyVersionView {
  return {
    network: row.network.code,
    version: row.version,
    policy: row.policy,
    note: row.note,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
  };
}
