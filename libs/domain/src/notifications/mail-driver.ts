import * as net from 'node:net';
import * as tls from 'node:tls';
import { createTransport, type Transporter } from 'nodemailer';

export interface MailMessage {
  from: string;
  to: { name: string; address: string };
  subject: string;
  text: string;
  /** HTML alternative of `text` (multipart/alternative), when the email has one. */
  html?: string;
  /** Date header (clock time; simulated in a replay). */
  date: Date;
  /** Message-ID to set, so a message is recognisable if a resend is ever considered. */
  messageId: string;
  headers?: Record<string, string>;
}

/** Why a send failed, which decides retry or give up. */
export type SendFailure = 'TRANSIENT' | 'PERMANENT' | 'UNKNOWN';

export class MailSendError extends Error {
  constructor(
    readonly failure: SendFailure,
    message: string,
  ) {
    super(message);
  }
}

/** The one interface email goes through; only the worker sends. */
export abstract class MailDriver {
  /** Hands the message over; resolves with the server's message id. Throws MailSendError. */
  abstract send(message: MailMessage): Promise<{ messageId: string }>;
  abstract close(): Promise<void>;
}

/** Connection timeout of the SMTP client, ms. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * A connected socket to the SMTP server with Nagle's algorithm off (TCP_NODELAY), for nodemailer's
 * `getSocket`: TLS from the start for `secure` (smtps), plain TCP otherwise (STARTTLS upgrades it).
 * Without TCP_NODELAY each SMTP command of a message waits for the server's delayed ACK (about 40 ms on
 * Linux): measured here, 110 messages/s over a pool of 5 connections instead of 1,500 (BENCHMARKS.md).
 * Any failure before the connection is up (refused, DNS, TLS handshake, reset, timeout) is passed on as
 * ECONNECTION on CONN: transient, nothing was handed over.
 */
function noDelaySocket(host: string, port: number, secure: boolean, callback: (err: Error | null, options?: object) => void): void {
  const socket = secure ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host }) : net.connect({ host, port });
  socket.setNoDelay(true);
  let settled = false;
  const settle = (err: Error | null) => {
    if (settled) return; // after the hand-over, nodemailer's own handlers take the socket's errors
    settled = true;
    clearTimeout(timer);
    if (err) {
      socket.destroy();
      // Nothing was handed over: a connection failure whatever its cause (refused, DNS, TLS handshake, reset
      // before the greeting), which classify() treats as transient, as nodemailer's own connect did.
      callback(Object.assign(err, { code: 'ECONNECTION', command: 'CONN', cause: (err as { code?: string }).code }));
    } else callback(null, { connection: socket, secured: secure });
  };
  const timer = setTimeout(() => settle(new Error(`connection to ${host}:${port} timed out after ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
  socket.on('error', (err) => settle(err));
  socket.once(secure ? 'secureConnect' : 'connect', () => settle(null));
}

/** Pooled SMTP through nodemailer, to SMTP_URL. */
export class SmtpMailDriver extends MailDriver {
  private readonly transport: Transporter;

  constructor(smtpUrl: string) {
    super();
    const u = new URL(smtpUrl);
    const host = u.hostname.replace(/^\[|\]$/g, '');
    const port = Number(u.port || (u.protocol === 'smtps:' ? 465 : 25));
    const secure = u.protocol === 'smtps:';
    this.transport = createTransport({
      pool: true,
      maxConnections: 5,
      getSocket: (_options: unknown, callback: (err: Error | null, options?: object) => void) => noDelaySocket(host, port, secure, callback),
      host: u.hostname,
      port,
      secure,
      ignoreTLS: u.protocol === 'smtp:' && ['127.0.0.1', 'localhost', '::1'].includes(u.hostname),
      auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }

  async send(m: MailMessage): Promise<{ messageId: string }> {
    try {
      const info = await this.transport.sendMail({
        from: m.from,
        // An address object, never a string: nodemailer quotes or RFC 2047-encodes the display name, so
        // commas, semicolons, quotes and accents arrive intact; control characters are replaced by spaces
        // so that a name can never break the header.
        to: { name: oneLine(m.to.name), address: m.to.address },
        subject: oneLine(m.subject),
        text: m.text,
        ...(m.html !== undefined ? { html: m.html } : {}),
        date: m.date,
        messageId: m.messageId,
        headers: m.headers,
      });
      return { messageId: info.messageId };
    } catch (err) {
      throw new MailSendError(classify(err as { code?: string; responseCode?: number; command?: string }), (err as Error).message);
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

/** `s` on one line: every run of control characters (CR, LF, TAB, …) becomes one space. */
function oneLine(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/**
 * Connection refused or timed out before hand-over, or a 4xx reply: transient (retry). A 5xx reply:
 * permanent. Anything else (the connection broke during or after DATA): unknown, an incident.
 */
function classify(err: { code?: string; responseCode?: number; command?: string }): SendFailure {
  if (err.responseCode && err.responseCode >= 500) return 'PERMANENT';
  if (err.responseCode && err.responseCode >= 400) return 'TRANSIENT';
  if (err.code === 'ECONNECTION' || err.code === 'ECONNREFUSED' || err.command === 'CONN') return 'TRANSIENT';
  if (err.code === 'ETIMEDOUT' && err.command !== 'DATA') return 'TRANSIENT';
  if (err.code === 'EENVELOPE' || err.code === 'EMESSAGE') return 'PERMANENT';
  return 'UNKNOWN';
}
