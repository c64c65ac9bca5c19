import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DATA_DIR, DirectoryService, DomainModule, ManualClock, RegisterImportService, StatisticsService } from '@rogatory/domain';
import { createTestEnvironment, type TestEnvironment } from '@rogatory/domain/testing';
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { replayRegister, startReplayWorker } from './register-replay';

/** Every fourth case of the networks' 2021 register (about fifty, of every network and outcome), with its header. */
function sampleOfRegister(): string {
  const [header, ...rows] = readFileSync(path.join(DATA_DIR, 'register-2021.csv'), 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter(Boolean);
  return [header, ...rows.filter((_, i) => i % 4 === 0)].join('\n') + '\n';
}

/**
 * Issue 5: the statistics come from the record. The same cases, once replayed as events through the
 * workflow (each facilitation a `facilitationRecorded` by a contact point, each milestone its event, the
 * worker firing reminders on the way) and once imported as a register, give the same figures of DOMAIN.md
 * §5, per network, in total and broken down, in 2021 and 2022.
 */
describe('statistics from facilitation events equal those of the imported register (PostgreSQL, Redis, SMTP)', () => {
  let replayed: TestEnvironment;
  let imported: TestEnvironment;
  let replayApp: INestApplicationContext | undefined;
  let importApp: INestApplicationContext | undefined;
  const register = sampleOfRegister();
  const rows = parse(register, { columns: true }) as Array<Record<string, string>>;
  const facilitatedOn = rows.map((r) => r.facilitated_on).filter(Boolean);

  beforeAll(async () => {
    [replayed, imported] = await Promise.all([createTestEnvironment('replay_events'), createTestEnvironment('replay_import')]);
    const worker = await startReplayWorker(replayed.config, false);
    replayApp = worker.app;
    await replayApp.get(DirectoryService).seed();
    const result = await replayRegister(replayApp, worker.clock, register, new Date('2022-05-15T23:59:59Z'));
    expect(result.rejected).toEqual([]);
    importApp = await NestFactory.createApplicationContext(
      DomainModule.forRoot({ config: imported.config, clock: new ManualClock(new Date('2026-11-01T00:00:00Z')) }),
      {
        logger: false,
      },
    );
    await importApp.get(DirectoryService).seed();
    expect(await importApp.get(RegisterImportService).importHistory(register)).toMatchObject({ rejected: [] });
  }, 300_000);

  afterAll(async () => {
    await replayApp?.close();
    await importApp?.close();
    await Promise.all([replayed?.dispose(), imported?.dispose()]);
  });

  it('replays every case as events, each facilitation a step of a contact point or of the programme', async () => {
    const [{ n }] = await replayed.sql<{ n: number }>('select count(*)::int as n from mla_request');
    expect(n).toBe(rows.length);
    // One facilitation step for each facilitated_on of the register: by a contact point in a network, by the programme outside them.
    const steps = await replayed.sql<{ role: string; other: boolean; n: number }>(
      `select e.actor_role as role, r.network = 'OTHER' as other, count(*)::int as n from case_event e join mla_request r on r.id = e.request_id
       where e.type = 'facilitationRecorded' group by 1, 2 order by 1, 2`,
    );
    const facilitated = (other: boolean) => rows.filter((r) => r.facilitated_on && (r.network === 'OTHER') === other).length;
    expect(steps).toEqual([
      { role: 'CONTACT_POINT', other: false, n: facilitated(false) },
      { role: 'SECRETARIAT', other: true, n: facilitated(true) },
    ]);
  });

  it.each([2021, 2022])('gives the figures of %i as the import does, per network and in total', async (year) => {
    const fromEvents = await replayApp!.get(StatisticsService).yearly(year);
    const fromImport = await importApp!.get(StatisticsService).yearly(year);
    expect(fromEvents).toEqual(fromImport);
    expect(fromEvents.total.facilitated).toBe(facilitatedOn.filter((d) => d.startsWith(String(year))).length);
  });

  it.each(['requestingState', 'requestedState', 'requestType', 'offence', 'measure'])('gives the 2021 breakdown by %s as the import does', async (by) => {
    const fromEvents = await replayApp!.get(StatisticsService).breakdown(2021, by);
    const fromImport = await importApp!.get(StatisticsService).breakdown(2021, by);
    expect(fromEvents).toEqual(fromImport);
    expect(fromEvents.rows.length).toBeGreaterThan(1);
  });
});
