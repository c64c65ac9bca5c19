import { LockMode } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { STAGES, stageAudience, type Stage } from '@rogatory/workflow';
import { localTimeIn, NOTIFICATION_HOUR } from '../calendar';
import { AppConfig } from '../config/app-config';
import { contactPointRecipient, DirectoryService, type Recipient } from '../directory/directory.service';
import { ContactPoint, Deadline, MlaRequest, OutboxEmail } from '../entities';
import type { PostCommitJob } from '../queues/job-dispatcher.service';
import { renderStageEmail } from './email-renderer';

/** What {@link NotificationService.readdressPending} did. */
export interface ReaddressResult {
  /** PENDING emails now addressed to a delegate. */
  readdressed: number;
  /** PENDING emails withdrawn because the delegate already has the same reminder or escalation of its own. */
  withdrawn: number;
  /** The send jobs of the re-addressed emails, to queue after commit. */
  jobs: PostCommitJob[];
}

/** Options of {@link NotificationService.writeStageEmails}. */
export interface StageEmailOptions {
  /** The stage is handled after its time (the worker was down): the subject and body say the message is late. */
  late?: boolean;
}

/**
 * Writes the outbox rows of a reminder or escalation, one per recipient, in the caller's transaction,
 * rendered from the templates (email-renderer.ts) in each recipient's language, as plain text and HTML.
 * They give the case reference, the States, the step owed and by whom, the due date (in the recipient's
 * language and time zone), the reminder or escalation level, the plenary listing at level 4 and a link;
 * never the facts of the case or persons concerned.
 */
@Injectable()
export class NotificationService {
  constructor(
    private readonly directory: DirectoryService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Writes one PENDING outbox row per recipient of `stage` (DOMAIN.md §4 ladder, `DirectoryService.recipients`)
   * and returns them (not yet flushed). Contact points that chose DAILY_DIGEST get no row: their digest
   * lists the step instead (DigestService). Each row is due at 09:00 local time of its recipient on the
   * stage's date, never before `fireAt` (UTC instant the stage fell due); `dedupeKey`
   * `deadline/<id>/<stage>/<email>` keeps each stage at most once per recipient. `opts.late` marks the
   * messages late (subject, body and the row's `late`).
   *
   * Absences (issue 5): a contact point away on the date its email is due (its local date) is replaced by
   * its delegate (`DirectoryService.standInFor`): the row goes to the delegate, in the delegate's language
   * and at 09:00 of the delegate's time zone, and keeps the absent one's `dedupeKey` (the stage is still
   * written once per recipient of the ladder). A delegate who is itself a recipient of the stage gets one
   * email, its own.
   */
  async writeStageEmails(
    em: EntityManager,
    request: MlaRequest,
    deadline: Deadline,
    stage: Stage,
    level: number,
    fireAt: Date,
    opts: StageEmailOptions = {},
  ): Promise<OutboxEmail[]> {
    const late = opts.late ?? false;
    const recipients = await this.directory.recipients(em, stageAudience(stage), {
      network: request.network,
      owingState: deadline.owedByState,
      requestingState: request.requestingState,
      requestedState: request.requestedState,
    });
    const fireOn = deadline.stages.find((s) => s.stage === stage)?.fireOn;
    // Who is away is read only when a contact point is among the recipients (level 2).
    const standIns = recipients.some((r) => r.contactPoint) ? await this.directory.standIns(em) : new Map();
    const addressed: Recipient[] = [];
    for (const r of recipients) {
      if (r.contactPoint?.notificationMode === 'DAILY_DIGEST') continue;
      addressed.push(await this.directory.standInFor(em, r, sendTime(r.timeZone, fireOn, fireAt), standIns));
    }
    // Recipients in their own right first (a stable sort keeps the ladder's order), then one email per address.
    addressed.sort((a, b) => Number(a.standingInFor !== undefined) - Number(b.standingInFor !== undefined));
    const seen = new Set<string>();
    const rows: OutboxEmail[] = [];
    for (const r of addressed) {
      if (seen.has(r.email.toLowerCase())) continue;
      seen.add(r.email.toLowerCase());
      const row = new OutboxEmail({
        request,
        dedupeKey: `deadline/${deadline.id}/${stage}/${r.standingInFor?.email ?? r.email}`,
        kind: stage === 'REMINDER' ? 'REMINDER' : 'ESCALATION',
        step: deadline.step,
        stage,
        level,
        late,
        ...this.render(request, deadline, stage, level, late, r, sendTime(r.timeZone, fireOn, fireAt)),
      });
      em.persist(row);
      rows.push(row);
    }
    return rows;
  }

  /**
   * Re-addresses, in the caller's transaction, the PENDING emails meant for contact point `absent` that
   * are due while it is replaced (by its local date on their due time, with the stand-ins as they stand in
   * that transaction: call it after the absence is written and flushed). Its reminders and escalations on
   * requests of its network are rewritten for the delegate (language, 09:00 of the delegate's time zone,
   * never before the stage's time), or withdrawn when the delegate already has the same stage of the same
   * deadline; its pending digests are readdressed as they are. Rows are locked (FOR UPDATE) so the
   * sender, which claims a row only while PENDING, sends what this wrote. Returns the counts and the send
   * jobs to queue after commit. Used when an absence is recorded, so nothing waits for an absent person.
   */
  async readdressPending(em: EntityManager, absent: ContactPoint): Promise<ReaddressResult> {
    const result: ReaddressResult = { readdressed: 0, withdrawn: 0, jobs: [] };
    const cp = await em.findOneOrFail(ContactPoint, absent.id, { populate: ['state', 'network'] });
    const standIns = await this.directory.standIns(em);
    const rows = await em.find(
      OutboxEmail,
      {
        status: 'PENDING',
        $or: [
          { recipientEmail: cp.email, kind: { $in: ['REMINDER', 'ESCALATION'] }, request: { network: cp.network.code } },
          { kind: 'DIGEST', dedupeKey: { $like: `digest/${cp.id}/%` } },
        ],
      },
      { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { dueAt: 'asc' } },
    );
    const own = contactPointRecipient(cp);
    for (const row of rows) {
      const r = await this.directory.standInFor(em, own, row.dueAt, standIns);
      if (!r.standingInFor) continue; // not away on that date
      if (row.kind === 'DIGEST') {
        Object.assign(row, { recipientName: r.name, recipientEmail: r.email });
        result.readdressed++;
        continue;
      }
      const deadlineId = /^deadline\/([0-9a-f-]{36})\//.exec(row.dedupeKey)?.[1];
      const deadline = deadlineId ? await em.findOne(Deadline, deadlineId) : null;
      const request = row.request ? await em.findOne(MlaRequest, row.request.id) : null;
      const stage = STAGES.find((s) => s === row.stage);
      if (!deadline || !request || !stage || row.level === null) continue; // not a stage email this service wrote
      const twin = await em.count(OutboxEmail, { dedupeKey: { $like: `deadline/${deadline.id}/${stage}/%` }, recipientEmail: r.email, id: { $ne: row.id } });
      if (twin) {
        em.remove(row);
        result.withdrawn++;
        continue;
      }
      const fired = deadline.stages.find((s) => s.stage === stage);
      const send = sendTime(r.timeZone, fired?.fireOn, fired ? new Date(fired.fireAt) : row.dueAt);
      Object.assign(row, this.render(request, deadline, stage, row.level, row.late, r, send));
      result.readdressed++;
      result.jobs.push({ kind: 'email', outboxId: row.id, sendAt: row.dueAt });
    }
    return result;
  }

  /** The addressee, subject, bodies, language and due time of a stage email to `r`, due at `dueAt`. */
  private render(
    request: MlaRequest,
    deadline: Deadline,
    stage: Stage,
    level: number,
    late: boolean,
    r: Recipient,
    dueAt: Date,
  ): Pick<OutboxEmail, 'recipientName' | 'recipientEmail' | 'subject' | 'textBody' | 'htmlBody' | 'language' | 'dueAt'> {
    const email = renderStageEmail({
      languages: [r.language, ...r.otherLanguages],
      timeZone: r.timeZone,
      reference: request.reference,
      network: request.network,
      requestingState: request.requestingState,
      requestedState: request.requestedState,
      owingState: deadline.owedByState,
      step: deadline.step,
      stage,
      level,
      dueAt: deadline.dueAt,
      late,
      scheduledAt: dueAt,
      link: `${this.config.publicUrl}/requests/${request.id}`,
    });
    return {
      recipientName: r.name,
      recipientEmail: r.email,
      subject: email.subject,
      textBody: email.text,
      htmlBody: email.html,
      language: email.language,
      dueAt,
    };
  }
}

/** When an email of a stage fired at `fireAt` on `fireOn` goes to a recipient in `timeZone`: 09:00 there on that date, never before `fireAt`. */
function sendTime(timeZone: string, fireOn: string | undefined, fireAt: Date): Date {
  const localNine = fireOn ? localTimeIn(timeZone, fireOn, NOTIFICATION_HOUR) : fireAt;
  return localNine > fireAt ? localNine : fireAt;
}
