import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { MikroORM } from '@mikro-orm/postgresql';
import { Injectable, Logger } from '@nestjs/common';
import type { DeadlineStep } from '@rogatory/workflow';
import { DateTime } from 'luxon';
import { Clock } from '../clock';
import { AppConfig } from '../config/app-config';
import { contactPointRecipient, DirectoryService } from '../directory/directory.service';
import { ContactPoint, OutboxEmail } from '../entities';
import { JobDispatcher, type PostCommitJob } from '../queues/job-dispatcher.service';
import { renderDigestEmail, type DigestItem } from './email-renderer';

/** Local hour (the contact point's State) in which its daily digest is written: DOMAIN.md §4 sends at 09:00 local time. */
export const DIGEST_HOUR = 9;

/** What one run of the digest job did. */
export interface DigestRunResult {
  /** DAILY_DIGEST contact points whose local time was in the 09:00 hour. */
  due: number;
  /** Digests written (and queued) by this run. */
  written: number;
  /** Contact points whose digest of that local date already existed (the job ran twice). */
  alreadyWritten: number;
  /** Contact points with nothing overdue: no email. */
  nothingOverdue: number;
}

/**
 * The daily digest of contact points that chose `DAILY_DIGEST` instead of one email per reminder or
 * escalation: at 09:00 local time of its State, one email listing the open deadlines overdue that its
 * State owes on requests of its network (reference, step, due date, calendar days overdue, link; never
 * facts). Time comes from the injected Clock.
 */
@Injectable()
export class DigestService {
  private readonly logger = new Logger(DigestService.name);

  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly jobs: JobDispatcher,
    private readonly config: AppConfig,
    private readonly directory: DirectoryService,
  ) {}

  /**
   * For each DAILY_DIGEST contact point whose local time (its State's IANA zone) is now in the 09:00
   * hour, writes one outbox email (kind DIGEST, no request, dedupeKey `digest/<contactPointId>/<local
   * date>`) listing the OPEN deadlines with a due date before its local date, owed by its State on
   * requests of its network; nothing when nothing is overdue. At most one digest per contact point and
   * local date, however often the job runs (the dedupe key is unique). Each email is queued after its
   * row commits; a failed enqueue is left to the sweeper.
   *
   * A contact point away that day (its absence, by its local date: absence-routing.ts) still has its
   * digest written, at its own 09:00 and about its own State, but addressed to its delegate, in the
   * delegate's language (DirectoryService.standInFor): nothing waits in the absent one's mailbox.
   */
  async writeDueDigests(): Promise<DigestRunResult> {
    const now = this.clock.now();
    const result: DigestRunResult = { due: 0, written: 0, alreadyWritten: 0, nothingOverdue: 0 };
    const cps = await this.orm.em.fork().find(ContactPoint, { notificationMode: 'DAILY_DIGEST' }, { populate: ['state'], orderBy: { email: 'asc' } });
    for (const cp of cps) {
      const local = DateTime.fromJSDate(now, { zone: cp.state.timeZone });
      if (local.hour !== DIGEST_HOUR) continue;
      result.due++;
      const outcome = await this.writeDigest(cp, local.toISODate()!, now);
      if (outcome === 'written') result.written++;
      else if (outcome === 'exists') result.alreadyWritten++;
      else result.nothingOverdue++;
    }
    if (result.due)
      this.logger.log(`daily digest: ${result.written} written, ${result.alreadyWritten} already written, ${result.nothingOverdue} with nothing overdue`);
    return result;
  }

  /** Writes the digest of one contact point for `localDate` (YYYY-MM-DD) in its own transaction, then queues it. */
  private async writeDigest(cp: ContactPoint, localDate: string, now: Date): Promise<'written' | 'exists' | 'empty'> {
    const dedupeKey = `digest/${cp.id}/${localDate}`;
    const jobs: PostCommitJob[] = [];
    let outcome: 'written' | 'exists' | 'empty' = 'empty';
    try {
      await this.orm.em.fork().transactional(async (em) => {
        if (await em.findOne(OutboxEmail, { dedupeKey }, { fields: ['id'] })) {
          outcome = 'exists';
          return;
        }
        const rows = await em.execute<Array<{ request_id: string; reference: string; step: DeadlineStep; due_on: string }>>(
          `select d.request_id, r.reference, d.step, to_char(d.due_on, 'YYYY-MM-DD') as due_on
             from deadline d join mla_request r on r.id = d.request_id
            where d.status = 'OPEN' and d.owed_by_state = ? and r.network = ? and d.due_on < ?::date
            order by d.due_on, r.reference, d.step`,
          [cp.state.code, cp.network.code, localDate],
        );
        if (!rows.length) return;
        const today = DateTime.fromISO(localDate, { zone: 'UTC' });
        const items: DigestItem[] = rows.map((r) => ({
          reference: r.reference,
          step: r.step,
          dueOn: r.due_on,
          daysOverdue: Math.round(today.diff(DateTime.fromISO(r.due_on, { zone: 'UTC' }), 'days').days),
          link: `${this.config.publicUrl}/requests/${r.request_id}`,
        }));
        // Its delegate when it is away today (issue 5); else itself.
        const to = await this.directory.standInFor(em, contactPointRecipient(cp), now, await this.directory.standIns(em));
        const email = renderDigestEmail({
          languages: [to.language, ...to.otherLanguages],
          network: cp.network.code,
          state: cp.state.code,
          localDate,
          items,
        });
        const row = new OutboxEmail({
          request: null,
          dedupeKey,
          kind: 'DIGEST',
          step: null,
          stage: null,
          level: null,
          recipientName: to.name,
          recipientEmail: to.email,
          subject: email.subject,
          textBody: email.text,
          htmlBody: email.html,
          language: email.language,
          dueAt: now,
        });
        em.persist(row);
        jobs.push({ kind: 'email', outboxId: row.id });
        outcome = 'written';
      });
    } catch (err) {
      // Another run wrote the same digest meanwhile: the unique dedupe key refused this one.
      if (err instanceof UniqueConstraintViolationException) return 'exists';
      throw err;
    }
    await this.jobs.dispatch(jobs);
    return outcome;
  }
}
