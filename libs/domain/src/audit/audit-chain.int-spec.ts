import { MikroORM } from '@mikro-orm/postgresql';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import type { Principal } from '../access/principal';
import { ManualClock } from '../clock';
import { DomainModule } from '../domain.module';
import { createTestEnvironment, testPrincipal, type TestEnvironment } from '../testing';
import { AUDIT_GENESIS_HASH, AuditVerifier } from './audit-verifier.service';
import { AuditService } from './audit.service';

const ALTERED = 'hash does not match its entry (altered)';
const PREV_MISMATCH = 'prev_hash does not match the previous entry (an entry before it was removed or altered)';

interface StoredRow {
  seq: string;
  at: Date;
  user_id: string | null;
  action: string;
  request_id: string | null;
  entry_text: string;
  prev_hash: string;
  hash: string;
}

/**
 * The hash-chained audit log in real PostgreSQL: entries appended through AuditService, the trigger that
 * refuses changes even to the superuser, the roles of the API, concurrent appends, and AuditVerifier
 * naming what a superuser who disabled the trigger removed or altered.
 */
describe('audit log hash chain (PostgreSQL)', () => {
  let env: TestEnvironment;
  let app: INestApplicationContext;
  let orm: MikroORM;
  let audit: AuditService;
  let verifier: AuditVerifier;
  const clock = new ManualClock(new Date('2026-12-01T09:00:00Z'));
  const officer: Principal = testPrincipal({ userAgent: 'Mozilla/5.0 (audit test) — “quotes” é' });
  const request = { id: randomUUID(), reference: 'GH-NG/2026/0001' };

  const append = (p: Principal = officer) => orm.em.fork().transactional((em) => audit.append(em, p, 'REQUEST_READ', request, { view: 'FULL' }));
  const row = async (seq: number) =>
    (
      await env.sql<StoredRow>(`select seq, at, user_id, action, request_id, entry::text as entry_text, prev_hash, hash from audit_log where seq = $1`, [seq])
    )[0];
  /** What a superuser can still do: disable the append-only trigger, change the table, enable it again. */
  const asTamperer = async (text: string, params: unknown[] = []) => {
    await env.sql(`alter table audit_log disable trigger audit_log_append_only`);
    try {
      await env.sql(text, params);
    } finally {
      await env.sql(`alter table audit_log enable trigger audit_log_append_only`);
    }
  };
  const reinsert = (r: StoredRow) =>
    env.sql(`insert into audit_log (seq, at, user_id, action, request_id, entry, prev_hash, hash) values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)`, [
      r.seq,
      r.at,
      r.user_id,
      r.action,
      r.request_id,
      r.entry_text,
      r.prev_hash,
      r.hash,
    ]);
  /** Runs `text` in a transaction as `role` (rolled back); returns the rows, or the error. */
  const asRole = async (
    role: string,
    text: string,
    params: unknown[] = [],
    commit = false,
  ): Promise<{ rows?: unknown[]; error?: { code: string; message: string } }> => {
    await env.sql('begin');
    try {
      await env.sql(`set local role ${role}`);
      const rows = await env.sql(text, params);
      await env.sql(commit ? 'commit' : 'rollback');
      return { rows };
    } catch (err) {
      await env.sql('rollback');
      return { error: { code: (err as { code: string }).code, message: (err as Error).message } };
    }
  };

  beforeAll(async () => {
    env = await createTestEnvironment('audit_chain');
    app = await NestFactory.createApplicationContext(DomainModule.forRoot({ config: env.config, clock }), { logger: false });
    orm = app.get(MikroORM);
    audit = app.get(AuditService);
    verifier = app.get(AuditVerifier);
  });

  afterAll(async () => {
    await app?.close();
    await env?.dispose();
  });

  it('verifies an empty log: ok, no entries, head 0 with the all-zero hash', async () => {
    expect(await verifier.verify()).toEqual({ ok: true, entries: 0, headSeq: 0, headHash: AUDIT_GENESIS_HASH, firstBroken: null });
  });

  it('chains 20 entries appended through AuditService: seq 1..20, each prev_hash the previous hash, verify ok with headSeq 20', async () => {
    const seqs: number[] = [];
    for (let i = 0; i < 20; i++) {
      clock.set(new Date(Date.UTC(2026, 11, 1, 9, i)));
      seqs.push(await append());
    }
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));

    const first = await row(1);
    expect(first.prev_hash).toBe('0'.repeat(64));
    expect(first.user_id).toBe(officer.userId);
    expect(first.action).toBe('REQUEST_READ');
    expect(first.request_id).toBe(request.id);
    expect(first.at.toISOString()).toBe('2026-12-01T09:00:00.000Z');
    expect(JSON.parse(first.entry_text)).toEqual({
      at: '2026-12-01T09:00:00.000Z',
      userId: officer.userId,
      login: 'gh.officer',
      role: 'CENTRAL_AUTHORITY',
      state: 'GH',
      network: null,
      ip: '203.0.113.7',
      userAgent: 'Mozilla/5.0 (audit test) — “quotes” é',
      action: 'REQUEST_READ',
      requestId: request.id,
      reference: 'GH-NG/2026/0001',
      detail: { view: 'FULL' },
    });
    const links = await env.sql<{ seq: string; linked: boolean }>(
      `select a.seq, a.prev_hash = b.hash as linked from audit_log a join audit_log b on b.seq = a.seq - 1 order by a.seq`,
    );
    expect(links).toHaveLength(19);
    expect(links.every((l) => l.linked)).toBe(true);

    const head = await row(20);
    const expected = { ok: true, entries: 20, headSeq: 20, headHash: head.hash, firstBroken: null };
    expect(head.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifier.verify()).toEqual(expected);
    // Batches of 3 rows (keyset pagination across 7 queries) give the same answer.
    expect(await verifier.verify({ batchSize: 3 })).toEqual(expected);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of audit_log even to the superuser (trigger)', async () => {
    await expect(env.sql(`update audit_log set action = 'REQUEST_LISTED' where seq = 5`)).rejects.toMatchObject({
      code: '42501',
      message: 'audit_log is append-only: UPDATE refused',
    });
    await expect(env.sql(`delete from audit_log where seq = 5`)).rejects.toMatchObject({ code: '42501', message: 'audit_log is append-only: DELETE refused' });
    await expect(env.sql(`truncate audit_log`)).rejects.toMatchObject({ code: '42501', message: 'audit_log is append-only: TRUNCATE refused' });
    expect((await row(5)).action).toBe('REQUEST_READ');
    expect(await verifier.verify()).toMatchObject({ ok: true, entries: 20, headSeq: 20 });
  });

  it('lets rogatory_case_reader append through audit_append but not SELECT, UPDATE or DELETE audit_log', async () => {
    for (const text of [`select * from audit_log`, `update audit_log set action = 'X' where seq = 1`, `delete from audit_log where seq = 1`]) {
      expect(await asRole('rogatory_case_reader', text)).toEqual({ error: { code: '42501', message: 'permission denied for table audit_log' } });
    }
    expect(await asRole('rogatory_metadata_reader', `select seq from audit_log`)).toEqual({
      error: { code: '42501', message: 'permission denied for table audit_log' },
    });
    const entry = { at: '2026-12-01T10:00:00.000Z', userId: officer.userId, login: officer.login, action: 'REQUEST_LISTED', requestId: null, detail: {} };
    expect(await asRole('rogatory_case_reader', `select audit_append($1::jsonb) as seq`, [JSON.stringify(entry)], true)).toEqual({ rows: [{ seq: '21' }] });
    const appended = await row(21);
    expect(appended.action).toBe('REQUEST_LISTED');
    expect(appended.prev_hash).toBe((await row(20)).hash);
    expect(await verifier.verify()).toEqual({ ok: true, entries: 21, headSeq: 21, headHash: appended.hash, firstBroken: null });
  });

  it('gives 50 appends in parallel from separate transactions the seqs 22..71, without gaps, in a valid chain', async () => {
    const others: Principal[] = Array.from({ length: 50 }, (_, i) => ({ ...officer, userId: randomUUID(), login: `officer.${i}` }));
    const seqs = await Promise.all(others.map((p) => append(p)));
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 22));
    const [stats] = await env.sql<{ n: string; min: string; max: string; logins: string }>(
      `select count(*) as n, min(seq) as min, max(seq) as max, count(distinct entry ->> 'login') filter (where seq > 21) as logins from audit_log`,
    );
    expect(stats).toEqual({ n: '71', min: '1', max: '71', logins: '50' });
    expect(await verifier.verify()).toEqual({ ok: true, entries: 71, headSeq: 71, headHash: (await row(71)).hash, firstBroken: null });
  });

  it('reports an entry whose jsonb a superuser changed (trigger disabled) as altered, at its seq', async () => {
    const original = await row(7);
    await asTamperer(`update audit_log set entry = jsonb_set(entry, '{login}', '"someone.else"') where seq = 7`);
    const head = (await row(71)).hash;
    expect(await verifier.verify()).toEqual({ ok: false, entries: 71, headSeq: 71, headHash: head, firstBroken: { seq: 7, reason: ALTERED } });
    expect(await verifier.verify({ batchSize: 5 })).toEqual({ ok: false, entries: 71, headSeq: 71, headHash: head, firstBroken: { seq: 7, reason: ALTERED } });
    // Changing only the hash column is an alteration too.
    await asTamperer(`update audit_log set entry = $1::jsonb, hash = repeat('a', 64) where seq = 7`, [original.entry_text]);
    expect((await verifier.verify()).firstBroken).toEqual({ seq: 7, reason: ALTERED });

    await asTamperer(`update audit_log set entry = $1::jsonb, hash = $2 where seq = 7`, [original.entry_text, original.hash]);
    expect(await verifier.verify()).toMatchObject({ ok: true, entries: 71, firstBroken: null });
  });

  it('reports a deleted middle entry as a sequence gap naming the missing seqs', async () => {
    const removed = [await row(30), await row(31), await row(32)];
    await asTamperer(`delete from audit_log where seq = 30`);
    expect(await verifier.verify()).toEqual({
      ok: false,
      entries: 70,
      headSeq: 71,
      headHash: (await row(71)).hash,
      firstBroken: { seq: 30, reason: 'sequence gap: entries 30..30 are missing (removed)' },
    });
    await asTamperer(`delete from audit_log where seq in (31, 32)`);
    expect(await verifier.verify({ batchSize: 10 })).toMatchObject({
      ok: false,
      entries: 68,
      firstBroken: { seq: 30, reason: 'sequence gap: entries 30..32 are missing (removed)' },
    });
    for (const r of removed) await reinsert(r);
    expect(await verifier.verify()).toMatchObject({ ok: true, entries: 71, firstBroken: null });
  });

  it('reports deleted first entries as a gap from 1', async () => {
    const removed = [await row(1), await row(2)];
    await asTamperer(`delete from audit_log where seq <= 2`);
    expect(await verifier.verify()).toMatchObject({
      ok: false,
      entries: 69,
      firstBroken: { seq: 1, reason: 'sequence gap: entries 1..2 are missing (removed)' },
    });
    for (const r of removed) await reinsert(r);
    expect(await verifier.verify()).toMatchObject({ ok: true, entries: 71 });
  });

  it('reports an entry rewritten with its hash recomputed at the next entry, whose prev_hash no longer matches', async () => {
    const original = await row(40);
    await asTamperer(
      `update audit_log set entry = jsonb_set(entry, '{action}', '"REQUEST_LISTED"'),
         hash = encode(sha256(convert_to(prev_hash || jsonb_set(entry, '{action}', '"REQUEST_LISTED"')::text, 'UTF8')), 'hex') where seq = 40`,
    );
    expect((await verifier.verify()).firstBroken).toEqual({ seq: 41, reason: PREV_MISMATCH });
    await asTamperer(`update audit_log set entry = $1::jsonb, hash = $2 where seq = 40`, [original.entry_text, original.hash]);
    expect((await verifier.verify()).ok).toBe(true);
  });

  it('reports entries removed with the rest renumbered at the entry after them (prev_hash)', async () => {
    const all = await env.sql<StoredRow>(
      `select seq, at, user_id, action, request_id, entry::text as entry_text, prev_hash, hash from audit_log where seq >= 50 order by seq`,
    );
    await asTamperer(`delete from audit_log where seq = 50`);
    // Two steps: the primary key is checked row by row.
    await asTamperer(`update audit_log set seq = seq + 1000 where seq > 50`);
    await asTamperer(`update audit_log set seq = seq - 1001 where seq > 1000`);
    expect(await verifier.verify()).toMatchObject({ ok: false, entries: 70, headSeq: 70, firstBroken: { seq: 50, reason: PREV_MISMATCH } });
    await asTamperer(`delete from audit_log where seq >= 50`);
    for (const r of all) await reinsert(r);
    expect(await verifier.verify()).toMatchObject({ ok: true, entries: 71, headSeq: 71 });
  });

  it('reports a first entry whose prev_hash is not the all-zero hash as not starting the chain', async () => {
    const original = await row(1);
    await asTamperer(
      `update audit_log set prev_hash = repeat('f', 64), hash = encode(sha256(convert_to(repeat('f', 64) || entry::text, 'UTF8')), 'hex') where seq = 1`,
    );
    expect((await verifier.verify()).firstBroken).toEqual({ seq: 1, reason: 'first entry does not start the chain' });
    await asTamperer(`update audit_log set prev_hash = $1, hash = $2 where seq = 1`, [original.prev_hash, original.hash]);
    expect((await verifier.verify()).ok).toBe(true);
  });

  it('cannot see the last entries removed: the shorter chain is valid, only the head recorded elsewhere shows it', async () => {
    const recorded = await verifier.verify();
    expect(recorded).toMatchObject({ ok: true, headSeq: 71 });
    const last = await row(71);
    await asTamperer(`delete from audit_log where seq = 71`);
    const after = await verifier.verify();
    expect(after).toEqual({ ok: true, entries: 70, headSeq: 70, headHash: (await row(70)).hash, firstBroken: null });
    // The operator's check against the recorded head: that seq is gone (or has another hash).
    expect(await env.sql(`select hash from audit_log where seq = $1 and hash = $2`, [recorded.headSeq, recorded.headHash])).toEqual([]);
    await reinsert(last);
    expect(await verifier.verify()).toEqual(recorded);
  });
});
