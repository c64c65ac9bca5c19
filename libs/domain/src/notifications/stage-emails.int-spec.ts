import { MikroORM } from '@mikro-orm/postgresql';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ManualClock } from '../clock';
import { DeadlineRunner } from '../deadlines/deadline-runner.service';
import { DirectoryService } from '../directory/directory.service';
import { DomainModule } from '../domain.module';
import { Deadline, MlaRequest, OutboxEmail } from '../entities';
import { MlaRequestService } from '../requests/mla-request.service';
import { createTestEnvironment, type TestEnvironment } from '../testing';
import { NotificationService } from './notification.service';
import { OutboxService } from './outbox.service';
import { decodeWords, parseAddress, parseRawEmail, type ParsedEmail } from './raw-email.testing';

/**
 * Reminders and escalations rendered from the templates, in the recipient's language and time zone, as
 * text and HTML, handed to a real SMTP listener and read back from the raw message. Every request is
 * transmitted on Monday 1 March 2021 at 10:00 UTC; the clock then moves forward and fires each due
 * stage at its time, as the worker would.
 */
describe('reminder and escalation emails: language, time zone, HTML, headers (PostgreSQL, SMTP)', () => {
  let env: TestEnvironment;
  let app: INestApplicationContext;
  let orm: MikroORM;
  let requests: MlaRequestService;
  let runner: DeadlineRunner;
  let outbox: OutboxService;
  const clock = new ManualClock(new Date('2021-03-01T10:00:00Z'));
  const ids: Record<string, string> = {};

  const INJECTED_REFERENCE = 'INJ/2021/1\r\nBcc: victim2@example.org\r\nReply-To: evil@example.org\r\nX-Injected-Ref: yes';
  const CASES: Array<[string, string, string, string]> = [
    // reference, network, requesting State, requested State (which owes the acknowledgement)
    ['FR/2021/1', 'WACAP', 'NG', 'SN'],
    ['PT/2021/1', 'WACAP', 'SN', 'CV'],
    ['RU/2021/1', 'CASC', 'KZ', 'UZ'],
    ['EN/2021/1', 'CASC', 'AM', 'GE'],
    ['ESC/2021/1', 'WACAP', 'NG', 'CI'],
    ['TO/2021/1', 'WACAP', 'NG', 'BJ'],
    ['INJ/2021/1', 'WACAP', 'NG', 'TG'],
  ];

  beforeAll(async () => {
    env = await createTestEnvironment('stagemails');
    app = await NestFactory.createApplicationContext(DomainModule.forRoot({ config: env.config, clock }), { logger: false });
    await app.get(DirectoryService).seed();
    orm = app.get(MikroORM);
    requests = app.get(MlaRequestService);
    runner = app.get(DeadlineRunner);
    outbox = app.get(OutboxService);
    // Names a directory may hold: commas, semicolons, quotes, accents; and one trying to add headers.
    await env.sql(`update central_authority set name = $1 where state_code = 'BJ'`, ['Ndiaye, Aïssatou; Bureau "B"']);
    await env.sql(`update central_authority set name = $1 where state_code = 'TG'`, ['Evil\r\nBcc: victim@example.org\r\nX-Injected: yes']);
    for (const [reference, network, requestingState, requestedState] of CASES) {
      const r = await requests.create({
        reference,
        network,
        requestingState,
        requestedState,
        requestType: 'MLA',
        urgent: false,
        offences: ['CORRUPTION'],
        measures: ['FINANCIAL_RECORDS'],
        subject: 'Kickbacks paid to Minister Zebulon',
      });
      await requests.sendEvent(
        r.id,
        { type: 'requestTransmitted', channel: 'CENTRAL_AUTHORITY', actor: { role: 'CENTRAL_AUTHORITY', state: requestingState } },
        r.version,
      );
      ids[reference] = r.id;
    }
    // References are validated on input (letters, digits, . / _ -); one coming from elsewhere may hold markup.
    await env.sql(`update mla_request set reference = $1 where id = $2`, ['ESC/<b>&"1', ids['ESC/2021/1']]);
    // And one trying to add headers through the subject and the X-Rogatory-Reference header.
    await env.sql(`update mla_request set reference = $1 where id = $2`, [INJECTED_REFERENCE, ids['INJ/2021/1']]);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await env?.dispose();
  });

  /** Fires every open deadline stage due by `iso`, each at its own time in order, then sends every email due by then. */
  async function advanceTo(iso: string): Promise<void> {
    const until = new Date(iso);
    for (;;) {
      const [next] = await orm.em
        .fork()
        .find(
          Deadline,
          { status: 'OPEN', nextFireAt: { $lte: until } },
          { orderBy: { nextFireAt: 'asc' }, limit: 1, fields: ['id', 'nextStage', 'nextFireAt'] },
        );
      if (!next) break;
      if (next.nextFireAt! > clock.now()) clock.set(next.nextFireAt!);
      expect(await runner.fire(next.id, next.nextStage!)).toBe('notified');
    }
    clock.set(until);
    const pending = await orm.em.fork().find(OutboxEmail, { status: 'PENDING', dueAt: { $lte: until } }, { orderBy: { dueAt: 'asc' } });
    for (const row of pending) expect(await outbox.send(row.id)).toBe('sent');
  }

  async function rowsOf(reference: string, stage: string): Promise<OutboxEmail[]> {
    return orm.em.fork().find(OutboxEmail, { request: ids[reference], stage }, { orderBy: { recipientEmail: 'asc' } });
  }

  function received(row: OutboxEmail): { to: string[]; raw: string; mail: ParsedEmail } {
    const got = env.smtp.received.filter((m) => m.raw.includes(`<${row.id}@`));
    expect(got).toHaveLength(1);
    return { to: got[0].to, raw: got[0].raw, mail: parseRawEmail(got[0].raw) };
  }

  async function ackDeadline(reference: string): Promise<Deadline> {
    return orm.em.fork().findOneOrFail(Deadline, { request: ids[reference], step: 'ACKNOWLEDGEMENT' });
  }

  it('writes the reminder to the central authority of Senegal in French: reference, step, due date in French, link; text and HTML', async () => {
    const d = await ackDeadline('FR/2021/1');
    expect(d).toMatchObject({ owedByState: 'SN', dueOn: '2021-03-08' }); // 5 business days in Senegal
    await advanceTo('2021-03-08T12:00:00Z');
    const [row] = await rowsOf('FR/2021/1', 'REMINDER');
    expect(row).toMatchObject({ recipientEmail: 'central-authority.sn@example.org', language: 'fr', late: false, status: 'SENT' });
    expect(row.dueAt.toISOString()).toBe('2021-03-08T09:00:00.000Z'); // 09:00 in Dakar (UTC+0)
    expect(row.subject).toBe('[Rogatory] FR/2021/1 : Rappel : accusé de réception, échéance le lundi 8 mars 2021');
    const { mail, to } = received(row);
    expect(to).toEqual(['central-authority.sn@example.org']);
    expect(mail.header('Content-Language')).toBe('fr');
    expect(mail.header('X-Rogatory-Reference')).toBe('FR/2021/1');
    const text = mail.part('text/plain')!;
    const html = mail.part('text/html')!;
    expect(text).toBe(row.textBody);
    expect(html).toBe(row.htmlBody);
    for (const body of [text, html]) {
      expect(body).toContain('FR/2021/1');
      expect(body).toContain('accusé de réception');
      expect(body).toContain('lundi 8 mars 2021');
      expect(body).toContain('Africa/Dakar');
      expect(body).toContain(`${env.config.publicUrl}/requests/${ids['FR/2021/1']}`);
      // never the facts of the case, the offences, the measures or the persons concerned
      for (const fact of ['Zebulon', 'Kickbacks', 'CORRUPTION', 'FINANCIAL_RECORDS']) expect(body).not.toContain(fact);
    }
    expect(text).toContain("Rappel : demande d'entraide judiciaire FR/2021/1");
    expect(text).toContain('Diligence attendue : accusé de réception');
    expect(text).toContain("Incombant à : l'autorité centrale de l'État requis (Sénégal)");
    expect(text).toContain('État requérant : Nigeria');
    expect(text).toContain('Échéance : lundi 8 mars 2021 (fuseau horaire : Africa/Dakar)');
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain(`<a href="${env.config.publicUrl}/requests/${ids['FR/2021/1']}">`);
  });

  it('writes in Portuguese to the central authority of Cabo Verde, dated in its time zone (UTC-1)', async () => {
    const [row] = await rowsOf('PT/2021/1', 'REMINDER');
    expect(row).toMatchObject({ recipientEmail: 'central-authority.cv@example.org', language: 'pt' });
    expect(row.dueAt.toISOString()).toBe('2021-03-08T10:00:00.000Z'); // 09:00 in Praia
    expect(row.subject).toBe('[Rogatory] PT/2021/1: Lembrete: confirmação de receção, prazo: segunda-feira, 8 de março de 2021');
    const { mail } = received(row);
    for (const body of [mail.part('text/plain')!, mail.part('text/html')!]) {
      expect(body).toContain('PT/2021/1');
      expect(body).toContain('confirmação de receção');
      expect(body).toContain('segunda-feira, 8 de março de 2021');
      expect(body).toContain('pedido de auxílio judiciário mútuo');
      expect(body).toContain('a autoridade central do Estado requerido (Cabo Verde)');
    }
    expect(mail.part('text/plain')).toContain('Estado requerente: Senegal');
  });

  it('writes in Russian to the central authority of Uzbekistan (no Uzbek template: its next language), and in English to Georgia (ka, en, ru)', async () => {
    const uz = await ackDeadline('RU/2021/1');
    // 2–5 March, then 8 March (International Women's Day, a public holiday in Uzbekistan) is skipped
    expect(uz).toMatchObject({ owedByState: 'UZ', dueOn: '2021-03-09' });
    await advanceTo('2021-03-09T12:00:00Z');
    const [row] = await rowsOf('RU/2021/1', 'REMINDER');
    expect(row).toMatchObject({ recipientEmail: 'central-authority.uz@example.org', language: 'ru' });
    expect(row.subject).toBe('[Rogatory] RU/2021/1: Напоминание: подтверждение получения просьбы, срок: вторник, 9 марта 2021 г.');
    const { mail } = received(row);
    for (const body of [mail.part('text/plain')!, mail.part('text/html')!]) {
      expect(body).toContain('RU/2021/1');
      expect(body).toContain('подтверждение получения просьбы');
      expect(body).toContain('вторник, 9 марта 2021 г.');
      expect(body).toContain('центральный орган запрашиваемого государства (Узбекистан)');
      expect(body).toContain('просьба о взаимной правовой помощи');
    }
    expect(mail.part('text/plain')).toContain('Запрашивающее государство: Казахстан');

    // Georgia: 3 March (Mother's Day) and 8 March are public holidays
    expect(await ackDeadline('EN/2021/1')).toMatchObject({ owedByState: 'GE', dueOn: '2021-03-10' });
    await advanceTo('2021-03-10T12:00:00Z');
    const [ge] = await rowsOf('EN/2021/1', 'REMINDER');
    expect(ge).toMatchObject({ recipientEmail: 'central-authority.ge@example.org', language: 'en' });
    expect(ge.subject).toBe('[Rogatory] EN/2021/1: Reminder: acknowledgement of receipt, due Wednesday, 10 March 2021');
    expect(ge.textBody).toContain('Owed by: the central authority of the requested State (Georgia)');
  });

  it('writes escalation level 2 in Russian to the CASC contact points of both States, each dated in its own time zone', async () => {
    const d = await ackDeadline('RU/2021/1');
    const level2 = d.stages.find((s) => s.stage === 'LEVEL_2')!;
    await advanceTo(new Date(new Date(level2.fireAt).getTime() + 6 * 3600_000).toISOString());
    const rows = await rowsOf('RU/2021/1', 'LEVEL_2');
    expect(rows.map((r) => [r.recipientEmail, r.language])).toEqual([
      ['cp1.kz.casc@example.org', 'ru'],
      ['cp1.uz.casc@example.org', 'ru'],
      ['cp2.kz.casc@example.org', 'ru'],
      ['cp2.uz.casc@example.org', 'ru'],
    ]);
    for (const r of rows) {
      const zone = r.recipientEmail.includes('.kz.') ? 'Asia/Almaty' : 'Asia/Tashkent';
      // each at 09:00 in its own zone on the level's date: Almaty UTC+6, Tashkent UTC+5 (in 2021)
      expect(r.dueAt.toISOString()).toBe(`${level2.fireOn}T0${zone === 'Asia/Almaty' ? 3 : 4}:00:00.000Z`);
      expect(r.subject).toContain('RU/2021/1: Уведомление о просрочке, уровень 2: подтверждение получения просьбы');
      const { mail } = received(r);
      expect(mail.header('X-Rogatory-Level')).toBe('2');
      for (const body of [mail.part('text/plain')!, mail.part('text/html')!]) {
        expect(body).toContain(`вторник, 9 марта 2021 г. (часовой пояс: ${zone})`);
        expect(body).toContain('срок истёк');
      }
    }
  });

  it('escapes markup of a case reference in the HTML part, and keeps it as written in the text part', async () => {
    const [row] = await rowsOf('ESC/2021/1', 'REMINDER');
    const { mail } = received(row);
    const html = mail.part('text/html')!;
    expect(html).toContain('ESC/&lt;b&gt;&amp;&quot;1');
    expect(html).not.toContain('ESC/<b>');
    expect(html).not.toMatch(/<b>/);
    expect(mail.part('text/plain')).toContain('Référence de la demande : ESC/<b>&"1');
    expect(decodeWords(mail.header('X-Rogatory-Reference')!)).toBe('ESC/<b>&"1');
  });

  it('delivers a display name with a comma, a semicolon, quotes and accents intact in the To header', async () => {
    const [row] = await rowsOf('TO/2021/1', 'REMINDER');
    expect(row.recipientName).toBe('Ndiaye, Aïssatou; Bureau "B"');
    const { mail, to } = received(row);
    expect(to).toEqual(['central-authority.bj@example.org']); // one envelope recipient: the comma and semicolon split nothing
    expect(parseAddress(mail.header('To')!)).toEqual({ name: 'Ndiaye, Aïssatou; Bureau "B"', address: 'central-authority.bj@example.org' });
  });

  it('never lets CR/LF in a name or a reference create a header or a recipient', async () => {
    const [row] = await rowsOf('INJ/2021/1', 'REMINDER');
    const { mail, to, raw } = received(row);
    expect(to).toEqual(['central-authority.tg@example.org']);
    expect(mail.headers.map(([n]) => n.toLowerCase())).not.toEqual(expect.arrayContaining(['bcc']));
    expect(mail.headers.map(([n]) => n.toLowerCase())).not.toEqual(expect.arrayContaining(['x-injected']));
    const head = raw.split(/\r?\n\r?\n/)[0]; // the header section (the text part may show the reference's line breaks: it is body)
    expect(head).not.toMatch(/^(Bcc|X-Injected):/im);
    expect(parseAddress(mail.header('To')!)).toEqual({ name: 'Evil Bcc: victim@example.org X-Injected: yes', address: 'central-authority.tg@example.org' });
    // The reference travels folded inside the Subject and X-Rogatory-Reference headers, never as headers of its own.
    expect(head).not.toMatch(/^(X-Injected-Ref|Reply-To):/im);
    expect(mail.headers.filter(([n]) => /^(subject|x-rogatory-reference|bcc|cc|reply-to)$/i.test(n)).map(([n]) => n.toLowerCase())).toEqual([
      'x-rogatory-reference',
      'subject',
    ]);
    expect(decodeWords(mail.header('Subject')!)).toContain('INJ/2021/1');
    expect(env.smtp.received.filter((m) => m.to.includes('victim@example.org') || m.to.includes('victim2@example.org'))).toEqual([]);
  });

  it('marks a late message in the subject and the body, and lists a level 4 case for the plenary', async () => {
    const notifications = app.get(NotificationService);
    const written = await orm.em.fork().transactional(async (em) => {
      const out: OutboxEmail[] = [];
      for (const reference of ['FR/2021/1', 'RU/2021/1']) {
        const request = await em.findOneOrFail(MlaRequest, ids[reference]);
        const d = await em.findOneOrFail(Deadline, { request, step: 'ACKNOWLEDGEMENT' });
        const level4 = d.stages.find((s) => s.stage === 'LEVEL_4')!;
        // written directly, as the deadline service does for a stage handled after an outage: LEVEL_4 goes to the network secretariat
        out.push(...(await notifications.writeStageEmails(em, request, d, 'LEVEL_4', 4, new Date(level4.fireAt), { late: true })));
      }
      return out;
    });
    const [wacap, casc] = written;
    expect(wacap).toMatchObject({ recipientEmail: 'secretariat.wacap@example.org', language: 'en', late: true, level: 4 });
    expect(wacap.subject).toMatch(/^\[late\] \[Rogatory\] FR\/2021\/1: Escalation level 4: acknowledgement of receipt, due Monday, 8 March 2021$/);
    expect(wacap.textBody).toContain('This message is sent late: it was due to be sent on Tuesday, 4 May 2021 at 09:00.');
    expect(wacap.textBody).toContain('The request is listed for a bilateral meeting at the next plenary meeting of the WACAP network.');
    expect(wacap.htmlBody).toContain('The request is listed for a bilateral meeting at the next plenary meeting of the WACAP network.');
    expect(casc).toMatchObject({ recipientEmail: 'secretariat.casc@example.org', language: 'ru', late: true });
    expect(casc.subject.startsWith('[с опозданием] [Rogatory] RU/2021/1: Уведомление о просрочке, уровень 4')).toBe(true);
    expect(casc.textBody).toContain('Настоящее сообщение направлено с опозданием');
    expect(casc.textBody).toContain('Просьба включена в перечень двусторонних встреч в ходе следующего пленарного заседания сети CASC.');
    const [stored] = await env.sql<{ late: boolean; language: string }>(`select late, language from outbox_email where id = $1`, [casc.id]);
    expect(stored).toEqual({ late: true, language: 'ru' });
  });
});
