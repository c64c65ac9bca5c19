import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { stageAudience, type Stage } from '@rogatory/workflow';
import { localTimeIn, NOTIFICATION_HOUR } from '../calendar';
import { AppConfig } from '../config/app-config';
import { DirectoryService } from '../directory/directory.service';
import { Deadline, MlaRequest, OutboxEmail } from '../entities';
import { renderStageEmail } from './email-renderer';

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
    const kind = stage === 'REMINDER' ? 'REMINDER' : 'ESCALATION';
    const rows: OutboxEmail[] = [];
    for (const r of recipients) {
      if (r.contactPoint?.notificationMode === 'DAILY_DIGEST') continue;
      const localNine = fireOn ? localTimeIn(r.timeZone, fireOn, NOTIFICATION_HOUR) : fireAt;
      const dueAt = localNine > fireAt ? localNine : fireAt;
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
      const row = new OutboxEmail({
        request,
        dedupeKey: `deadline/${deadline.id}/${stage}/${r.email}`,
        kind,
        step: deadline.step,
        stage,
        level,
        recipientName: r.name,
        recipientEmail: r.email,
        subject: email.subject,
        textBody: email.text,
        htmlBody: email.html,
        language: email.language,
        late,
        dueAt,
      });
      em.persist(row);
      rows.push(row);
    }
    return rows;
  }
}
