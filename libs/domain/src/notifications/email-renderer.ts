import type { DeadlineStep, Stage } from '@rogatory/workflow';
import Handlebars from 'handlebars';
import { DateTime } from 'luxon';
import { DIGEST_EMAIL_HTML, DIGEST_EMAIL_TEXT } from './templates/digest-email.template';
import type { DigestMessageKey, EmailMessages, StageMessageKey } from './templates/email-messages';
import { EN_MESSAGES } from './templates/en.messages';
import { FR_MESSAGES } from './templates/fr.messages';
import { PT_MESSAGES } from './templates/pt.messages';
import { RU_MESSAGES } from './templates/ru.messages';
import { STAGE_EMAIL_HTML, STAGE_EMAIL_TEXT } from './templates/stage-email.template';

/** The languages emails are written in (ISO 639-1); any other falls back along the recipient's list, then to English. */
const MESSAGES: Record<string, EmailMessages> = { en: EN_MESSAGES, fr: FR_MESSAGES, pt: PT_MESSAGES, ru: RU_MESSAGES };
export const EMAIL_LANGUAGES = Object.keys(MESSAGES);

/** An email ready for the outbox. */
export interface RenderedEmail {
  /** ISO 639-1 code of the language it is written in. */
  language: string;
  subject: string;
  text: string;
  html: string;
}

/** What a reminder or escalation says: metadata of the case only, never its facts or the persons concerned. */
export interface StageEmailInput {
  /** The recipient's languages in order of preference (ISO 639-1; a region suffix such as pt-BR is ignored). */
  languages: string[];
  /** IANA zone the recipient reads dates in. */
  timeZone: string;
  reference: string;
  network: string;
  /** ISO 3166-1 alpha-2 codes. */
  requestingState: string;
  requestedState: string;
  owingState: string;
  step: DeadlineStep;
  stage: Stage;
  /** 0 for the reminder, 1–4 for the escalation levels. */
  level: number;
  /** The due instant (09:00 local time of the owing State on the due date), written as a date in `timeZone`. */
  dueAt: Date;
  /** Sent after its time: the subject and the body say so. */
  late: boolean;
  /** When the message was meant to go out (UTC); shown when `late`. */
  scheduledAt: Date;
  /** Absolute URL of the case. */
  link: string;
}

/** One line of a digest: an overdue step of a case. */
export interface DigestItem {
  reference: string;
  step: DeadlineStep;
  /** Due date, YYYY-MM-DD (a calendar date in the owing State). */
  dueOn: string;
  /** Calendar days from the due date to the recipient's local date. */
  daysOverdue: number;
  link: string;
}

/** What a contact point's daily digest says. */
export interface DigestEmailInput {
  languages: string[];
  network: string;
  /** ISO code of the contact point's State, which owes the steps listed. */
  state: string;
  /** The recipient's local date, YYYY-MM-DD. */
  localDate: string;
  items: DigestItem[];
}

type Template = Handlebars.TemplateDelegate;

/** An isolated Handlebars environment: no global helpers or partials leak in. */
const hb = Handlebars.create();
const compiled = new Map<string, Template>();

/** Compiles once and caches by `key`. Plain text is compiled without escaping; HTML escapes every `{{…}}`. */
function template(key: string, source: string, html: boolean): Template {
  let t = compiled.get(key);
  if (!t) {
    t = hb.compile(source, { noEscape: !html, strict: true });
    compiled.set(key, t);
  }
  return t;
}

/**
 * The first of `languages` that has messages (matched on the ISO 639-1 part, case-insensitively), else
 * English. E.g. `['uz', 'ru']` gives `ru`; `['ka', 'en', 'ru']` gives `en`.
 */
export function emailLanguage(languages: string[]): string {
  for (const l of languages) {
    const code = l.trim().toLowerCase().split(/[-_]/)[0];
    if (MESSAGES[code]) return code;
  }
  return 'en';
}

const regionNames = new Map<string, Intl.DisplayNames>();

/** Name of a State in `locale` (ICU data), or its code when ICU has none. */
function stateNameIn(locale: string, code: string): string {
  let names = regionNames.get(locale);
  if (!names) {
    names = new Intl.DisplayNames([locale], { type: 'region' });
    regionNames.set(locale, names);
  }
  try {
    return names.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

/** Renders every snippet of `group` with `model`, as plain text (the layouts escape them for HTML). */
function snippets<K extends string>(lang: string, group: 'stage' | 'digest', messages: Record<K, string>, model: object, keys: K[]): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const k of keys) out[k] = template(`${lang}.${group}.${k}`, messages[k], false)(model);
  return out;
}

const STAGE_KEYS: StageMessageKey[] = [
  'subject',
  'salutation',
  'heading',
  'lateNotice',
  'referenceLabel',
  'requestingStateLabel',
  'requestedStateLabel',
  'networkLabel',
  'stepLabel',
  'owedByLabel',
  'owedBy',
  'dueDateLabel',
  'dueDate',
  'statusLabel',
  'status',
  'plenary',
  'caseLabel',
  'footer',
];

/**
 * Renders a reminder or escalation (DOMAIN.md §4) in the first of the recipient's languages that has
 * messages, else English: subject, plain text and HTML. The due date is written in that language and in
 * the recipient's time zone, e.g. "lundi 28 décembre 2026"; the step has its translated label; the
 * owing authority is named by side (requesting or requested State) and State; level 4 adds the plenary
 * listing; a late message says so in the subject and the body. Carries no facts of the case.
 */
export function renderStageEmail(input: StageEmailInput): RenderedEmail {
  const lang = emailLanguage(input.languages);
  const m = MESSAGES[lang];
  const polish = m.polishDate ?? ((s: string) => s);
  const dateIn = (d: Date, format: Intl.DateTimeFormatOptions) =>
    polish(DateTime.fromJSDate(d, { zone: input.timeZone }).setLocale(m.locale).toLocaleString(format));
  const model = {
    lang,
    colon: m.colon,
    reference: input.reference,
    network: input.network,
    requestingState: stateNameIn(m.locale, input.requestingState),
    requestedState: stateNameIn(m.locale, input.requestedState),
    owingState: stateNameIn(m.locale, input.owingState),
    owedByRequested: input.owingState === input.requestedState,
    step: m.steps[input.step],
    reminder: input.stage === 'REMINDER',
    level: input.level,
    plenary: input.stage === 'LEVEL_4',
    late: input.late,
    dueDate: dateIn(input.dueAt, DateTime.DATE_HUGE),
    scheduledAt: dateIn(input.scheduledAt, { ...DateTime.DATE_HUGE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
    timeZone: input.timeZone,
    link: input.link,
    levelLabel: '',
  };
  model.levelLabel = template(`${lang}.stage.levelLabel`, m.stage.levelLabel, false)(model);
  const t = snippets(lang, 'stage', m.stage, model, STAGE_KEYS);
  const view = { ...model, t };
  return {
    language: lang,
    subject: t.subject,
    text: template('stage.text', STAGE_EMAIL_TEXT, false)(view),
    html: template('stage.html', STAGE_EMAIL_HTML, true)(view),
  };
}

const DIGEST_KEYS: DigestMessageKey[] = [
  'subject',
  'salutation',
  'heading',
  'intro',
  'countLabel',
  'referenceColumn',
  'stepColumn',
  'dueDateColumn',
  'daysOverdueColumn',
  'caseColumn',
  'note',
  'footer',
];

/**
 * Renders a contact point's daily digest in the first of its languages that has messages, else
 * English: one line per overdue step (reference, translated step, due date written in that language,
 * calendar days overdue, link). Carries no facts of the cases.
 */
export function renderDigestEmail(input: DigestEmailInput): RenderedEmail {
  const lang = emailLanguage(input.languages);
  const m = MESSAGES[lang];
  const polish = m.polishDate ?? ((s: string) => s);
  const dateOf = (iso: string) => polish(DateTime.fromISO(iso, { zone: 'UTC' }).setLocale(m.locale).toLocaleString(DateTime.DATE_FULL));
  const model = {
    lang,
    colon: m.colon,
    network: input.network,
    stateName: stateNameIn(m.locale, input.state),
    date: dateOf(input.localDate),
    count: input.items.length,
    items: input.items.map((i) => ({ reference: i.reference, step: m.steps[i.step], dueDate: dateOf(i.dueOn), daysOverdue: i.daysOverdue, link: i.link })),
  };
  const t = snippets(lang, 'digest', m.digest, model, DIGEST_KEYS);
  const view = { ...model, t };
  return {
    language: lang,
    subject: t.subject,
    text: template('digest.text', DIGEST_EMAIL_TEXT, false)(view),
    html: template('digest.html', DIGEST_EMAIL_HTML, true)(view),
  };
}
