import type { DeadlineStep } from '@rogatory/workflow';

/** Keys of the stage email (reminder or escalation) snippets; each value is a Handlebars template over `StageEmailModel`. */
export type StageMessageKey =
  | 'levelLabel'
  | 'subject'
  | 'salutation'
  | 'heading'
  | 'lateNotice'
  | 'referenceLabel'
  | 'requestingStateLabel'
  | 'requestedStateLabel'
  | 'networkLabel'
  | 'stepLabel'
  | 'owedByLabel'
  | 'owedBy'
  | 'dueDateLabel'
  | 'dueDate'
  | 'statusLabel'
  | 'status'
  | 'plenary'
  | 'caseLabel'
  | 'footer';

/** Keys of the daily digest snippets; each value is a Handlebars template over `DigestEmailModel`. */
export type DigestMessageKey =
  | 'subject'
  | 'salutation'
  | 'heading'
  | 'intro'
  | 'countLabel'
  | 'referenceColumn'
  | 'stepColumn'
  | 'dueDateColumn'
  | 'daysOverdueColumn'
  | 'caseColumn'
  | 'note'
  | 'footer';

/**
 * Everything an email says in one language: plain-text Handlebars snippets (compiled without escaping;
 * the HTML layout escapes them once) and the step labels. The type makes every language complete.
 */
export interface EmailMessages {
  /** BCP 47 locale for dates (luxon `setLocale`) and State names (`Intl.DisplayNames`). */
  locale: string;
  /** Adjusts a date as ICU writes it to the language's usage (French: "1er mars", not "1 mars"). */
  polishDate?: (formatted: string) => string;
  /** Separator between a label and its value in the plain-text part (French puts a space before the colon). */
  colon: string;
  /** Label of each step owed (libs/workflow deadline-policy.ts), in the terms of UNTOC art. 18 in that language. */
  steps: Record<DeadlineStep, string>;
  stage: Record<StageMessageKey, string>;
  digest: Record<DigestMessageKey, string>;
}
