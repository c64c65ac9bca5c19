import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { stageAudience, type DeadlineStep, type Stage } from '@rogatory/workflow';
import { AppConfig } from '../config/app-config';
import { DirectoryService } from '../directory/directory.service';
import { Deadline, MlaRequest, OutboxEmail } from '../entities';

const STEP_LABEL: Record<DeadlineStep, string> = {
  ACKNOWLEDGEMENT: 'acknowledgement of receipt',
  WRITTEN_CONFIRMATION: 'written confirmation of the urgent oral request (UNTOC art. 18(14))',
  ASSESSMENT: 'assessment decision (accept, ask for additional information, or consult)',
  ADDITIONAL_INFORMATION: 'additional information (UNTOC art. 18(16))',
  PROGRESS_ENQUIRY_REPLY: 'reply to a progress enquiry (UNTOC art. 18(24))',
  EXECUTION: 'execution of the request',
  POSTPONEMENT_REVIEW: 'review of the postponement (UNTOC art. 18(25))',
};

/**
 * Writes the outbox rows of a reminder or escalation, one per recipient, in the caller's transaction.
 * The text gives the case reference, the States, the step owed and by whom, the due date (local to the
 * owing State), the escalation level and a link; never the facts of the case or persons concerned.
 */
@Injectable()
export class NotificationService {
  constructor(
    private readonly directory: DirectoryService,
    private readonly config: AppConfig,
  ) {}

  async writeStageEmails(em: EntityManager, request: MlaRequest, deadline: Deadline, stage: Stage, level: number, fireAt: Date): Promise<OutboxEmail[]> {
    const audience = stageAudience(stage);
    const recipients = await this.directory.recipients(em, audience, {
      network: request.network,
      owingState: deadline.owedByState,
      requestingState: request.requestingState,
      requestedState: request.requestedState,
    });
    const kind = stage === 'REMINDER' ? 'REMINDER' : 'ESCALATION';
    const step = STEP_LABEL[deadline.step];
    const what = stage === 'REMINDER' ? 'Reminder' : `Escalation level ${level}`;
    const subject = `[Rogatory] ${request.reference}: ${what}: ${step} due ${deadline.dueOn}`;
    const lines = [
      `${what} for MLA request ${request.reference}`,
      '',
      `Requesting State: ${request.requestingState}`,
      `Requested State: ${request.requestedState}`,
      `Network: ${request.network}`,
      `Step owed: ${step}`,
      `Owed by: the central authority of ${deadline.owedByState}`,
      `Due date: ${deadline.dueOn} (local date in ${deadline.owedByState})`,
      stage === 'REMINDER' ? 'Status: due soon' : `Status: overdue since ${deadline.dueOn}`,
      ...(stage === 'LEVEL_4' ? ['The request is listed for a bilateral meeting at the next plenary meeting of the network.'] : []),
      '',
      `Case: ${this.config.publicUrl}/requests/${request.id}`,
      '',
      'This message is sent by Rogatory; it carries no facts of the case.',
    ];
    const rows: OutboxEmail[] = [];
    for (const r of recipients) {
      const row = new OutboxEmail({
        request,
        dedupeKey: `deadline/${deadline.id}/${stage}/${r.email}`,
        kind,
        step: deadline.step,
        stage,
        level,
        recipientName: r.name,
        recipientEmail: r.email,
        subject,
        textBody: lines.join('\n'),
        dueAt: fireAt,
      });
      em.persist(row);
      rows.push(row);
    }
    return rows;
  }
}
