import { MikroORM } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Clock } from '../clock';
import { MlaRequest, OutboxEmail } from '../entities';
import { MailDriver, MailSendError } from './mail-driver';

export type SendOutcome = 'sent' | 'skipped' | 'retry' | 'failed' | 'unknown';

/**
 * Sends one outbox email at most once: the row is claimed PENDING → SENDING in its own committed
 * statement before hand-over, then marked SENT. A transient failure puts it back to PENDING (the job
 * retries with backoff); a permanent one marks it FAILED; an unknown outcome marks it UNKNOWN, an
 * incident to check, never resent blindly. The message carries the row's HTML alternative when it has one.
 */
@Injectable()
export class OutboxService {
  constructor(
    private readonly orm: MikroORM,
    private readonly mail: MailDriver,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async send(outboxId: string): Promise<SendOutcome> {
    const em = this.orm.em.fork();
    // Not before its time (the recipient's 09:00): a job that runs early leaves it PENDING for the sweeper.
    const claimed = await em.nativeUpdate(
      OutboxEmail,
      { id: outboxId, status: 'PENDING', dueAt: { $lte: this.clock.now() } },
      { status: 'SENDING', lastAttemptAt: new Date() },
    );
    if (claimed !== 1) return 'skipped';
    await em.getConnection().execute('update outbox_email set attempts = attempts + 1 where id = ?', [outboxId]);
    const row = await em.findOneOrFail(OutboxEmail, outboxId);
    // The case reference in a header of its own (ASCII-safe in the raw message whatever the body's
    // language and transfer encoding), so that mail rules and tests can find a case's messages.
    const reference = row.request ? (await em.findOne(MlaRequest, row.request.id, { fields: ['reference'] }))?.reference : undefined;
    const domain = this.config.mailFrom.replace(/^.*@/, '').replace(/>.*$/, '');
    try {
      const info = await this.mail.send({
        from: this.config.mailFrom,
        to: { name: row.recipientName, address: row.recipientEmail },
        subject: row.subject,
        text: row.textBody,
        ...(row.htmlBody !== null ? { html: row.htmlBody } : {}),
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
