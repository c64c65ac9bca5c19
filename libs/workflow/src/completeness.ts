/**
 * The content a request must carry under UNTOC art. 18(15) (mirrored by UNCAC art. 46(15)), checked by
 * the product before transmission and by the requested State's contact point when reviewing a draft.
 */
export const CONTENT_ITEMS = [
  'REQUESTING_AUTHORITY',
  'SUBJECT_AND_NATURE',
  'INVESTIGATING_AUTHORITY',
  'SUMMARY_OF_FACTS',
  'ASSISTANCE_SOUGHT',
  'PERSONS_CONCERNED',
  'PURPOSE',
] as const;
export type ContentItem = (typeof CONTENT_ITEMS)[number];

/** A reviewer's mark on one item of the checklist: present and adequate, missing, or present but unclear. */
export const CHECKLIST_MARKS = ['OK', 'MISSING', 'UNCLEAR'] as const;
export type ChecklistMark = (typeof CHECKLIST_MARKS)[number];

/** Paragraph of article 18 behind each item, and whether the article requires it or asks for it "where possible". */
export const CONTENT_RULES: Record<ContentItem, { paragraph: string; required: boolean; what: string }> = {
  REQUESTING_AUTHORITY: { paragraph: '18(15)(a)', required: true, what: 'the identity of the authority making the request' },
  SUBJECT_AND_NATURE: { paragraph: '18(15)(b)', required: true, what: 'the subject matter and nature of the investigation, prosecution or proceeding' },
  INVESTIGATING_AUTHORITY: { paragraph: '18(15)(b)', required: true, what: 'the name and functions of the authority conducting it' },
  SUMMARY_OF_FACTS: {
    paragraph: '18(15)(c)',
    required: true,
    what: 'a summary of the relevant facts (not needed when the request is only for service of judicial documents)',
  },
  ASSISTANCE_SOUGHT: { paragraph: '18(15)(d)', required: true, what: 'a description of the assistance sought (the measures)' },
  PERSONS_CONCERNED: { paragraph: '18(15)(e)', required: false, what: 'the identity, location and nationality of any person concerned, where possible' },
  PURPOSE: { paragraph: '18(15)(f)', required: true, what: 'the purpose for which the evidence, information or action is sought' },
};

/** What of a request the check reads: its content fields as stored (null or empty when not given). */
export interface RequestContent {
  requestingAuthority: string | null;
  subject: string | null;
  investigatingAuthority: string | null;
  factsSummary: string | null;
  measures: readonly string[];
  personsConcerned: readonly unknown[];
  purpose: string | null;
}

export interface CompletenessItem {
  item: ContentItem;
  paragraph: string;
  required: boolean;
  /** True when given; an item not needed for this request (facts for service of documents only) counts as given. */
  present: boolean;
  what: string;
}

export interface Completeness {
  /** Every required item is present. */
  complete: boolean;
  /** Required items missing, in the article's order. */
  missing: ContentItem[];
  /** Items recommended by the article ("where possible") and not given. */
  recommended: ContentItem[];
  items: CompletenessItem[];
}

const given = (s: string | null): boolean => typeof s === 'string' && s.trim().length > 0;

/**
 * Checks `r` against UNTOC art. 18(15): which required items are missing and which recommended ones
 * are not given. A summary of facts is not needed when the only measure is SERVICE_OF_DOCUMENTS
 * (18(15)(c)). Pure; the same answer for the API, the contact point's review and the web page.
 */
export function checkCompleteness(r: RequestContent): Completeness {
  const serviceOnly = r.measures.length > 0 && r.measures.every((m) => m === 'SERVICE_OF_DOCUMENTS');
  const present: Record<ContentItem, boolean> = {
    REQUESTING_AUTHORITY: given(r.requestingAuthority),
    SUBJECT_AND_NATURE: given(r.subject),
    INVESTIGATING_AUTHORITY: given(r.investigatingAuthority),
    SUMMARY_OF_FACTS: serviceOnly || given(r.factsSummary),
    ASSISTANCE_SOUGHT: r.measures.length > 0,
    PERSONS_CONCERNED: r.personsConcerned.length > 0,
    PURPOSE: given(r.purpose),
  };
  const items = CONTENT_ITEMS.map((item) => ({ item, ...CONTENT_RULES[item], present: present[item] }));
  const missing = items.filter((i) => i.required && !i.present).map((i) => i.item);
  const recommended = items.filter((i) => !i.required && !i.present).map((i) => i.item);
  return { complete: missing.length === 0, missing, recommended, items };
}
