// The translated dictionaries against the English one: same keys (plus plural variants), same {placeholders},
// nothing left in English but what is the same in every language.
/// <reference types="jest" />
import { en } from './en';
import { fr } from './fr';
import { pt } from './pt';
import { ru } from './ru';

const PLURAL_CATEGORIES = ['zero', 'one', 'two', 'few', 'many', 'other'] as const;
const english: Record<string, string> = en;
const enKeys = Object.keys(english);
/** The plural keys of en: `due.daysLeft` for `due.daysLeft.one` / `due.daysLeft.other`. */
const pluralBases = [...new Set(enKeys.filter((k) => /\.(one|other)$/.test(k)).map((k) => k.replace(/\.(one|other)$/, '')))];

/** Values that may stay as in English: names and acronyms. */
const SAME_AS_ENGLISH: Record<string, readonly string[]> = {
  fr: [
    'role.SYSTEM',
    'legalBasis.UNTOC',
    'legalBasis.UNCAC',
    'channel.INTERPOL',
    'requestType.EXTRADITION',
    'offence.CORRUPTION',
    'measure.CONFISCATION',
    'field.consultation',
    'field.questions',
    'field.conditions',
    'eventHelp.draftAmended',
    'eventHelp.bilateralMeetingHeld',
    'eventHelp.deadlineReached',
  ],
  pt: [
    'role.SYSTEM',
    'legalBasis.UNTOC',
    'legalBasis.UNCAC',
    'channel.INTERPOL',
    'eventHelp.draftAmended',
    'eventHelp.bilateralMeetingHeld',
    'eventHelp.deadlineReached',
  ],
  ru: [
    'role.SYSTEM',
    'legalBasis.UNTOC',
    'legalBasis.UNCAC',
    'channel.INTERPOL',
    'eventHelp.draftAmended',
    'eventHelp.bilateralMeetingHeld',
    'eventHelp.deadlineReached',
  ],
};

function placeholders(value: string): string[] {
  return [...new Set(value.match(/\{\w+\}/g) ?? [])].sort();
}

/** The English key a dictionary key stands for: itself, or the `.other` form of a plural variant. */
function englishKeyOf(key: string): string | undefined {
  if (key in english) return key;
  const m = /^(.*)\.(zero|one|two|few|many|other)$/.exec(key);
  return m && pluralBases.includes(m[1]) ? `${m[1]}.other` : undefined;
}

describe.each([
  ['fr', fr as Record<string, string>],
  ['pt', pt as Record<string, string>],
  ['ru', ru as Record<string, string>],
])('the %s dictionary', (locale, dict) => {
  it('has every key of en', () => {
    expect(enKeys.filter((k) => !(k in dict))).toEqual([]);
  });

  it('has no key en lacks, but plural variants of a plural key of en', () => {
    expect(Object.keys(dict).filter((k) => englishKeyOf(k) === undefined)).toEqual([]);
  });

  it('keeps exactly the placeholders of the English message', () => {
    const differing = Object.entries(dict)
      .filter(([k, v]) => {
        const source = englishKeyOf(k);
        return source !== undefined && placeholders(v).join() !== placeholders(english[source]).join();
      })
      .map(([k]) => k);
    expect(differing).toEqual([]);
  });

  it('leaves nothing in English but names and acronyms', () => {
    const allowed = SAME_AS_ENGLISH[locale];
    expect(enKeys.filter((k) => dict[k] === english[k] && !allowed.includes(k))).toEqual([]);
    // The allowance is not stale: every key on it is still the same as in English.
    expect(allowed.filter((k) => dict[k] !== english[k])).toEqual([]);
  });

  it('gives .one and .other for each plural key (tn falls back to .other for the other categories)', () => {
    const missing = pluralBases.flatMap((base) => [`${base}.one`, `${base}.other`]).filter((k) => !(k in dict));
    expect(missing).toEqual([]);
  });
});

describe('the Russian plural forms', () => {
  const ruDict = ru as Record<string, string>;

  it('has .one, .few, .many and .other for each plural key of en', () => {
    const expected = pluralBases.flatMap((base) => ['one', 'few', 'many', 'other'].map((c) => `${base}.${c}`));
    expect(expected.filter((k) => !(k in ruDict))).toEqual([]);
  });

  it('uses no plural category Russian lacks', () => {
    const categories: string[] = new Intl.PluralRules('ru').resolvedOptions().pluralCategories;
    const extra = Object.keys(ruDict).filter((k) => {
      const m = /\.(zero|one|two|few|many|other)$/.exec(k);
      return m !== null && !(k in english) && (PLURAL_CATEGORIES as readonly string[]).includes(m[1]) && !categories.includes(m[1]);
    });
    expect(extra).toEqual([]);
  });
});
