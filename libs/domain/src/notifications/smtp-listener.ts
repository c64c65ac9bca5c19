import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { SMTPServer } from 'smtp-server';

export interface ReceivedEmail {
  /** Envelope recipients. */
  to: string[];
  from: string;
  /** The raw RFC 5322 message as received. */
  raw: string;
  /** File written for it, when the listener has a folder. */
  file?: string;
}

/**
 * A real SMTP server on loopback that accepts every message (the demo's mail catcher, and the tests'):
 * keeps each message in memory and, given a folder, writes it as a numbered .eml file.
 */
export class SmtpListener {
  readonly received: ReceivedEmail[] = [];
  /**
   * Called with each message once the server holds it, before it answers 250 to the sender (tests use it
   * to kill a sender right after the hand-over).
   */
  onReceived: ((mail: ReceivedEmail) => void) | null = null;
  private server: SMTPServer;
  private port = 0;

  /** Number of the last .eml file in the folder: a restarted listener goes on after it, never over it. */
  private lastFile = 0;

  constructor(private readonly folder?: string) {
    if (folder) {
      mkdirSync(folder, { recursive: true });
      this.lastFile = Math.max(0, ...readdirSync(folder).map((f) => (/^(\d+)\.eml$/.exec(f) ? Number(f.slice(0, -4)) : 0)));
    }
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      size: 10 * 1024 * 1024,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const mail: ReceivedEmail = {
            raw,
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
          };
          if (this.folder) {
            mail.file = path.join(this.folder, `${String(++this.lastFile).padStart(5, '0')}.eml`);
            writeFileSync(mail.file, raw);
          }
          this.received.push(mail);
          this.onReceived?.(mail);
          callback();
        });
      },
    });
  }

  /** Starts listening on 127.0.0.1 (`port` 0: any free port); returns the smtp:// URL to send to. */
  async start(port = 0): Promise<string> {
    // A client that resets its connection must not stop the listener (smtp-server reports it as an error).
    this.server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.server.address() as AddressInfo).port;
    return this.url;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
