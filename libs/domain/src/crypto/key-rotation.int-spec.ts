import { MikroORM } from '@mikro-orm/postgresql';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import { aad, CaseAccessService } from '../access/case-access.service';
import type { Principal } from '../access/principal';
import { ManualClock } from '../clock';
import { AppConfig } from '../config/app-config';
import { DomainModule } from '../domain.module';
import { MlaRequestService } from '../requests/mla-request.service';
import type { PersonConcerned, ValidCreateRequest } from '../requests/request-validation';
import { createTestEnvironment, expectEventually, testPrincipal, type TestEnvironment } from '../testing';
import { FieldCipher, FieldDecryptionError } from './field-cipher';
import { KeyRotationService, type KeyRotationResult } from './key-rotation.service';

const KEY_A = `kA2025:${randomBytes(32).toString('base64')}`;
const KEY_B = `kB2026:${randomBytes(32).toString('base64')}`;
const KEY_LOST = `kLost:${randomBytes(32).toString('base64')}`;
const keys = (list: string) => AppConfig.fromEnv({ FIELD_ENCRYPTION_KEYS: list }).fieldEncryptionKeys;

const ACCENTS = "L'accusé a viré 12 500 € depuis Lomé vers Señor Núñez à Málaga ; « façade » Øresund, Zoë, Ærø";
const EMOJI = 'Conteneur 🚢📦 saisi au port de Tema 🇬🇭; notes 𝔄𝔟𝔠, 中文, עברית';
const LONG = Array.from({ length: 10_000 }, (_, i) => ['a', 'é', '🙂', ' ', 'ß'][i % 5]).join('');
const AUTH_FAILED = 'encrypted field cannot be read: authentication failed (altered, or belongs to another row or field)';

interface Planned {
  reference: string;
  facts: string | null;
  persons: PersonConcerned[] | null;
}
const PLANNED: Planned[] = [
  { reference: 'KR/001', facts: ACCENTS, persons: [{ name: 'José Núñez', nationality: 'ES', location: 'Málaga' }] },
  { reference: 'KR/002', facts: EMOJI, persons: null },
  {
    reference: 'KR/003',
    facts: LONG,
    persons: [
      { name: '李小龙', location: 'Hong Kong 🇭🇰' },
      { name: 'Zoë Ødegaard', nationality: 'NO' },
    ],
  },
  { reference: 'KR/004', facts: null, persons: [{ name: 'Kwame Nkrumah-Asante', nationality: 'GH', location: 'Kumasi' }] },
  { reference: 'KR/005', facts: null, persons: null },
  ...Array.from({ length: 8 }, (_, i) => ({
    reference: `KR/${String(i + 6).padStart(3, '0')}`,
    facts: `Affaire n° ${i + 6} — blanchiment présumé, ${i + 6} 000 €`,
    persons: i % 2 ? [{ name: `Personne ${i + 6} Ñ`, nationality: 'SN' }] : null,
  })),
];
/** Values of PLANNED: each facts and persons that is not null, encrypted with A before the rotation. */
const VALUES = PLANNED.reduce((n, p) => n + (p.facts === null ? 0 : 1) + (p.persons === null ? 0 : 1), 0);

interface StoredRow {
  id: string;
  reference: string;
  facts_enc: string | null;
  persons_enc: string | null;
  version: number;
  updated_at: Date;
}

/**
 * Re-encryption of case facts and persons concerned with a new key, in real PostgreSQL: a key put first
 * in FIELD_ENCRYPTION_KEYS, the old one second, `KeyRotationService.rotate`, then the old key removed.
 */
describe('field encryption key rotation (PostgreSQL)', () => {
  let env: TestEnvironment;
  let appA: INestApplicationContext;
  let appBA: INestApplicationContext;
  let orm: MikroORM;
  const clock = new ManualClock(new Date('2026-12-01T09:00:00Z'));
  const configA = () => env.config.with({ fieldEncryptionKeys: keys(KEY_A) });
  const configBA = () => env.config.with({ fieldEncryptionKeys: keys(`${KEY_B},${KEY_A}`) });
  const configB = () => env.config.with({ fieldEncryptionKeys: keys(KEY_B) });
  const ids = new Map<string, string>();
  const stored = async () => env.sql<StoredRow>(`select id, reference, facts_enc, persons_enc, version, updated_at from mla_request order by reference`);
  const officer: Principal = testPrincipal();

  beforeAll(async () => {
    env = await createTestEnvironment('key_rotation');
    appA = await NestFactory.createApplicationContext(DomainModule.forRoot({ config: configA(), clock }), { logger: false });
    appBA = await NestFactory.createApplicationContext(DomainModule.forRoot({ config: configBA(), clock }), { logger: false });
    orm = appA.get(MikroORM);
    const cipherA = appA.get(FieldCipher);
    const requests = appA.get(MlaRequestService);
    const input = (reference: string): ValidCreateRequest => ({
      reference,
      network: 'WACAP',
      requestingState: 'GH',
      requestedState: 'NG',
      requestType: 'MLA',
      urgent: false,
      legalBasis: 'UNTOC',
      offences: ['CORRUPTION'],
      measures: ['TAKING_EVIDENCE'],
      subject: `Subject ${reference}`,
      confidential: false,
      factsSummary: null,
      personsConcerned: [],
    });
    await orm.em.fork().transactional(async (em) => {
      for (const p of PLANNED) {
        const r = requests.newRequest(input(p.reference), p.reference);
        if (p.facts !== null) r.factsEnc = cipherA.encrypt(p.facts, aad(r.id, 'facts'));
        if (p.persons !== null) r.personsEnc = cipherA.encrypt(JSON.stringify(p.persons), aad(r.id, 'persons'));
        ids.set(p.reference, r.id);
        em.persist(r);
      }
      // Encrypted with a key that is in no configuration (lost), and a value of KR/002 copied to another row.
      const lost = requests.newRequest(input('KR/LOST'), 'KR/LOST');
      lost.factsEnc = new FieldCipher(env.config.with({ fieldEncryptionKeys: keys(KEY_LOST) })).encrypt('lost', aad(lost.id, 'facts'));
      const moved = requests.newRequest(input('KR/MOVED'), 'KR/MOVED');
      moved.personsEnc = cipherA.encrypt(JSON.stringify([{ name: 'moved' }]), aad(ids.get('KR/002')!, 'persons'));
      for (const r of [lost, moved]) {
        ids.set(r.reference, r.id);
        em.persist(r);
      }
    });
  });

  afterAll(async () => {
    await appBA?.close();
    await appA?.close();
    await env?.dispose();
  });

  /** The two values that no configuration can read, as every run reports them. */
  const unreadable = () => [
    { requestId: ids.get('KR/LOST'), field: 'facts', reason: 'encrypted field cannot be read: key "kLost" is not in FIELD_ENCRYPTION_KEYS' },
    { requestId: ids.get('KR/MOVED'), field: 'persons', reason: AUTH_FAILED },
  ];
  const sortFailed = (r: KeyRotationResult) => ({ ...r, failed: [...r.failed].sort((a, b) => a.requestId.localeCompare(b.requestId)) });
  const sorted = <T extends { requestId: string | undefined }>(list: T[]) => [...list].sort((a, b) => a.requestId!.localeCompare(b.requestId!));

  it('stores every facts and persons value encrypted with key A, never in plain text', async () => {
    const rows = (await stored()).filter((r) => r.reference.startsWith('KR/0'));
    const values = rows.flatMap((r) => [r.facts_enc, r.persons_enc]).filter((v): v is string => v !== null);
    expect(values).toHaveLength(VALUES);
    expect(values.every((v) => FieldCipher.kidOf(v) === 'kA2025')).toBe(true);
    expect(values.some((v) => v.includes('Málaga') || v.includes('Núñez'))).toBe(false);
  });

  it('with A removed too early (only B configured): every A value fails naming kA2025, nothing is rewritten', async () => {
    const before = await stored();
    const onlyB = new FieldCipher(configB());
    const kr001 = before.find((r) => r.reference === 'KR/001')!;
    expect(() => onlyB.decrypt(kr001.facts_enc!, aad(kr001.id, 'facts'))).toThrow(FieldDecryptionError);
    expect(() => onlyB.decrypt(kr001.facts_enc!, aad(kr001.id, 'facts'))).toThrow(
      'encrypted field cannot be read: key "kA2025" is not in FIELD_ENCRYPTION_KEYS',
    );

    const result = await new KeyRotationService(orm, onlyB).rotate({ batchSize: 4 });
    expect(result.reencrypted).toBe(0);
    expect(result.alreadyCurrent).toBe(0);
    const missingA = 'encrypted field cannot be read: key "kA2025" is not in FIELD_ENCRYPTION_KEYS';
    const expected = PLANNED.flatMap((p) => [
      ...(p.facts === null ? [] : [{ requestId: ids.get(p.reference), field: 'facts', reason: missingA }]),
      ...(p.persons === null ? [] : [{ requestId: ids.get(p.reference), field: 'persons', reason: missingA }]),
    ]);
    expected.push({ requestId: ids.get('KR/LOST'), field: 'facts', reason: 'encrypted field cannot be read: key "kLost" is not in FIELD_ENCRYPTION_KEYS' });
    expected.push({ requestId: ids.get('KR/MOVED'), field: 'persons', reason: missingA });
    expect(sorted(result.failed)).toEqual(sorted(expected));
    expect(await stored()).toEqual(before);
  });

  it('rotates with B first and A second, in batches of 4: every value now has kid B and decrypts to the original with B alone', async () => {
    const before = await stored();
    const result = await appBA.get(KeyRotationService).rotate({ batchSize: 4 });
    expect(sortFailed(result)).toEqual({ reencrypted: VALUES, alreadyCurrent: 0, failed: sorted(unreadable()) });

    const after = await stored();
    const onlyB = new FieldCipher(configB());
    for (const p of PLANNED) {
      const row = after.find((r) => r.reference === p.reference)!;
      const old = before.find((r) => r.reference === p.reference)!;
      // The plaintext did not change: neither the version (ETag) nor updated_at move.
      expect({ version: row.version, updatedAt: row.updated_at }).toEqual({ version: old.version, updatedAt: old.updated_at });
      if (p.facts === null) expect(row.facts_enc).toBeNull();
      else {
        expect(FieldCipher.kidOf(row.facts_enc!)).toBe('kB2026');
        expect(row.facts_enc).not.toBe(old.facts_enc);
        expect(onlyB.decrypt(row.facts_enc!, aad(row.id, 'facts'))).toBe(p.facts);
      }
      if (p.persons === null) expect(row.persons_enc).toBeNull();
      else {
        expect(FieldCipher.kidOf(row.persons_enc!)).toBe('kB2026');
        expect(JSON.parse(onlyB.decrypt(row.persons_enc!, aad(row.id, 'persons')))).toEqual(p.persons);
      }
    }
    const long = after.find((r) => r.reference === 'KR/003')!;
    const longBack = onlyB.decrypt(long.facts_enc!, aad(long.id, 'facts'));
    expect([longBack.length, [...longBack].length]).toEqual([LONG.length, 10_000]);
    // The unreadable values are left exactly as they were.
    for (const reference of ['KR/LOST', 'KR/MOVED']) {
      expect(after.find((r) => r.reference === reference)).toEqual(before.find((r) => r.reference === reference));
    }
  });

  it('refuses a rotated value moved to another request or to the other field (additional authenticated data)', async () => {
    const rows = await stored();
    const kr001 = rows.find((r) => r.reference === 'KR/001')!;
    const kr002 = rows.find((r) => r.reference === 'KR/002')!;
    const onlyB = new FieldCipher(configB());
    expect(() => onlyB.decrypt(kr001.facts_enc!, aad(kr002.id, 'facts'))).toThrow(AUTH_FAILED);
    expect(() => onlyB.decrypt(kr001.facts_enc!, aad(kr001.id, 'persons'))).toThrow(AUTH_FAILED);
    // Copied in the database, it does not decrypt where it lands.
    await env.sql(`update mla_request set facts_enc = $1 where id = $2`, [kr001.facts_enc, kr002.id]);
    try {
      const [landed] = await env.sql<{ facts_enc: string }>(`select facts_enc from mla_request where id = $1`, [kr002.id]);
      expect(() => onlyB.decrypt(landed.facts_enc, aad(kr002.id, 'facts'))).toThrow(FieldDecryptionError);
    } finally {
      await env.sql(`update mla_request set facts_enc = $1 where id = $2`, [kr002.facts_enc, kr002.id]);
    }
  });

  it('run a second time, reencrypts 0 and rewrites nothing (idempotent)', async () => {
    const before = await stored();
    const result = await appBA.get(KeyRotationService).rotate({ batchSize: 4 });
    expect(sortFailed(result)).toEqual({ reencrypted: 0, alreadyCurrent: VALUES, failed: sorted(unreadable()) });
    expect(await stored()).toEqual(before);
  });

  it('waits for a row locked by a concurrent write and re-encrypts the value that write committed (select … for update)', async () => {
    const id = ids.get('KR/006')!;
    const fresh = new FieldCipher(configA()).encrypt('Nouveaux faits, écrits pendant la rotation ✍️', aad(id, 'facts'));
    await env.sql('begin');
    let rotation: Promise<KeyRotationResult> | undefined;
    try {
      await env.sql(`update mla_request set facts_enc = $1 where id = $2`, [fresh, id]);
      rotation = appBA.get(KeyRotationService).rotate({ batchSize: 4 });
      await expectEventually(async () => {
        const [waiting] = await orm.em
          .fork()
          .execute<Array<{ n: string }>>(
            `select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%for update%'`,
          );
        expect(waiting.n).toBe('1');
      });
    } finally {
      await env.sql('commit');
    }
    const result = await rotation!;
    expect(sortFailed(result)).toEqual({ reencrypted: 1, alreadyCurrent: VALUES - 1, failed: sorted(unreadable()) });
    const [row] = await env.sql<{ facts_enc: string }>(`select facts_enc from mla_request where id = $1`, [id]);
    expect(FieldCipher.kidOf(row.facts_enc)).toBe('kB2026');
    expect(new FieldCipher(configB()).decrypt(row.facts_enc, aad(id, 'facts'))).toBe('Nouveaux faits, écrits pendant la rotation ✍️');
  });

  it('once A is removed from the configuration, an officer reads the rotated facts and persons through CaseAccessService', async () => {
    const appB = await NestFactory.createApplicationContext(DomainModule.forRoot({ config: configB(), clock }), { logger: false });
    try {
      const access = appB.get(CaseAccessService);
      const kr001 = await access.get(officer, ids.get('KR/001')!);
      expect({ facts: kr001.factsSummary, persons: kr001.personsConcerned }).toEqual({ facts: ACCENTS, persons: PLANNED[0].persons });
      const kr003 = await access.get(officer, ids.get('KR/003')!);
      expect(kr003.factsSummary).toBe(LONG);
      expect(kr003.personsConcerned).toEqual(PLANNED[2].persons);
      const kr004 = await access.get(officer, ids.get('KR/004')!);
      expect({ facts: kr004.factsSummary, persons: kr004.personsConcerned }).toEqual({ facts: null, persons: PLANNED[3].persons });
      // The value whose key was lost stays unreadable, naming its key.
      await expect(access.get(officer, ids.get('KR/LOST')!)).rejects.toThrow('encrypted field cannot be read: key "kLost" is not in FIELD_ENCRYPTION_KEYS');
    } finally {
      await appB.close();
    }
  });
});
