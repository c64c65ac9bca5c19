import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import * as net from 'node:net';
import { SMTPServer } from 'smtp-server';
import { ManualClock } from '../clock';
import { DomainModule } from '../domain.module';
import { createTestEnvironment, type TestEnvironment } from '../testing';
import { OutboxService } from './outbox.service';

/**
 * OutboxService.send with the SMTP client's own sockets (TCP_NODELAY, issue 6): one statement claims a
 * row, so an email goes once even when two workers send it at the same time; and every failure before
 * anything is handed over (refused, DNS, TLS handshake, reset before the greeting) is transient: the row
 * goes back to PENDING for a retry, never to UNKNOWN (an incident that is never resent).
 */
describe('sending outbox email: once, and connection failures retried (integration)', () => {
  let env: TestEnvironment;
  const apps: INestApplicationContext[] = [];
  const clock = new ManualClock(new Date('2021-03-02T00:00:00Z'));

  /** An OutboxService of its own application (a worker), sending to `smtpUrl` (default: the test listener). */
  const sender = async (smtpUrl?: string): Promise<OutboxService> => {
    const app = await NestFactory.createApplicationContext(DomainModule.forRoot({ config: smtpUrl ? env.config.with({ smtpUrl }) : env.config, clock }), {
      logger: false,
    });
    apps.push(app);
    return app.get(OutboxService);
  };
  const insert = async (dueAt = '2021-03-01T09:00:00Z'): Promise<string> => {
    const id = randomUUID();
    await env.sql(
      `insert into outbox_email (id, request_id, dedupe_key, kind, step, stage, level, recipient_name, recipient_email, subject, text_body,
         html_body, language, late, status, due_at, attempts)
       values ($1, null, $2, 'REMINDER', 'ACKNOWLEDGEMENT', 'REMINDER', 0, 'Central authority of Ghana', 'ca@gh.example.org', $3, 'body', null, 'en', false, 'PENDING', $4, 0)`,
      [id, `test/${id}`, `[Rogatory] ${id}`, dueAt],
    );
    return id;
  };
  const row = async (id: string) =>
    (
      await env.sql<{ status: string; attempts: number; last_error: string | null }>(`select status, attempts, last_error from outbox_email where id = $1`, [
        id,
      ])
    )[0];
  const listen = (server: { listen: (port: number, host: string, cb: () => void) => unknown }, address: () => net.AddressInfo) =>
    new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve(address().port)));

  beforeAll(async () => {
    env = await createTestEnvironment('outboxsend');
  }, 60_000);
  afterAll(async () => {
    for (const app of apps) await app.close();
    await env?.dispose();
  });

  it('two workers sending the same 30 rows four times at once: 30 emails, each row SENT after one attempt', async () => {
    const [a, b] = [await sender(), await sender()];
    const ids = await Promise.all(Array.from({ length: 30 }, () => insert()));
    const before = env.smtp.received.length;
    const outcomes = await Promise.all(ids.flatMap((id) => [a.send(id), b.send(id), a.send(id), b.send(id)]));
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(30);
    expect(outcomes.filter((o) => o === 'skipped')).toHaveLength(90);
    expect(env.smtp.received.length - before).toBe(30);
    for (const id of ids) expect(await row(id)).toMatchObject({ status: 'SENT', attempts: 1, last_error: null });
    // the reference header is read in the same statement (a row without a request has none)
    expect(env.smtp.received.at(-1)!.raw).not.toMatch(/X-Rogatory-Reference/i);
  });

  it('leaves a row that is not yet due PENDING, without counting an attempt', async () => {
    const id = await insert('2021-03-03T09:00:00Z');
    expect(await (await sender()).send(id)).toBe('skipped');
    expect(await row(id)).toMatchObject({ status: 'PENDING', attempts: 0 });
  });

  it('puts the row back to PENDING when the SMTP server refuses the connection', async () => {
    const closed = net.createServer();
    const port = await listen(closed, () => closed.address() as net.AddressInfo);
    await new Promise((resolve) => closed.close(resolve));
    const id = await insert();
    expect(await (await sender(`smtp://127.0.0.1:${port}`)).send(id)).toBe('retry');
    expect(await row(id)).toMatchObject({ status: 'PENDING', attempts: 1, last_error: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('puts the row back to PENDING when the SMTP host name does not resolve', async () => {
    const id = await insert();
    expect(await (await sender('smtp://no-such-host.invalid:2525')).send(id)).toBe('retry');
    expect(await row(id)).toMatchObject({ status: 'PENDING', last_error: expect.stringMatching(/no-such-host\.invalid/) });
  });

  it('puts the row back to PENDING when smtps:// meets a server without TLS (handshake fails)', async () => {
    const plain = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false });
    plain.on('error', () => undefined);
    const port = await listen(plain, () => plain.server.address() as net.AddressInfo);
    try {
      const id = await insert();
      expect(await (await sender(`smtps://127.0.0.1:${port}`)).send(id)).toBe('retry');
      expect(await row(id)).toMatchObject({ status: 'PENDING' });
    } finally {
      plain.close();
    }
  });

  it('puts the row back to PENDING when the server resets the connection before its greeting', async () => {
    const reset = net.createServer((c) => c.resetAndDestroy());
    const port = await listen(reset, () => reset.address() as net.AddressInfo);
    try {
      const id = await insert();
      expect(await (await sender(`smtp://127.0.0.1:${port}`)).send(id)).toBe('retry');
      expect(await row(id)).toMatchObject({ status: 'PENDING' });
    } finally {
      reset.close();
    }
  });
});
