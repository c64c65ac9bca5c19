import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import { MikroORM } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { Principal } from '../access/principal';
import { Clock } from '../clock';
import { AppUser, ContactPoint, ContactPointHandover } from '../entities';
import { ConflictError, NotFoundError, ValidationFailedError } from '../errors';
import { NotificationService } from '../notifications/notification.service';
import { JobDispatcher, type PostCommitJob } from '../queues/job-dispatcher.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a handover moved to the successor. */
export interface HandoverResult {
  id: string;
  predecessor: { id: string; name: string; email: string };
  successor: { id: string; name: string; email: string };
  network: string;
  state: string;
  /** UTC instant. */
  handedOverAt: string;
  /** Open requests (not closed) that the predecessor, or those before them, facilitated: now in the successor's scope. */
  openFacilitatedRequests: number;
  /** PENDING emails that were meant for the predecessor, now addressed to the successor. */
  emailsReaddressed: number;
  /** PENDING emails for the predecessor withdrawn because the successor already had the same one. */
  emailsWithdrawn: number;
  /** Sign-ins of the predecessor deactivated (their tokens are refused from now on). */
  usersDeactivated: number;
}

/**
 * A contact point who leaves hands over to a successor, in one step (issue 5): one transaction that
 * records the handover (the successor's scope then includes every request the predecessor facilitated,
 * through `rogatory_facilitated_by`, while the history keeps who did each step), routes everything meant
 * for the predecessor to the successor from now on (an open-ended stand-in, DirectoryService.standIns),
 * re-addresses the emails already waiting for the predecessor (NotificationService.readdressPending) and
 * deactivates the predecessor's sign-in. Nothing is left addressed to the old person.
 */
@Injectable()
export class ContactPointHandoverService {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly notifications: NotificationService,
    private readonly jobs: JobDispatcher,
  ) {}

  /**
   * Hands contact point `predecessorId` over to `{ successorId }`, another contact point of the same
   * network and State who has not left. Administrators only (the caller checks the role). Errors:
   * NotFoundError (404) for an unknown predecessor; ValidationFailedError (400) naming `successorId` (not
   * a uuid, unknown, the same person, another network or State, one who has left); ConflictError (409)
   * when the predecessor was already handed over (also by a concurrent call). Nothing is written on error.
   */
  async handover(predecessorId: string, body: unknown, by: Principal): Promise<HandoverResult> {
    if (!UUID.test(predecessorId)) throw new NotFoundError('contact point', predecessorId);
    const successorId = parseBody(body);
    let jobs: PostCommitJob[] = [];
    try {
      const result = await this.orm.em.fork().transactional(async (em) => {
        // Both rows locked in id order: concurrent handovers A→B and B→C wait for each other and see each other's result.
        await em.execute('select id from contact_point where id in (?, ?) order by id for update', [predecessorId.toLowerCase(), successorId]);
        const before = await em.findOne(ContactPoint, predecessorId, { lockMode: LockMode.PESSIMISTIC_WRITE, populate: ['state', 'network'] });
        if (!before) throw new NotFoundError('contact point', predecessorId);
        if (await em.count(ContactPointHandover, { predecessorId: before.id }))
          throw new ConflictError(`${before.email} has already handed over; hand over from their successor instead`);
        const refuse = (reason: string) => new ValidationFailedError([{ field: 'successorId', reason }]);
        const after = await em.findOne(ContactPoint, successorId, { populate: ['state', 'network'] });
        if (!after) throw refuse(`${successorId} is not a contact point of the directory`);
        if (after.id === before.id) throw refuse('must be another contact point than the one leaving');
        if (after.network.code !== before.network.code || after.state.code !== before.state.code)
          throw refuse(
            `must be a contact point of ${before.state.code} in ${before.network.code}, as ${before.email} is; ${after.email} is of ${after.state.code} in ${after.network.code}`,
          );
        if (await em.count(ContactPointHandover, { predecessorId: after.id })) throw refuse(`${after.email} has left (handed over) too`);
        const now = this.clock.now();
        const handover = new ContactPointHandover({ predecessorId: before.id, successorId: after.id, handedOverAt: now, handedOverBy: by.login, summary: {} });
        em.persist(handover);
        await em.flush();
        const usersDeactivated = await em.nativeUpdate(AppUser, { contactPointId: before.id, active: true }, { active: false });
        const moved = await this.notifications.readdressPending(em, before);
        jobs = moved.jobs;
        const [{ n }] = await em.execute<Array<{ n: number }>>(
          `select count(*)::int as n from mla_request where closed_on is null and id in (select rogatory_facilitated_by(u.id) from app_user u where u.contact_point_id = ?)`,
          [before.id],
        );
        handover.summary = { openFacilitatedRequests: n, emailsReaddressed: moved.readdressed, emailsWithdrawn: moved.withdrawn, usersDeactivated };
        await em.flush();
        return {
          id: handover.id,
          predecessor: { id: before.id, name: before.name, email: before.email },
          successor: { id: after.id, name: after.name, email: after.email },
          network: before.network.code,
          state: before.state.code,
          handedOverAt: now.toISOString(),
          openFacilitatedRequests: n,
          emailsReaddressed: moved.readdressed,
          emailsWithdrawn: moved.withdrawn,
          usersDeactivated,
        };
      });
      await this.jobs.dispatch(jobs);
      return result;
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) throw new ConflictError(`contact point ${predecessorId} has already handed over`);
      throw err;
    }
  }
}

/** The successor's id of a body `{ successorId }`; ValidationFailedError naming each bad field. */
function parseBody(body: unknown): string {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ValidationFailedError([{ field: '(body)', reason: 'must be a JSON object { successorId }' }]);
  const o = body as Record<string, unknown>;
  const errors = Object.keys(o)
    .filter((k) => k !== 'successorId')
    .map((field) => ({ field, reason: 'is not a known field (known: successorId)' }));
  if (typeof o.successorId !== 'string' || !UUID.test(o.successorId))
    errors.push({ field: 'successorId', reason: 'is required: the id (uuid) of the contact point taking over' });
  if (errors.length) throw new ValidationFailedError(errors);
  return (o.successorId as string).toLowerCase();
}
