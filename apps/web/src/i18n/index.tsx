// The page's languages (English, French, Portuguese, Russian): messages by key, plural forms by
// Intl.PluralRules, dates, numbers, State and language names by Intl in the chosen locale. English is in
// the first bundle; the others load when picked.
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { en, type MessageKey } from './en';

export const LOCALES = ['en', 'fr', 'pt', 'ru'] as const;
export type Locale = (typeof LOCALES)[number];
/** Each language's name in itself, for the picker. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', fr: 'Français', pt: 'Português', ru: 'Русский' };

/** A dictionary: every English key, and plural variants (`key.few`, `key.many`) where the language has them. */
export type Dictionary = Record<MessageKey, string> & Record<string, string>;

const loaders: Record<Locale, () => Promise<Dictionary>> = {
  en: () => Promise.resolve(en),
  fr: () => import('./fr').then((m) => m.fr),
  pt: () => import('./pt').then((m) => m.pt),
  ru: () => import('./ru').then((m) => m.ru),
};

const STORAGE_KEY = 'rogatory.locale';

/** The locale to start with: `?lang=`, then the one picked before, then the browser's languages, then English. */
export function initialLocale(): Locale {
  const fromQuery = new URLSearchParams(location.search).get('lang');
  const candidates = [fromQuery, localStorage.getItem(STORAGE_KEY), ...navigator.languages];
  for (const c of candidates) {
    const base = c?.slice(0, 2).toLowerCase();
    if (base && (LOCALES as readonly string[]).includes(base)) return base as Locale;
  }
  return 'en';
}

export async function loadDictionary(locale: Locale): Promise<Dictionary> {
  return loaders[locale]();
}

export function rememberLocale(locale: Locale): void {
  localStorage.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale;
}

export type Params = Record<string, string | number>;

/** What a page uses to speak the user's language. */
export interface I18n {
  locale: Locale;
  /** The message `key` with `{name}` placeholders filled from `params`. */
  t(key: MessageKey, params?: Params): string;
  /** The plural form of `key` for `count` (`key.one`, `key.few`, `key.many`, `key.other`), with `{count}` formatted. */
  tn(key: string, count: number, params?: Params): string;
  /** A code's label (`event.receiptAcknowledged`, `offence.CYBERCRIME`…), or the code itself when there is none. */
  code(prefix: string, value: string | null | undefined): string;
  /** A number in the locale. */
  num(n: number | null | undefined): string;
  /** A calendar date (YYYY-MM-DD) in the locale, e.g. 12 Mar 2026: no time zone is applied to it. */
  date(isoDate: string | null | undefined): string;
  /** A UTC instant as date and time in `timeZone` (IANA), with the zone's name. */
  dateTime(instant: string | null | undefined, timeZone: string): string;
  /** A State's name from its ISO 3166-1 code (Intl.DisplayNames), e.g. GH → Ghana / Гана. */
  stateName(code: string | null | undefined): string;
  /** A language's name from its ISO 639-1 code. */
  languageName(code: string): string;
}

function fill(template: string, params: Params | undefined, num: (n: number) => string): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => {
    const v = params[name];
    return v === undefined ? m : typeof v === 'number' ? num(v) : v;
  });
}

/** The I18n of `locale` over `dict` (English `en` fills any gap). */
export function makeI18n(locale: Locale, dict: Dictionary): I18n {
  const numbers = new Intl.NumberFormat(locale);
  const plural = new Intl.PluralRules(locale);
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const regions = new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' });
  const languages = new Intl.DisplayNames([locale], { type: 'language', fallback: 'code' });
  const dateTimes = new Map<string, Intl.DateTimeFormat>();
  const num = (n: number) => numbers.format(n);
  const lookup = (key: string): string | undefined => dict[key] ?? (en as Record<string, string>)[key];
  return {
    locale,
    t: (key, params) => fill(lookup(key) ?? key, params, num),
    tn: (key, count, params) => fill(lookup(`${key}.${plural.select(count)}`) ?? lookup(`${key}.other`) ?? key, { count, ...params }, num),
    code: (prefix, value) => (value ? (lookup(`${prefix}.${value}`) ?? value) : ''),
    num: (n) => (n === null || n === undefined ? '–' : num(n)),
    date: (d) => {
      if (!d) return '';
      const [y, m, day] = d.split('-').map(Number);
      return dates.format(new Date(Date.UTC(y, m - 1, day)));
    },
    dateTime: (instant, timeZone) => {
      if (!instant) return '';
      let f = dateTimes.get(timeZone);
      if (!f) {
        f = new Intl.DateTimeFormat(locale, {
          year: 'numeric',
          month: 'short',
          day: 'numeric',
          hour: '2-digit',
          minute: '2-digit',
          timeZone,
          timeZoneName: 'short',
        });
        dateTimes.set(timeZone, f);
      }
      return f.format(new Date(instant));
    },
    stateName: (c) => (c ? (regions.of(c.toUpperCase()) ?? c) : ''),
    languageName: (c) => languages.of(c) ?? c,
  };
}

const I18nContext = createContext<I18n>(makeI18n('en', en));

export function I18nProvider({ locale, dict, children }: { locale: Locale; dict: Dictionary; children: ReactNode }) {
  const value = useMemo(() => makeI18n(locale, dict), [locale, dict]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}

/** Today's calendar date (YYYY-MM-DD) in `timeZone`. */
export function todayIn(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** Calendar days from calendar date `from` to `to` (YYYY-MM-DD), negative when `to` is before. */
export function daysBetween(from: string, to: string): number {
  const ms = (d: string) => {
    const [y, m, day] = d.split('-').map(Number);
    return Date.UTC(y, m - 1, day);
  };
  return Math.round((ms(to) - ms(from)) / 86_400_000);
}
