// The workflow's names the page lists in its filters and forms. The codes and the 18(15) checklist come from
// libs/workflow itself (pure modules, no machine); the machine's states are listed here because the machine
// (XState) stays out of the browser bundle. workflow-terms.spec.ts checks this list against the machine.
export { CHANNELS, FACILITATION_ACTIONS, LEGAL_BASES, MEASURES, NETWORK_CODES, OFFENCES, REFUSAL_GROUNDS, REQUEST_TYPES } from '@rogatory/workflow-pure/codes';
export { checkCompleteness, CHECKLIST_MARKS, CONTENT_ITEMS, CONTENT_RULES, type Completeness, type ContentItem } from '@rogatory/workflow-pure/completeness';

/** The states of the MLA request machine (libs/workflow/src/mla-request.machine.ts), in lifecycle order. */
export const REQUEST_STATES = [
  'draft',
  'informalConsultation',
  'awaitingWrittenConfirmation',
  'awaitingAcknowledgement',
  'underAssessment',
  'awaitingAdditionalInformation',
  'consultation',
  'inExecution',
  'postponed',
  'executed',
  'closed',
] as const;

/**
 * The fields of each event's form (payload of POST /api/v1/requests/{id}/events, validated again by the
 * API: libs/domain/src/requests/request-validation.ts). `text`: several lines; `line`: one line; `code`:
 * one of `codes`; `bool`: a checkbox; `date`: a calendar date. Events without fields send only their type.
 */
export type EventField =
  | { name: string; kind: 'text' | 'line' | 'date' | 'bool'; required?: boolean; max?: number }
  | { name: string; kind: 'code'; codes: readonly string[]; codePrefix: string; required?: boolean };
