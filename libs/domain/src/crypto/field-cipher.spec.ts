import { AppConfig } from '../config/app-config';
import { aad } from '../access/case-access.service';
import { FieldCipher, FieldDecryptionError } from './field-cipher';

const KEY_A = `keyA:${Buffer.alloc(32, 0xa1).toString('base64')}`;
const KEY_B = `keyB:${Buffer.alloc(32, 0xb2).toString('base64')}`;
const cipherWith = (keys: string) => new FieldCipher(AppConfig.fromEnv({ FIELD_ENCRYPTION_KEYS: keys }));

const ROW_1 = '3f2b8c1e-0d4a-4c6b-9e7f-1a2b3c4d5e6f';
const ROW_2 = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

const TEXTS: Array<[string, string]> = [
  ['accents', "L'accusé a transféré 12 500 € à Señor Nuñez, Lomé → Accra (Ghana), façade « Øresund »"],
  ['emoji and other planes', 'Shipment 🚢📦 seized; notes 𝔄𝔟𝔠 and 中文 and עברית'],
  ['10,000 characters', Array.from({ length: 10_000 }, (_, i) => ['a', 'é', '🙂', ' '][i % 4]).join('')],
  ['empty', ''],
];

describe('FieldCipher (AES-256-GCM, key id in the value, row and field as AAD)', () => {
  const a = cipherWith(KEY_A);

  it.each(TEXTS)('round-trips %s and stores only v1:<kid>:<iv>:<tag>:<ciphertext>', (_, text) => {
    const stored = a.encrypt(text, aad(ROW_1, 'facts'));
    expect(stored).toMatch(/^v1:keyA:[\w-]{16}:[\w-]{22}:[\w-]*$/);
    if (text) expect(stored).not.toContain(text.slice(0, 8));
    expect(FieldCipher.kidOf(stored)).toBe('keyA');
    expect(a.decrypt(stored, aad(ROW_1, 'facts'))).toBe(text);
  });

  it('keeps the 10,000 characters exactly (length in UTF-16 units and code points)', () => {
    const text = TEXTS[2][1];
    const back = a.decrypt(a.encrypt(text, aad(ROW_1, 'persons')), aad(ROW_1, 'persons'));
    expect(back.length).toBe(text.length);
    expect([...back].length).toBe([...text].length);
    expect(back).toBe(text);
  });

  it('uses a fresh IV: the same text encrypted twice gives two different values', () => {
    const one = a.encrypt('same', aad(ROW_1, 'facts'));
    const two = a.encrypt('same', aad(ROW_1, 'facts'));
    expect(one).not.toBe(two);
    expect(one.split(':')[2]).not.toBe(two.split(':')[2]);
  });

  it('refuses a value moved to another request or to the other field', () => {
    const stored = a.encrypt('facts of request 1', aad(ROW_1, 'facts'));
    expect(() => a.decrypt(stored, aad(ROW_2, 'facts'))).toThrow(FieldDecryptionError);
    expect(() => a.decrypt(stored, aad(ROW_2, 'facts'))).toThrow(
      'encrypted field cannot be read: authentication failed (altered, or belongs to another row or field)',
    );
    expect(() => a.decrypt(stored, aad(ROW_1, 'persons'))).toThrow(FieldDecryptionError);
  });

  it('refuses an altered ciphertext or tag', () => {
    const stored = a.encrypt('facts', aad(ROW_1, 'facts'));
    const parts = stored.split(':');
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    expect(() => a.decrypt([...parts.slice(0, 4), flip(parts[4])].join(':'), aad(ROW_1, 'facts'))).toThrow(/authentication failed/);
    expect(() => a.decrypt([...parts.slice(0, 3), flip(parts[3]), parts[4]].join(':'), aad(ROW_1, 'facts'))).toThrow(/authentication failed/);
  });

  it('refuses a value that is not v1, and kidOf gives null for it', () => {
    expect(() => a.decrypt('plain text', aad(ROW_1, 'facts'))).toThrow('encrypted field cannot be read: not a v1 value');
    expect(FieldCipher.kidOf('plain text')).toBeNull();
    expect(FieldCipher.kidOf('v2:keyA:a:b:c')).toBeNull();
  });

  it('after a rotation of the configuration (B first, A second) encrypts with B and still reads values of A', () => {
    const old = a.encrypt('Déclaration 🚢', aad(ROW_1, 'facts'));
    const rotated = cipherWith(`${KEY_B},${KEY_A}`);
    expect(rotated.currentKid).toBe('keyB');
    expect(rotated.decrypt(old, aad(ROW_1, 'facts'))).toBe('Déclaration 🚢');
    const fresh = rotated.encrypt('Déclaration 🚢', aad(ROW_1, 'facts'));
    expect(FieldCipher.kidOf(fresh)).toBe('keyB');
    // A cipher that only knows A cannot read B's values, naming the key.
    expect(() => a.decrypt(fresh, aad(ROW_1, 'facts'))).toThrow('encrypted field cannot be read: key "keyB" is not in FIELD_ENCRYPTION_KEYS');
  });

  it('once the old key is removed, its values fail with a FieldDecryptionError naming the kid', () => {
    const old = a.encrypt('facts', aad(ROW_1, 'facts'));
    const onlyB = cipherWith(KEY_B);
    let error: unknown;
    try {
      onlyB.decrypt(old, aad(ROW_1, 'facts'));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FieldDecryptionError);
    expect((error as Error).message).toBe('encrypted field cannot be read: key "keyA" is not in FIELD_ENCRYPTION_KEYS');
  });
});
