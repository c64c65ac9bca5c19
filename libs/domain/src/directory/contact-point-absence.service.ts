import { LockMode } from '@mikro-orm/core';
import { MikroORM } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { Principal } from '../access/principal';
import { Clock } from '../clock';
import { ContactPoint, ContactPointHandover } from '../entities';
import { ConflictError, NotFoundError, ValidationFailedError } from '../errors';
import { NotificationService } from '../notifications/notification.service';
import { JobDispatcher, type PostCommitJob } from '../queues/job-dispatcher.service';
import { localDateOf } from './absence-routing';
import { checkAbsence } from './directory-rules';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A contact point's absence. */
export interface AbsenceView {
  contactPointId: string;
  /** First and last day away: calendar dates of the contact point's State, both included. */
  from: string;
  until: string;
  /** The contact point who receives its reminders, escalations and digests meanwhile. */
  delegate: { id: string; name: string; email: string; state: string; network: string };
  /** Login of who recorded it. */
  setBy: string | null;
  /** True when today (the contact point's local date) is one of its days away. */
  activeToday: boolean;
}

/** What recording an absence did to the emails already waiting. */
export interface AbsenceSetResult extends AbsenceView {
  /** PENDING emails for the absent contact point, due while it is away, now addressed to the delegate. */
  readdressed: number;
  /** PENDING emails withdrawn because the delegate already had the same reminder or escalation of its own. */
  withdrawn: number;
}

/**
 * A contact point's absence with a delegate (issue 5): from one date to another (its State's calendar
 * dates), the reminders, escalations and digests that would go to it go to the delegate instead
 * (absence-routing.ts; NotificationService and DigestService route them), and those already waiting for
 * it in the outbox are re-addressed when the absence is recorded. One absence per contact point: a new
 * one replaces it. The delegate may itself be away: the emails then go on to its own delegate.
 *
 * Who may stand in: another contact point of the same network, of the same State whenever one is
 * available (no absence of its own overlapping these dates): it can open the State's cases, which a
 * contact point of another State cannot (DOMAIN.md §1 scope), and it knows the State's authorities.
 * A contact point of another member State of the network is accepted only when none is; it then receives
 * the reminders (reference, States, step, dates; never facts) without seeing the cases.
 */
@Injectable()
export class ContactPointAbsenceService {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly notifications: NotificationService,
    private readonly jobs: JobDispatcher,
  ) {}

  /**
   * The absence recorded for contact point `id`, even one whose dates have passed. An ADMINISTRATOR reads
   * any; anyone else only its own contact point's. Throws NotFoundError for an unknown or another's id, or
   * when none is recorded.
   */
  async get(id: string, by: Principal): Promise<AbsenceView> {
    this.inScope(id, by);
    const cp = await this.orm.em.fork().findOne(ContactPoint, id, { populate: ['state', 'absenceDelegate'] });
    if (!cp) throw new NotFoundError('contact point', id);
    if (!cp.absentFrom || !cp.absentUntil || !cp.absenceDelegate) throw new NotFoundError('absence of contact point', id);
    return this.view(cp);
  }

  /**
   * Records (or replaces) the absence of contact point `id` from a body `{ from, until, delegateId }`
   * (directory-rules.ts, checkAbsence: dates of the contact point's State, `from` ≤ `until`, `until` not
   * before its today, at most 366 days) and re-addresses its PENDING emails due meanwhile, in one
   * transaction; their send jobs are queued after commit. An ADMINISTRATOR sets any contact point's
   * absence; a contact point only its own (another id: NotFoundError, as if unknown).
   * Throws ValidationFailedError naming each bad field (`delegateId` when it is unknown, the contact point
   * itself, of another network, or of another State while one of its own is available), NotFoundError;
   * nothing is written then.
   */
  async set(id: string, body: unknown, by: Principal): Promise<AbsenceSetResult> {
    this.inScope(id, by);
    let jobs: PostCommitJob[] = [];
    const result = await this.orm.em.fork().transactional(async (em) => {
      // Both rows locked in id order, so two absences naming each other as delegates wait, not deadlock.
      const named = (body as { delegateId?: unknown } | null)?.delegateId;
      const delegateHint = typeof named === 'string' && UUID.test(named) ? named.toLowerCase() : id;
      await em.execute('select id from contact_point where id in (?, ?) order by id for update', [id, delegateHint]);
      const cp = await em.findOne(ContactPoint, id, { lockMode: LockMode.PESSIMISTIC_WRITE, populate: ['state', 'network'] });
      if (!cp) throw new NotFoundError('contact point', id);
      const left = new Set((await em.find(ContactPointHandover, {}, { fields: ['predecessorId'] })).map((h) => h.predecessorId));
      if (left.has(cp.id)) throw new ConflictError(`${cp.email} has left (handed over to a successor): an absence no longer applies`);
      const today = localDateOf(this.clock.now(), cp.state.timeZone);
      const checked = checkAbsence(body, today);
      if (checked.errors.length) throw new ValidationFailedError(checked.errors);
      const { from, until, delegateId } = checked.value!;
      const delegate = await em.findOne(ContactPoint, delegateId, { populate: ['state', 'network'] });
      const refuse = (reason: string) => new ValidationFailedError([{ field: 'delegateId', reason }]);
      if (!delegate) throw refuse(`${delegateId} is not a contact point of the directory`);
      if (delegate.id === cp.id) throw refuse('must be another contact point than the absent one');
      if (left.has(delegate.id)) throw refuse(`${delegate.email} has left (handed over to a successor)`);
      if (delegate.network.code !== cp.network.code)
        throw refuse(`must be a contact point of ${cp.network.code}, the absent contact point's network; ${delegate.email} is of ${delegate.network.code}`);
      if (delegate.state.code !== cp.state.code) {
        const colleagues = await em.find(ContactPoint, { network: cp.network, state: cp.state, id: { $ne: cp.id } }, { orderBy: { email: 'asc' } });
        const available = colleagues.filter(
          (c) => !left.has(c.id) && !(c.absenceDelegate && c.absentFrom && c.absentUntil && c.absentFrom <= until && from <= c.absentUntil),
        );
        if (available.length)
          throw refuse(
            `must be a contact point of ${cp.state.code} in ${cp.network.code} while one is available for these dates (${available.map((c) => c.email).join(', ')}); ` +
              'a contact point of another State stands in only when none is',
          );
      }
      Object.assign(cp, { absentFrom: from, absentUntil: until, absenceDelegate: delegate, absenceSetBy: by.login });
      await em.flush();
      const moved = await this.notifications.readdressPending(em, cp);
      jobs = moved.jobs;
      await em.flush();
      return { ...this.view(cp), readdressed: moved.readdressed, withdrawn: moved.withdrawn };
    });
    await this.jobs.dispatch(jobs);
    return result;
  }

  /**
   * Ends the absence of contact point `id` (who may: as for {@link set}): from now on its emails go to it
   * again. Emails already re-addressed to the delegate stay with the delegate (they may have been acted
   * on). Throws NotFoundError for an unknown or another's id, or when no absence is recorded.
   */
  async end(id: string, by: Principal): Promise<void> {
    this.inScope(id, by);
    await this.orm.em.fork().transactional(async (em) => {
      const cp = await em.findOne(ContactPoint, id, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!cp) throw new NotFoundError('contact point', id);
      if (!cp.absentFrom) throw new NotFoundError('absence of contact point', id);
      Object.assign(cp, { absentFrom: null, absentUntil: null, absenceDelegate: null, absenceSetBy: null });
      await em.flush();
    });
  }

  /** NotFoundError unless `id` is a uuid that `by` may act on: any for an administrator, else its own contact point. */
  private inScope(id: string, by: Principal): void {
    if (!UUID.test(id) || (by.role !== 'ADMINISTRATOR' && by.contactPointId !== id.toLowerCase())) throw new NotFoundError('contact point', id);
  }

  private view(cp: ContactPoint): AbsenceView {
    const d = cp.absenceDelegate!;
    const today = localDateOf(this.clock.now(), cp.state.timeZone);
    return {
      contactPointId: cp.id,
      from: cp.absentFrom!,
      until: cp.absentUntil!,
      delegate: { id: d.id, name: d.name, email: d.email, state: d.state.code, network: d.network.code },
      setBy: cp.absenceSetBy,
      activeToday: cp.absentFrom! <= today && today <= cp.absentUntil!,
    };
  }
}
