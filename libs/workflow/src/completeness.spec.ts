import { checkCompleteness, type RequestContent } from './completeness';

const COMPLETE: RequestContent = {
  requestingAuthority: 'Office of the Attorney General, Bangkok',
  subject: 'Investigation of a wildlife trafficking ring',
  investigatingAuthority: 'Department of Special Investigation',
  factsSummary: 'Shipments of pangolin scales were routed through Tashkent in 2020.',
  measures: ['LOCATE_PERSONS', 'FINANCIAL_RECORDS'],
  personsConcerned: [{ name: 'A' }],
  purpose: 'Evidence for the trial before the Criminal Court',
};

/** UNTOC art. 18(15): what a request must carry, as the product checks it before transmission. */
describe('checkCompleteness (UNTOC art. 18(15))', () => {
  it.each<[string, Partial<RequestContent>, string[], string[]]>([
    ['a complete request', {}, [], []],
    ['no requesting authority (a)', { requestingAuthority: null }, ['REQUESTING_AUTHORITY'], []],
    ['a blank subject (b)', { subject: '   ' }, ['SUBJECT_AND_NATURE'], []],
    ['no investigating authority (b)', { investigatingAuthority: '' }, ['INVESTIGATING_AUTHORITY'], []],
    ['no facts (c)', { factsSummary: null }, ['SUMMARY_OF_FACTS'], []],
    ['no facts, service of documents only (c: not needed)', { factsSummary: null, measures: ['SERVICE_OF_DOCUMENTS'] }, [], []],
    [
      'no facts, service of documents and another measure',
      { factsSummary: null, measures: ['SERVICE_OF_DOCUMENTS', 'TAKING_EVIDENCE'] },
      ['SUMMARY_OF_FACTS'],
      [],
    ],
    ['no measure (d)', { measures: [] }, ['ASSISTANCE_SOUGHT'], []],
    ['no person concerned (e: where possible)', { personsConcerned: [] }, [], ['PERSONS_CONCERNED']],
    ['no purpose (f)', { purpose: null }, ['PURPOSE'], []],
    [
      'nothing at all',
      { requestingAuthority: null, subject: null, investigatingAuthority: null, factsSummary: null, measures: [], personsConcerned: [], purpose: null },
      ['REQUESTING_AUTHORITY', 'SUBJECT_AND_NATURE', 'INVESTIGATING_AUTHORITY', 'SUMMARY_OF_FACTS', 'ASSISTANCE_SOUGHT', 'PURPOSE'],
      ['PERSONS_CONCERNED'],
    ],
  ])('%s', (_, change, missing, recommended) => {
    const c = checkCompleteness({ ...COMPLETE, ...change });
    expect(c.missing).toEqual(missing);
    expect(c.recommended).toEqual(recommended);
    expect(c.complete).toBe(missing.length === 0);
    expect(c.items.filter((i) => !i.present).map((i) => i.item)).toEqual([...missing, ...recommended].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b)));
  });

  it('names the paragraph of each item', () => {
    expect(Object.fromEntries(checkCompleteness(COMPLETE).items.map((i) => [i.item, i.paragraph]))).toEqual({
      REQUESTING_AUTHORITY: '18(15)(a)',
      SUBJECT_AND_NATURE: '18(15)(b)',
      INVESTIGATING_AUTHORITY: '18(15)(b)',
      SUMMARY_OF_FACTS: '18(15)(c)',
      ASSISTANCE_SOUGHT: '18(15)(d)',
      PERSONS_CONCERNED: '18(15)(e)',
      PURPOSE: '18(15)(f)',
    });
  });
});

const ORDER = [
  'REQUESTING_AUTHORITY',
  'SUBJECT_AND_NATURE',
  'INVESTIGATING_AUTHORITY',
  'SUMMARY_OF_FACTS',
  'ASSISTANCE_SOUGHT',
  'PERSONS_CONCERNED',
  'PURPOSE',
];
