// The web view end to end, in Debian's Chromium, against the API (and worker) on real PostgreSQL and Redis:
// an officer of Nigeria drafts and transmits a request to Ghana; Ghana's officer acknowledges it and asks for
// information (and meets a stale version on the way); Nigeria provides it; a contact point records a
// follow-up; WACAP's secretariat sees its counts change and no facts; an officer of an unrelated State
// cannot find the request. Every screen is screenshotted (out/web/screenshots) and checked with axe.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startApiTestApp, stopApiTestApp, type ApiTestApp } from '../../api/src/testing/api-test-app';
import { bytesToLoad, launchChromium, screenshot, seriousAxeViolations, signedIn, type AxeViolation } from './browser';

const REFERENCE = 'NG/EFCC/WEB/2026/1';
const FACTS = 'Proceeds of bribes paid to a customs officer were moved through two accounts at an Accra bank in March 2025.';
const SUBJECT = 'Laundering of bribes through Accra accounts';
const PERSON = 'Kwame Mensah-Adjei';
const ESCALATION_NOTE = 'Ghana has not answered two calls; please raise it at the plenary';

describe('web view: a request from draft to follow-up, as each role sees it (browser e2e)', () => {
  let app: ApiTestApp | undefined;
  let browser: Browser;
  let base: string;
  let id: string;
  const contexts: BrowserContext[] = [];
  /** axe's serious and critical violations per screen (expected: none anywhere). */
  const axe: Record<string, AxeViolation[]> = {};
  const http = () => request(app!.api.getHttpServer());

  /** Screenshot and accessibility check of the screen `page` shows now. */
  async function screen(page: Page, name: string): Promise<void> {
    await page.waitForLoadState('networkidle');
    await screenshot(page, name);
    axe[name] = await seriousAxeViolations(page);
  }

  async function as(login: string): Promise<Page> {
    const s = await signedIn(browser, base, login);
    contexts.push(s.context);
    return s.page;
  }

  /**
   * Creates and transmits a WACAP request from Nigeria to Ghana through the API, acknowledged by Ghana when
   * `acknowledged` (the background of the counts: 3 awaiting acknowledgement and 3 under assessment, so no
   * count of the secretariat's page is small enough to be withheld before or after the story).
   */
  async function backgroundRequest(n: number, acknowledged: boolean): Promise<void> {
    const created = await http()
      .post('/api/v1/requests')
      .set(await app!.auth('officer.ng'))
      .send({ reference: `NG/BG/${n}`, network: 'WACAP', requestingState: 'NG', requestedState: 'GH', requestType: 'MLA', urgent: false })
      .expect(201);
    await http()
      .post(`/api/v1/requests/${created.body.id}/events`)
      .set(await app!.auth('officer.ng'))
      .set('If-Match', `"${created.body.version}"`)
      .send({ type: 'requestTransmitted', channel: 'CENTRAL_AUTHORITY' })
      .expect(201);
    if (!acknowledged) return;
    const transmitted = await http()
      .get(`/api/v1/requests/${created.body.id}`)
      .set(await app!.auth('officer.gh'))
      .expect(200);
    await http()
      .post(`/api/v1/requests/${created.body.id}/events`)
      .set(await app!.auth('officer.gh'))
      .set('If-Match', `"${transmitted.body.version}"`)
      .send({ type: 'receiptAcknowledged' })
      .expect(201);
  }

  /** The count the secretariat's page shows for requests from Nigeria to Ghana. */
  async function pairCount(page: Page): Promise<string> {
    const row = page.getByTestId('by-pair').getByRole('row').filter({ hasText: 'Nigeria' }).filter({ hasText: 'Ghana' });
    return (await row.getByRole('cell').nth(2).textContent())!.trim();
  }

  beforeAll(async () => {
    app = await startApiTestApp('web-story', { listen: true });
    base = app.baseUrl!;
    browser = await launchChromium();
    for (const n of [1, 2, 3, 4, 5, 6]) await backgroundRequest(n, n > 3);
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await stopApiTestApp(app);
  });

  let secretariat: Page;

  it('the sign-in page loads under 300 KB compressed and signs a user in through the OpenID Connect code flow', async () => {
    const context = await browser.newContext({ baseURL: base, locale: 'en-GB', bypassCSP: true });
    contexts.push(context);
    const first = await bytesToLoad(context, '/sign-in', (p) => p.getByRole('heading', { name: 'Sign in to Rogatory' }).waitFor());
    expect(first.bytes).toBeLessThan(300 * 1024);
    expect(first.responses.filter((r) => r.url.includes('/assets/') && r.url.endsWith('.js')).every((r) => r.encoding === 'gzip' || r.encoding === 'br')).toBe(
      true,
    );
    const page = await context.newPage();
    await page.goto('/sign-in');
    await screen(page, '01-sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // the development issuer's own page lists its users; pick Nigeria's officer
    await page.getByRole('link', { name: 'Nigeria (NG)', exact: true }).click();
    await page.getByRole('heading', { name: /Requests of Nigeria/ }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/requests');
    const afterSignIn = await bytesToLoad(context, '/requests', (p) => p.getByRole('heading', { name: /Requests of Nigeria/ }).waitFor());
    expect(afterSignIn.bytes).toBeLessThan(300 * 1024);
  });

  it('the secretariat sees the open requests per pair of States before the story', async () => {
    secretariat = await as('secretariat.wacap');
    await secretariat.getByRole('heading', { name: 'Counts of WACAP' }).waitFor();
    await secretariat.getByTestId('by-pair').waitFor();
    expect(await pairCount(secretariat)).toBe('6');
  });

  let officerNg: Page;

  it('an officer of Nigeria drafts a request with the 18(15) checklist, saves it and shares it for informal consultation', async () => {
    const page = (officerNg = await as('officer.ng'));
    await page.getByRole('link', { name: 'New request' }).click();
    await page.getByRole('heading', { name: 'New request' }).waitFor();
    await page.getByText('0 of 6 required items given.').waitFor();
    await page.getByRole('combobox', { name: /^Network/ }).selectOption('WACAP');
    await page.getByRole('combobox', { name: /^Requested State/ }).selectOption('GH');
    await page.getByRole('textbox', { name: 'Reference' }).fill(REFERENCE);
    await page.getByRole('combobox', { name: 'Legal basis' }).selectOption('UNTOC');
    await page.getByRole('textbox', { name: 'Authority making the request' }).fill('Economic and Financial Crimes Commission, Abuja');
    await page.getByRole('textbox', { name: /^Subject matter/ }).fill(SUBJECT);
    await page.getByText('2 of 6 required items given.').waitFor();
    await page.getByRole('textbox', { name: /^Authority conducting/ }).fill('EFCC Lagos Zonal Command');
    await page.getByRole('textbox', { name: 'Summary of the relevant facts' }).fill(FACTS);
    await page.getByRole('checkbox', { name: 'Bank, financial, corporate or business records' }).check();
    await page.getByRole('checkbox', { name: 'Money laundering' }).check();
    await page.getByRole('textbox', { name: /^Purpose/ }).fill('Evidence for the trial of the customs officer before the Federal High Court');
    await page.getByRole('button', { name: 'Add a person concerned' }).click();
    await page.getByRole('textbox', { name: 'Person 1: name' }).fill(PERSON);
    await page.getByRole('textbox', { name: 'Person 1: nationality' }).fill('gh');
    await page.getByText('6 of 6 required items given.').waitFor();
    await screen(page, '03-new-request');
    await page.getByRole('button', { name: 'Save the draft' }).click();
    await page.getByRole('heading', { name: `Draft ${REFERENCE}` }).waitFor();
    id = /\/requests\/([0-9a-f-]{36})\/edit$/.exec(page.url())![1];
    await page.getByRole('status').filter({ hasText: 'The draft is saved.' }).waitFor();
    await page.getByRole('button', { name: 'Share the draft for informal consultation' }).click();
    await page.getByRole('heading', { level: 1, name: /Informal consultation/ }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/requests/${id}`);
  });

  it("Ghana's contact point reviews the draft with the 18(15) checklist", async () => {
    const page = await as('cp1.gh.wacap');
    await page.goto(`/requests/${id}`);
    await page.getByRole('heading', { level: 1, name: /Informal consultation/ }).waitFor();
    await page.getByRole('button', { name: 'Review the draft' }).click();
    await page.getByRole('textbox', { name: 'Comments' }).fill('Name the bank branch; our courts need it for the production order.');
    await page.getByRole('textbox', { name: 'What the requested State requires' }).fill('English; a certified copy of the domestic order.');
    await page.getByRole('combobox', { name: 'Purpose (f)' }).selectOption('UNCLEAR');
    await page.getByRole('combobox', { name: 'Summary of the facts (c)' }).selectOption('OK');
    await page.getByRole('button', { name: 'Record: Review the draft' }).click();
    await page.getByRole('status').filter({ hasText: 'Recorded: Review the draft.' }).waitFor();
    const timeline = page.getByRole('region', { name: 'Timeline' });
    await expect(timeline.textContent()).resolves.toMatch(/Draft reviewed[\s\S]*Purpose \(f\): Unclear/);
  });

  it('the officer of Nigeria reads the review and transmits the request to Ghana', async () => {
    const page = officerNg;
    await page.goto(`/requests/${id}`);
    const record = page.getByRole('region', { name: 'Facilitation record' });
    await expect(record.textContent()).resolves.toMatch(/Draft shared for informal consultation on .*reviewed on/);
    await page.getByRole('link', { name: 'Edit the draft' }).click();
    await page.getByRole('heading', { name: `Draft ${REFERENCE}` }).waitFor();
    await page.getByRole('combobox', { name: /^Channel/ }).selectOption('CENTRAL_AUTHORITY');
    await page.getByRole('button', { name: 'Transmit the request' }).click();
    await page.getByRole('heading', { name: new RegExp(`Request ${REFERENCE.replace(/\//g, '\\/')}`) }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/requests/${id}`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('Awaiting acknowledgement');
    // the API agrees: transmitted, facts stored (decrypted for the requesting officer), deadline owed by Ghana
    const stored = await http()
      .get(`/api/v1/requests/${id}`)
      .set(await app!.auth('officer.ng'))
      .expect(200);
    expect(stored.body).toMatchObject({ state: 'awaitingAcknowledgement', requestedState: 'GH', factsSummary: FACTS, channel: 'CENTRAL_AUTHORITY' });
    expect(stored.body.openDeadlines).toEqual([expect.objectContaining({ step: 'ACKNOWLEDGEMENT', owedByState: 'GH' })]);
  });

  it("Ghana's officer finds it first by next deadline, acknowledges it, and asks for information through a stale version", async () => {
    const page = await as('officer.gh');
    await page.getByRole('heading', { name: 'Requests of Ghana' }).waitFor();
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: REFERENCE }) });
    await expect(row.textContent()).resolves.toMatch(/Acknowledgement, owed by Ghana/);
    await screen(page, '02-my-requests');
    await page.getByRole('link', { name: REFERENCE }).click();
    await page.getByRole('heading', { name: /Awaiting acknowledgement/ }).waitFor();
    await page.getByRole('button', { name: 'Acknowledge receipt' }).click();
    await page.getByRole('button', { name: 'Record: Acknowledge receipt' }).click();
    await page.getByRole('status').filter({ hasText: 'Recorded: Acknowledge receipt.' }).waitFor();
    await page.getByRole('heading', { name: /Under assessment/ }).waitFor();
    await screen(page, '04-request');

    await page.getByRole('button', { name: 'Ask for additional information' }).click();
    const questions = 'Please send the account numbers and the period of the transfers.';
    await page.getByRole('textbox', { name: 'Questions' }).fill(questions);
    await screen(page, '05-event-form');
    // meanwhile Ghana's contact point records a step on the same request: the page's version is now stale
    const now = await http()
      .get(`/api/v1/requests/${id}`)
      .set(await app!.auth('cp1.gh.wacap'))
      .expect(200);
    await http()
      .post(`/api/v1/requests/${id}/events`)
      .set(await app!.auth('cp1.gh.wacap'))
      .set('If-Match', `"${now.body.version}"`)
      .send({ type: 'facilitationRecorded', action: 'CLARIFIED_REQUIREMENTS', note: 'Explained the bank secrecy waiver form' })
      .expect(201);
    await page.getByRole('button', { name: 'Record: Ask for additional information' }).click();
    const stale = page.getByRole('alert').filter({ hasText: 'This request changed while you were working on it.' });
    await stale.waitFor();
    await expect(stale.textContent()).resolves.toContain('Facilitation step recorded');
    await expect(page.getByRole('textbox', { name: 'Questions' }).inputValue()).resolves.toBe(questions);
    await screen(page, '06-stale-version');
    await page.getByRole('button', { name: 'Record: Ask for additional information' }).click();
    await page.getByRole('status').filter({ hasText: 'Recorded: Ask for additional information.' }).waitFor();
    await page.getByRole('heading', { name: /Awaiting additional information/ }).waitFor();
    await expect(page.getByRole('list').filter({ hasText: questions }).count()).resolves.toBeGreaterThan(0);
  });

  it('Nigeria provides the information', async () => {
    const page = await as('officer.ng');
    await page.goto(`/requests/${id}`);
    await page.getByRole('heading', { name: /Awaiting additional information/ }).waitFor();
    await page.getByRole('button', { name: 'Additional information provided' }).click();
    await page.getByRole('button', { name: 'Record: Additional information provided' }).click();
    await page.getByRole('heading', { name: /Under assessment/ }).waitFor();
  });

  it("Nigeria's contact point records a follow-up in the facilitation record", async () => {
    const page = await as('cp1.ng.wacap');
    await page.goto(`/requests/${id}`);
    await page.getByRole('button', { name: 'Record a facilitation step' }).click();
    await page.getByRole('combobox', { name: /^Step taken/ }).selectOption('CHASED_REQUESTED_SIDE');
    await page.getByRole('textbox', { name: 'Note' }).fill('Called the Accra desk: assessment expected next week');
    await page.getByRole('button', { name: 'Record: Record a facilitation step' }).click();
    await page.getByRole('status').filter({ hasText: 'Recorded' }).waitFor();
    const record = page.getByRole('region', { name: 'Facilitation record' });
    await expect(record.textContent()).resolves.toMatch(/Chased the requested side[\s\S]*Called the Accra desk/);
    await expect(record.textContent()).resolves.toMatch(/Clarified the requirements/);
  });

  it('the secretariat sees the counts change, the plenary agenda, and no facts anywhere', async () => {
    // Nigeria's contact point escalates the request to the secretariat; the secretariat plans its plenary
    const now = await http()
      .get(`/api/v1/requests/${id}`)
      .set(await app!.auth('cp1.ng.wacap'))
      .expect(200);
    await http()
      .post(`/api/v1/requests/${id}/events`)
      .set(await app!.auth('cp1.ng.wacap'))
      .set('If-Match', `"${now.body.version}"`)
      .send({ type: 'facilitationRecorded', action: 'ESCALATED_TO_SECRETARIAT', note: ESCALATION_NOTE })
      .expect(201);
    const plenary = await http()
      .post('/api/v1/networks/WACAP/plenaries')
      .set(await app!.auth('secretariat.wacap'))
      .send({ date: '2027-06-15', place: 'Abuja' })
      .expect(201);
    await http()
      .post(`/api/v1/plenaries/${plenary.body.id}/bilateral-meetings/proposals`)
      .set(await app!.auth('secretariat.wacap'))
      .expect(200);
    await secretariat.reload();
    await secretariat.getByTestId('by-pair').waitFor();
    expect(await pairCount(secretariat)).toBe('7');
    const agenda = secretariat.getByRole('region', { name: 'Plenary: bilateral meetings' });
    await agenda.getByRole('heading', { name: 'Ghana – Nigeria' }).waitFor();
    await expect(agenda.getByRole('row').filter({ hasText: REFERENCE }).textContent()).resolves.toMatch(/Assessment · Ghana.*escalated by a contact point/);
    await screen(secretariat, '07-secretariat');
    const counts = await secretariat.locator('main').textContent();
    for (const secret of [FACTS, SUBJECT, PERSON, 'Called the Accra desk', ESCALATION_NOTE]) expect(counts).not.toContain(secret);
    await secretariat.goto(`/requests/${id}`);
    await secretariat.getByRole('heading', { name: /Under assessment/ }).waitFor();
    const view = await secretariat.locator('main').textContent();
    expect(view).toContain(REFERENCE);
    for (const secret of [FACTS, SUBJECT, PERSON, 'Called the Accra desk', 'account numbers', ESCALATION_NOTE]) expect(view).not.toContain(secret);
    await screen(secretariat, '08-request-as-secretariat');
  });

  it('an officer of an unrelated State cannot find the request', async () => {
    const page = await as('officer.kz');
    await page.getByRole('heading', { name: 'Requests of Kazakhstan' }).waitFor();
    await expect(page.getByRole('link', { name: REFERENCE }).count()).resolves.toBe(0);
    await page.goto(`/requests/${id}`);
    await page.getByRole('heading', { name: 'Request not found' }).waitFor();
    expect(await page.locator('main').textContent()).not.toContain(REFERENCE);
  });

  it('a sign-in link sending the user elsewhere afterwards (returnTo=//host) lands on the start page instead', async () => {
    const context = await browser.newContext({ baseURL: base, locale: 'en-GB' });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto('/sign-in?as=officer.sn&returnTo=%2F%2Fexample.com%2Fx');
    await page.getByRole('heading', { name: 'Requests of Senegal' }).waitFor();
    expect(new URL(page.url()).origin).toBe(base);
  });

  it('the directory shows each State with its languages and when its entries were last confirmed', async () => {
    const page = await as('officer.gh');
    await page.getByRole('link', { name: 'Directory' }).click();
    await page.getByRole('heading', { name: 'Directory of States and authorities' }).waitFor();
    await page.getByRole('combobox', { name: 'Network' }).selectOption('WACAP');
    const ghana = page.getByRole('article', { name: /Ghana/ });
    await expect(ghana.textContent()).resolves.toMatch(/Central authority/);
    await screen(page, '09-directory');
  });

  it('the page speaks French, with dates in the French way', async () => {
    const page = await as('officer.gh');
    await page.getByRole('combobox', { name: 'Language' }).selectOption('fr');
    await page.waitForFunction("document.documentElement.lang === 'fr'");
    await page.getByRole('link', { name: REFERENCE }).click();
    await page.getByRole('heading', { level: 2, name: 'Chronologie' }).waitFor();
    const timeline = await page.getByRole('region', { name: 'Chronologie' }).textContent();
    // French labels and French dates, e.g. « Demande transmise » on « 30 nov. 2026 »
    expect(timeline).toContain('Demande transmise');
    expect(timeline).toMatch(/\b\d{1,2} (janv|févr|mars|avr|mai|juin|juil|août|sept|oct|nov|déc)\.? \d{4}\b/);
    await screen(page, '10-request-fr');
  });

  it('no screen has a serious or critical accessibility violation (axe, WCAG 2.1 A and AA)', () => {
    expect(Object.keys(axe).sort()).toEqual([
      '01-sign-in',
      '02-my-requests',
      '03-new-request',
      '04-request',
      '05-event-form',
      '06-stale-version',
      '07-secretariat',
      '08-request-as-secretariat',
      '09-directory',
      '10-request-fr',
    ]);
    expect(Object.fromEntries(Object.entries(axe).filter(([, v]) => v.length > 0))).toEqual({});
  });
});
