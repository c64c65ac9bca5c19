/**
 * Reference codes of DOMAIN.md §6. Every list is the closed set the product accepts; values are
 * matched case-insensitively at the edges (API, register import) and stored upper-case.
 */
export const REQUEST_TYPES = ['MLA', 'EXTRADITION', 'ASSET_RECOVERY'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

export const LEGAL_BASES = ['UNTOC', 'UNCAC', 'TREATY', 'REGIONAL', 'RECIPROCITY'] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

/** The 15 crime types of UNODC's SHERLOC portal. */
export const OFFENCES = [
  'CORRUPTION',
  'COUNTERFEITING',
  'CYBERCRIME',
  'DRUG_TRAFFICKING',
  'MONEY_LAUNDERING',
  'OBSTRUCTION_OF_JUSTICE',
  'PARTICIPATION_IN_OCG',
  'PIRACY_AND_MARITIME_CRIME',
  'SMUGGLING_OF_MIGRANTS',
  'FIREARMS_TRAFFICKING',
  'TRAFFICKING_IN_CULTURAL_PROPERTY',
  'ENVIRONMENTAL_CRIME',
  'TRAFFICKING_IN_PERSONS',
  'FALSIFIED_MEDICAL_PRODUCTS',
  'TERRORISM',
] as const;
export type Offence = (typeof OFFENCES)[number];

/** Measures of assistance, UNTOC art. 18(3). */
export const MEASURES = [
  'TAKING_EVIDENCE',
  'VIDEO_HEARING',
  'SERVICE_OF_DOCUMENTS',
  'SEARCH_AND_SEIZURE',
  'EXAMINE_OBJECTS_AND_SITES',
  'EXPERT_EVALUATION',
  'DOCUMENTS_AND_RECORDS',
  'FINANCIAL_RECORDS',
  'ELECTRONIC_EVIDENCE',
  'LOCATE_PERSONS',
  'TRACE_PROCEEDS',
  'FREEZE_OR_SEIZE',
  'CONFISCATION',
  'VOLUNTARY_APPEARANCE',
  'TRANSFER_OF_DETAINED_PERSON',
  'OTHER',
] as const;
export type Measure = (typeof MEASURES)[number];

/** Refusal grounds of UNTOC art. 18(21)(a)–(d). */
export const REFUSAL_GROUNDS = ['NON_CONFORMITY', 'ESSENTIAL_INTERESTS', 'DOMESTIC_LAW_PROHIBITS', 'CONTRARY_TO_LEGAL_SYSTEM'] as const;
export type RefusalGround = (typeof REFUSAL_GROUNDS)[number];

export const OUTCOMES = ['EXECUTED', 'PARTIALLY_EXECUTED', 'REFUSED', 'WITHDRAWN', 'LAPSED'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * Transmission channels, UNTOC art. 18(13)–(14). `ORAL_URGENT` is an urgent request made orally,
 * which the requesting State must confirm in writing forthwith.
 */
export const CHANNELS = ['CENTRAL_AUTHORITY', 'DIPLOMATIC', 'INTERPOL', 'ORAL_URGENT'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Network codes used in statistics; `OTHER` is facilitation outside the three networks. */
export const NETWORK_CODES = ['WACAP', 'SEAJUST', 'CASC', 'OTHER'] as const;
export type NetworkCode = (typeof NETWORK_CODES)[number];

/** Roles of DOMAIN.md §1, plus `SYSTEM` for events the engine feeds itself (deadlines). */
export const ROLES = ['CENTRAL_AUTHORITY', 'CONTACT_POINT', 'SECRETARIAT', 'ADMINISTRATOR', 'SYSTEM'] as const;
export type Role = (typeof ROLES)[number];

/** Facilitation steps a contact point or the programme records (DOMAIN.md §1, §5). */
export const FACILITATION_ACTIONS = [
  'CONSULTED_ON_DRAFT',
  'CHASED_REQUESTED_SIDE',
  'CLARIFIED_REQUIREMENTS',
  'ARRANGED_CALL',
  'ESCALATED_TO_SECRETARIAT',
  'LINKED_OTHER_NETWORK',
  'OTHER',
] as const;
export type FacilitationAction = (typeof FACILITATION_ACTIONS)[number];

/**
 * What a bilateral meeting at a network's plenary made of a stuck request: RESOLVED (the step owed is
 * unblocked), ACTION_AGREED (a next step and date agreed between the two central authorities),
 * NO_PROGRESS (discussed, nothing agreed), NOT_DISCUSSED (on the agenda, not reached).
 */
export const BILATERAL_MEETING_OUTCOMES = ['RESOLVED', 'ACTION_AGREED', 'NO_PROGRESS', 'NOT_DISCUSSED'] as const;
export type BilateralMeetingOutcome = (typeof BILATERAL_MEETING_OUTCOMES)[number];
