import { MikroORM } from '@mikro-orm/postgresql';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ManualClock } from '../clock';
import { DATA_DIR } from '../directory/directory-data';
import { DirectoryService } from '../directory/directory.service';
import { DomainModule } from '../domain.module';
import { DomainError } from '../errors';
import { RegisterFormatError } from '../register';
import { StatisticsService } from '../statistics/statistics.service';
import { createTestEnvironment, type TestEnvironment } from '../testing';
import { RegisterImportService } from './register-import.service';

const REGISTER = readFileSync(path.join(DATA_DIR, 'register-2021.csv'));
const HEADER =
  'case_ref,network,requesting_state,requested_state,request_type,offences,measures,urgent,legal_basis,facilitated_on,transmitted_on,acknowledged_on,info_requested_on,info_provided_on,execution_started_on,postponed_on,resumed_on,executed_on,outcome,closed_on,refusal_ground,requested_deadline';

/** The register import of REGISTER.md and the statistics of DOMAIN.md §5, against real PostgreSQL. */
describe('register import and yearly statistics (PostgreSQL)', () => {
  let env: TestEnvironment;
  let app: INestApplicationContext;
  let importer: RegisterImportService;
  const count = async (table: string) => (await env.sql<{ n: number }>(`select count(*)::int as n from ${table}`))[0].n;

  beforeAll(async () => {
    env = await createTestEnvironment('register');
    // Now is long after the register: an import without --replay sends nothing for the past.
    app = await NestFactory.createApplicationContext(DomainModule.forRoot({ config: env.config, clock: new ManualClock(new Date('2026-11-01T00:00:00Z')) }), {
      logger: false,
    });
    await app.get(DirectoryService).seed();
    importer = app.get(RegisterImportService);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await env?.dispose();
  });

  it('imports all 201 cases of register-2021.csv, with their events, and sends no reminder for the past', async () => {
    const report = await importer.importHistory(REGISTER);
    expect(report).toEqual({ imported: 201, unchanged: 0, rejected: [] });
    expect(await count('mla_request')).toBe(201);
    expect(await count('outbox_email')).toBe(0);
    const [inferred] = await env.sql<{ n: number }>(`select count(*)::int as n from case_event where inferred and type = 'receiptAcknowledged'`);
    expect(inferred.n).toBe(12);
    const [closed] = await env.sql<{ state: string; outcome: string }>(`select state, outcome from mla_request where reference = 'CASC/2020/001'`);
    expect(closed).toEqual({ state: 'closed', outcome: 'EXECUTED' });
    // One transaction per IMPORT_BATCH_ROWS rows, calendars and policies read once per batch (npm run bench, part 5, measures it).
  }, 120_000);

  it('gives the published 2021 counts: 76 cases through the three networks (WACAP 32, SEAJust 26, CASC 18), 43 outside', async () => {
    const s = await app.get(StatisticsService).yearly(2021);
    expect(Object.fromEntries(Object.entries(s.networks).map(([n, f]) => [n, f.facilitated]))).toEqual({ WACAP: 32, SEAJUST: 26, CASC: 18, OTHER: 43 });
    expect(s.networks.WACAP.facilitated + s.networks.SEAJUST.facilitated + s.networks.CASC.facilitated).toBe(76);
    // figures computed independently from the CSV (inferred acknowledgements not counted)
    expect(s.total).toEqual({
      facilitated: 119,
      transmitted: 111,
      acknowledged: 106,
      closed: { EXECUTED: 48, PARTIALLY_EXECUTED: 4, REFUSED: 3, WITHDRAWN: 9, LAPSED: 0 },
      pendingAtYearEnd: 80,
      medianDaysToAcknowledge: 13,
      medianDaysToClose: 185.5,
    });
    expect(s.networks.WACAP).toMatchObject({
      transmitted: 26,
      acknowledged: 24,
      pendingAtYearEnd: 18,
      medianDaysToAcknowledge: 11.5,
      medianDaysToClose: 208.5,
    });
    expect(s.networks.CASC.closed).toEqual({ EXECUTED: 9, PARTIALLY_EXECUTED: 0, REFUSED: 1, WITHDRAWN: 1, LAPSED: 0 });
    const y2022 = await app.get(StatisticsService).yearly(2022, 'other');
    expect(y2022.total.facilitated).toBe(23);
  });

  it('the CSV form carries the same figures', async () => {
    const csv = app.get(StatisticsService).toCsv(await app.get(StatisticsService).yearly(2021));
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe(
      'year,network,facilitated,transmitted,acknowledged,closed_EXECUTED,closed_PARTIALLY_EXECUTED,closed_REFUSED,closed_WITHDRAWN,closed_LAPSED,pendingAtYearEnd,medianDaysToAcknowledge,medianDaysToClose',
    );
    expect(lines).toContain('2021,TOTAL,119,111,106,48,4,3,9,0,80,13,185.5');
  });

  it('a second import of the same file changes nothing', async () => {
    const before = await env.sql(`select count(*)::int as events, max(recorded_at) as last from case_event`);
    const report = await importer.importHistory(REGISTER);
    expect(report).toEqual({ imported: 0, unchanged: 201, rejected: [] });
    expect(await env.sql(`select count(*)::int as events, max(recorded_at) as last from case_event`)).toEqual(before);
  });

  it('rejects each bad row whole with its line, case_ref and every reason, and writes nothing of it (BOM, CRLF, quoted commas)', async () => {
    const rows = [
      '\uFEFF' + HEADER,
      'NEW/1,wacap,ng,gh,mla,"CORRUPTION;money_laundering","TAKING_EVIDENCE",no,UNTOC,2021-02-01,2021-02-02,2021-02-04,,,,,,,,,,',
      'NEW/2,WACAP,NG,XX,MLA,,,maybe,,2021-02-01,2021-02-03,2021-02-01,,,,,,,,,,',
      '"NEW/3, quoted",CASC,KZ,UZ,MLA,,,no,,2021-03-01,2021-03-02,,,,,,,,REFUSED,2021-04-01,,',
      'CASC/2020/001,CASC,AZ,TR,MLA,,,no,,2020-07-06,2020-07-06,,,,,,,,,,,',
    ].join('\r\n');
    const requestsBefore = await count('mla_request');
    const report = await importer.importHistory(Buffer.from(rows, 'utf8'));
    expect(report.imported).toBe(1);
    expect(report.rejected).toEqual([
      {
        line: 3,
        caseRef: 'NEW/2',
        errors: expect.arrayContaining([
          expect.stringMatching(/^requested_state: "XX" is not a State known/),
          expect.stringMatching(/^urgent: /),
          expect.stringMatching(/^acknowledged_on \(2021-02-01\) is before transmitted_on/),
        ]),
      },
      { line: 4, caseRef: 'NEW/3, quoted', errors: ['refusal_ground: required with outcome REFUSED'] },
      { line: 5, caseRef: 'CASC/2020/001', errors: ['case_ref: a request with this reference exists already with other content'] },
    ]);
    expect(report.rejected[0].errors).toHaveLength(3);
    expect(await count('mla_request')).toBe(requestsBefore + 1);
    const stored = await env.sql(`select reference, network, requesting_state, requested_state, offences, state from mla_request where reference like 'NEW/%'`);
    expect(stored).toEqual([
      {
        reference: 'NEW/1',
        network: 'WACAP',
        requesting_state: 'NG',
        requested_state: 'GH',
        offences: ['CORRUPTION', 'MONEY_LAUNDERING'],
        state: 'underAssessment',
      },
    ]);
  });

  it('a file that is not a register is refused before anything is written', async () => {
    const before = await count('mla_request');
    await expect(importer.importHistory('name,age\nx,1\n')).rejects.toThrow(RegisterFormatError);
    await expect(importer.importHistory('name,age\nx,1\n')).rejects.toThrow(/case_ref/);
    expect(await count('mla_request')).toBe(before);
  });

  it('a row the machine refuses in the middle of a batch is rejected whole; the rest of the batch is written', async () => {
    const rows = [
      HEADER,
      ...['MID/1', 'MID/2', 'MID/3'].map(
        (ref) => `${ref},WACAP,NG,GH,MLA,,,no,,2021-02-01,2021-02-02,2021-02-04,,,2021-03-01,,,2021-05-03,EXECUTED,2021-05-10,,`,
      ),
    ];
    const service = importer as unknown as { applyPlanned: (...args: unknown[]) => Promise<unknown> };
    const original = service.applyPlanned.bind(importer);
    // the third event of MID/2 (its acknowledgement) is refused, after two were applied and a deadline opened
    const spy = jest.spyOn(service, 'applyPlanned').mockImplementation(async (...args: unknown[]) => {
      const [, request, , planned] = args as [unknown, { reference: string; eventCount: number }, unknown, { type: string }];
      if (request.reference === 'MID/2' && planned.type === 'receiptAcknowledged') throw new DomainError('EVENT_NOT_ALLOWED', 'refused for the test');
      return original(...args);
    });
    try {
      const report = await importer.importHistory(rows.join('\n'));
      expect(report).toEqual({ imported: 2, unchanged: 0, rejected: [{ line: 3, caseRef: 'MID/2', errors: ['replay refused: refused for the test'] }] });
    } finally {
      spy.mockRestore();
    }
    expect(await env.sql(`select reference, state from mla_request where reference like 'MID/%' order by 1`)).toEqual([
      { reference: 'MID/1', state: 'closed' },
      { reference: 'MID/3', state: 'closed' },
    ]);
    const [orphans] = await env.sql<{ n: number }>(
      `select (select count(*) from case_event e where not exists (select 1 from mla_request r where r.id = e.request_id))
            + (select count(*) from deadline d where not exists (select 1 from mla_request r where r.id = d.request_id)) as n`,
    );
    expect(Number(orphans.n)).toBe(0);
    const [events] = await env.sql<{ n: number }>(
      `select count(*)::int as n from case_event e join mla_request r on r.id = e.request_id where r.reference like 'MID/%'`,
    );
    expect(events.n).toBe(2 * 6);
  });

  it('a batch that cannot be written is imported again row by row: only the row imported meanwhile is rejected', async () => {
    const rows = [HEADER, ...['RACE/1', 'RACE/2', 'RACE/3'].map((ref) => `${ref},CASC,KZ,UZ,MLA,,,no,,2021-03-01,2021-03-02,,,,,,,,,,,`)];
    const prepared = await importer.prepare(rows.join('\n'));
    expect(prepared.toImport).toHaveLength(3);
    // another import writes RACE/2 between this one's check and its writes
    await importer.importHistory([HEADER, rows[2]].join('\n'));
    const spy = jest.spyOn(importer, 'prepare').mockResolvedValueOnce(prepared);
    try {
      const report = await importer.importHistory(rows.join('\n'));
      expect(report).toEqual({
        imported: 2,
        unchanged: 0,
        rejected: [{ line: 3, caseRef: 'RACE/2', errors: ['case_ref: imported meanwhile by another import'] }],
      });
    } finally {
      spy.mockRestore();
    }
    expect(await env.sql(`select reference, state from mla_request where reference like 'RACE/%' order by 1`)).toEqual([
      { reference: 'RACE/1', state: 'awaitingAcknowledgement' },
      { reference: 'RACE/2', state: 'awaitingAcknowledgement' },
      { reference: 'RACE/3', state: 'awaitingAcknowledgement' },
    ]);
  });

  it('keeps the event history append-only in the database', async () => {
    await expect(env.sql(`update case_event set type = 'x' where id = (select min(id) from case_event)`)).rejects.toThrow(/append-only/);
    await expect(env.sql(`delete from case_event`)).rejects.toThrow(/append-only/);
    await expect(env.sql(`truncate case_event cascade`)).rejects.toThrow(/append-only/);
  });

  it('entities and migrations agree', async () => {
    expect(await app.get(MikroORM).getMigrator().checkMigrationNeeded()).toBe(false);
  });
});
