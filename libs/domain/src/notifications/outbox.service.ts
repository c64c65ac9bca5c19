import { MikroORM } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Clock } from '../clock';
import { OutboxEmail } from '../entities';
import { MailDriver, MailSendError } from './mail-driver';

export type SendOutcome = 'sent' | 'skipped' | 'retry' | 'failed' | 'unknown';

/**
 * Sends one outbox email at most once: the row is claimed PENDING → SENDING in its own committed
 * statement before hand-over, then marked SENT. A transient failure puts it back to PENDING (the job
 * retries with backoff); a permanent one marks it FAILED; an unknown outcome marks it UNKNOWN, an
 * incident to check, never resent blindly. The message carries the row's HTML alternative when it has one.
 */
/** The columns of a claimed outbox row that its message needs, with its case's reference. */
interface ClaimedEmail {
  id: string;
  kind: string;
  level: number | null;
  recipient_name: string;
  recipient_email: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  language: string;
  reference: string | null;
}

@Injectable()
export class OutboxService {
  constructor(
    private readonly orm: MikroORM,
    private readonly mail: MailDriver,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /**
   * Sends outbox row `outboxId` if it is PENDING and due (`due_at` ≤ now, UTC): claimed SENDING (and its
   * attempts counted) by one committed statement that also reads what the message needs, then handed to
   * SMTP. Returns `skipped` when it is not PENDING or not yet due (a job that ran twice or early; the
   * sweeper re-queues it at its time), else the outcome of the hand-over. Never throws for a send failure.
   */
  async send(outboxId: string): Promise<SendOutcome> {
    const em = this.orm.em.fork();
    // Not before its time (the recipient's 09:00): a job that runs early leaves it PENDING for the sweeper.
    // The case reference goes in a header of its own (ASCII-safe in the raw message whatever the body's
    // language and transfer encoding), so that mail rules and tests can find a case's messages.
    const [row] = await em.getConnection().execute<ClaimedEmail[]>(
      `update outbox_email o set status = 'SENDING', last_attempt_at = ?, attempts = o.attempts + 1
       where o.id = ? and o.status = 'PENDING' and o.due_at <= ?
       returning o.id, o.kind, o.level, o.recipient_name, o.recipient_email, o.subject, o.text_body, o.html_body, o.language,
         (select r.reference from mla_request r where r.id = o.request_id) as reference`,
      [new Date(), outboxId, this.clock.now()],
    );
    if (!row) return 'skipped';
    const reference = row.reference ?? undefined;
    const domain = this.config.mailFrom.replace(/^.*@/, '').replace(/>.*$/, '');
    try {
      const info = await this.mail.send({
        from: this.config.mailFrom,
        to: { name: row.recipient_name, address: row.recipient_email },
        subject: row.subject,
        text: row.text_body,
        ...(row.html_body !== null ? { html: row.html_body } : {}),
        date: this.clock.now(),
        messageId: `<${row.id}@${domain}>`,
        headers: {
          'X-Rogatory-Kind': row.kind,
          ...(row.level !== null ? { 'X-Rogatory-Level': String(row.level) } : {}),
          ...(reference ? { 'X-Rogatory-Reference': reference } : {}),
          'Content-Language': row.language,
        },
      });
      await em.nativeUpdate(OutboxEmail, { id: outboxId }, { status: 'SENT', sentAt: this.clock.now(), messageId: info.messageId, lastError: null });
      return 'sent';
    } catch (err) {
      const failure = err instanceof MailSendError ? err.failure : 'UNKNOWN';
      const status = failure === 'TRANSIENT' ? 'PENDING' : failure === 'PERMANENT' ? 'FAILED' : 'UNKNOWN';
      await em.nativeUpdate(OutboxEmail, { id: outboxId }, { status, lastError: (err as Error).message.slice(0, 1000) });
      return failure === 'TRANSIENT' ? 'retry' : failure === 'PERMANENT' ? 'failed' : 'unknown';
    }
  }
}
