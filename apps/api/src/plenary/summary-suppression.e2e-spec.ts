import request from 'supertest';
import { startApiTestApp, stopApiTestApp, type ApiTestApp } from '../testing/api-test-app';

/**
 * The open-requests summary withholds small counts from a secretariat (STATISTICS_MIN_COUNT 3) in each of
 * its dimensions. When one dimension makes the total withheld, no other dimension may give it back by adding
 * up: four requests Nigeria → Ghana, two awaiting acknowledgement and two under assessment, hide both step
 * counts (2 and 2 could be worked out from the total) and the total, and so the pair's count too.
 */
describe('open requests summary: a withheld total stays withheld across dimensions (e2e)', () => {
  let app: ApiTestApp | undefined;
  const http = () => request(app!.api.getHttpServer());

  beforeAll(async () => {
    app = await startApiTestApp('summary-suppression', { withWorker: false });
    for (const n of [1, 2, 3, 4]) {
      const created = await http()
        .post('/api/v1/requests')
        .set(await app.auth('officer.ng'))
        .send({ reference: `NG/SUP/${n}`, network: 'WACAP', requestingState: 'NG', requestedState: 'GH', requestType: 'MLA', urgent: false })
        .expect(201);
      await http()
        .post(`/api/v1/requests/${created.body.id}/events`)
        .set(await app.auth('officer.ng'))
        .set('If-Match', `"${created.body.version}"`)
        .send({ type: 'requestTransmitted', channel: 'CENTRAL_AUTHORITY' })
        .expect(201);
      if (n <= 2) continue;
      const sent = await http()
        .get(`/api/v1/requests/${created.body.id}`)
        .set(await app.auth('officer.gh'))
        .expect(200);
      await http()
        .post(`/api/v1/requests/${created.body.id}/events`)
        .set(await app.auth('officer.gh'))
        .set('If-Match', `"${sent.body.version}"`)
        .send({ type: 'receiptAcknowledged' })
        .expect(201);
    }
  }, 120_000);

  afterAll(() => stopApiTestApp(app));

  it('hides the pair that would add up to the withheld total, for the secretariat only', async () => {
    const asSecretariat = await http()
      .get('/api/v1/networks/WACAP/open-requests/summary')
      .set(await app!.auth('secretariat.wacap'))
      .expect(200);
    expect(asSecretariat.body).toMatchObject({
      total: null,
      byPair: [{ requestingState: 'NG', requestedState: 'GH', count: null }],
      byStep: { ACKNOWLEDGEMENT: null, ASSESSMENT: null, EXECUTION: 0 },
      minCount: 3,
    });
    expect(asSecretariat.body.suppressed).toEqual(
      expect.arrayContaining(['total', 'byStep.ACKNOWLEDGEMENT', 'byStep.ASSESSMENT', 'byPair.NG-GH', 'byAge.0-30']),
    );
    const asAdministrator = await http()
      .get('/api/v1/networks/WACAP/open-requests/summary')
      .set(await app!.auth('admin'))
      .expect(200);
    expect(asAdministrator.body).toMatchObject({
      total: 4,
      byPair: [{ requestingState: 'NG', requestedState: 'GH', count: 4 }],
      byStep: { ACKNOWLEDGEMENT: 2, ASSESSMENT: 2 },
      suppressed: [],
    });
  });
});
