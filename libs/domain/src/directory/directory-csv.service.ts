import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { MikroORM } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { CHANNELS, MEASURES } from '@rogatory/workflow';
import type { Principal } from '../access/principal';
import { Clock } from '../clock';
import { CentralAuthority, CompetentAuthority, ContactPoint, Network, StateEntity } from '../entities';
import { ConflictError, ValidationFailedError, type FieldError } from '../errors';
import { readCsv, writeCsv, type CsvRecord } from '../export/csv';
import { checkCodes, checkEmail, checkLanguages, checkText, isIso6391, NAME_MAX, REQUIREMENTS_MAX } from './directory-rules';

/** Columns of the directory's CSV file, in order. */
export const DIRECTORY_CSV_COLUMNS = [
  'kind',
  'network',
  'state',
  'name',
  'email',
  'languages',
  'measures',
  'channels',
  'requirements',
  'lastConfirmedAt',
] as const;

/** The `kind` of a row: a State's own entry, its central authority, one of its competent authorities, one of its contact points. */
export const DIRECTORY_CSV_KINDS = ['STATE', 'CENTRAL_AUTHORITY', 'COMPETENT_AUTHORITY', 'CONTACT_POINT'] as const;
type CsvKind = (typeof DIRECTORY_CSV_KINDS)[number];

/** Most rows an import takes (the whole directory is about 250). */
export const DIRECTORY_IMPORT_MAX_ROWS = 5000;

/** What an import did: rows that created an entry, changed one, or left one as it was. */
export interface DirectoryImportResult {
  created: number;
  updated: number;
  unchanged: number;
}

/** A row that passed the checks of its own cells. */
type Row =
  | { kind: 'STATE'; line: number; state: string; languages: string[]; channels: string[]; requirements: string }
  | { kind: 'CENTRAL_AUTHORITY'; line: number; state: string; name: string; email: string }
  | { kind: 'COMPETENT_AUTHORITY'; line: number; state: string; name: string; email: string; measures: string[] }
  | { kind: 'CONTACT_POINT'; line: number; network: string; state: string; name: string; email: string; language: string };

const iso = (d: Date | null) => (d ? d.toISOString() : '');
const list = (cell: string) => cell.split(/[\s,;]+/).filter(Boolean);
const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The directory as one CSV file, for administrators to review and correct in bulk (issue 5). Columns
 * ({@link DIRECTORY_CSV_COLUMNS}): `kind`, `network` (contact points), `state` (ISO code), `name`,
 * `email`, `languages` (a State's accepted languages; a contact point's one language), `measures`
 * (a competent authority's), `channels` and `requirements` (a State's), `lastConfirmedAt` (ISO 8601 UTC,
 * empty: never). Lists are written space-separated (read split on spaces, commas or semicolons). One row
 * per State entry, central authority, competent authority and contact point; cells that do not apply to a
 * kind are empty.
 */
@Injectable()
export class DirectoryCsvService {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
  ) {}

  /**
   * The whole directory as CSV (directory-csv.ts: UTF-8 with BOM, RFC 4180, CRLF, formula cells
   * neutralised with a leading `'`), by State; in a State: its entry, its central authority, its
   * competent authorities by email, its contact points by network and email.
   */
  async exportCsv(): Promise<string> {
    const em = this.orm.em.fork();
    const states = await em.find(StateEntity, {}, { orderBy: { code: 'asc' } });
    const cas = await em.find(CentralAuthority, {});
    const competent = await em.find(CompetentAuthority, {}, { orderBy: { email: 'asc' } });
    const cps = await em.find(ContactPoint, {}, { orderBy: { network: { code: 'asc' }, email: 'asc' } });
    const rows: string[][] = [];
    for (const s of states) {
      rows.push(['STATE', '', s.code, s.name, '', s.acceptedLanguages.join(' '), '', s.channels.join(' '), s.formalRequirements, iso(s.lastConfirmedAt)]);
      for (const c of cas.filter((x) => x.state.code === s.code))
        rows.push(['CENTRAL_AUTHORITY', '', s.code, c.name, c.email, '', '', '', '', iso(c.lastConfirmedAt)]);
      for (const c of competent.filter((x) => x.state.code === s.code))
        rows.push(['COMPETENT_AUTHORITY', '', s.code, c.name, c.email, '', c.measures.join(' '), '', '', iso(c.lastConfirmedAt)]);
      for (const c of cps.filter((x) => x.state.code === s.code))
        rows.push(['CONTACT_POINT', c.network.code, s.code, c.name, c.email, c.language, '', '', '', iso(c.lastConfirmedAt)]);
    }
    return writeCsv({ header: [...DIRECTORY_CSV_COLUMNS], rows });
  }

  /**
   * Imports a CSV file with the columns of {@link exportCsv} (a file it wrote, corrected), all rows or
   * none. Each row upserts the entry of its (kind, network, state, email): a STATE row updates that
   * State's accepted languages, channels and requirements (States themselves come from networks.json; its
   * `name` is not read); a CENTRAL_AUTHORITY row sets the name and address of the State's one central
   * authority (UNTOC art. 18(13)), creating it if missing; a COMPETENT_AUTHORITY row creates or updates
   * that State's authority with that address; a CONTACT_POINT row creates or updates the contact point of
   * that network with that address. `lastConfirmedAt` is not read (only checked to be empty or an
   * instant): a row that creates or changes an entry confirms it now, by `by`, like an edit; an
   * unchanged row leaves its confirmation as it was. A leading `'` that the export added before = + - @
   * is removed.
   * Throws ValidationFailedError naming `line N: column` for each bad cell (at most 50; `(file)` for a
   * file that is not CSV, `line 1` for a wrong header), ConflictError when someone else added the same
   * entry meanwhile; nothing is written then.
   */
  async importCsv(text: string, by: Principal): Promise<DirectoryImportResult> {
    let records: CsvRecord[];
    try {
      records = readCsv(text);
    } catch (err) {
      throw new ValidationFailedError([{ field: '(file)', reason: `not a CSV file: ${(err as Error).message}` }]);
    }
    const [header, ...body] = records;
    if (!header || header.cells.map((c) => c.trim().toLowerCase()).join(',') !== DIRECTORY_CSV_COLUMNS.join(',').toLowerCase())
      throw new ValidationFailedError([{ field: 'line 1', reason: `the header must be exactly: ${DIRECTORY_CSV_COLUMNS.join(',')}` }]);
    if (!body.length) throw new ValidationFailedError([{ field: '(file)', reason: 'has no rows under its header' }]);
    if (body.length > DIRECTORY_IMPORT_MAX_ROWS) throw new ValidationFailedError([{ field: '(file)', reason: `at most ${DIRECTORY_IMPORT_MAX_ROWS} rows` }]);
    const now = this.clock.now();
    const result: DirectoryImportResult = { created: 0, updated: 0, unchanged: 0 };
    try {
      await this.orm.em.fork().transactional(async (em) => {
        const states = new Map((await em.find(StateEntity, {})).map((s) => [s.code, s]));
        const networks = new Map((await em.find(Network, {}, { populate: ['members'] })).map((n) => [n.code, n]));
        const errors: FieldError[] = [];
        const rows = body.map((r) => checkRow(r, states, networks, errors)).filter((r): r is Row => r !== null);
        // The same entry twice in the file.
        const seen = new Map<string, number>();
        for (const r of rows) {
          const key =
            r.kind === 'STATE' || r.kind === 'CENTRAL_AUTHORITY'
              ? `${r.kind}/${r.state}`
              : r.kind === 'CONTACT_POINT'
                ? `${r.kind}/${r.network}/${r.email}`
                : `${r.kind}/${r.state}/${r.email}`;
          const first = seen.get(key);
          if (first !== undefined)
            errors.push({
              field: `line ${r.line}: ${r.kind === 'STATE' || r.kind === 'CENTRAL_AUTHORITY' ? 'state' : 'email'}`,
              reason: `the same entry as line ${first}`,
            });
          else seen.set(key, r.line);
        }
        // A contact point's address is unique in its network: another State's contact point may hold it.
        const cps = new Map((await em.find(ContactPoint, {})).map((c) => [`${c.network.code}/${c.email}`, c]));
        for (const r of rows)
          if (r.kind === 'CONTACT_POINT') {
            const other = cps.get(`${r.network}/${r.email}`);
            if (other && other.state.code !== r.state)
              errors.push({ field: `line ${r.line}: email`, reason: `${r.email} is the address of a contact point of ${other.state.code} in ${r.network}` });
          }
        if (errors.length) throw new ValidationFailedError(errors.slice(0, 50));

        const cas = new Map((await em.find(CentralAuthority, {})).map((c) => [c.state.code, c]));
        const competent = new Map((await em.find(CompetentAuthority, {})).map((c) => [`${c.state.code}/${c.email}`, c]));
        const confirmed = { lastConfirmedAt: now, lastConfirmedBy: by.login };
        const count = (changed: boolean | 'created') => (changed === 'created' ? result.created++ : changed ? result.updated++ : result.unchanged++);
        for (const r of rows) {
          const state = states.get(r.state)!;
          switch (r.kind) {
            case 'STATE': {
              const changed = !same(state.acceptedLanguages, r.languages) || !same(state.channels, r.channels) || state.formalRequirements !== r.requirements;
              if (changed) Object.assign(state, { acceptedLanguages: r.languages, channels: r.channels, formalRequirements: r.requirements }, confirmed);
              count(changed);
              break;
            }
            case 'CENTRAL_AUTHORITY': {
              const ca = cas.get(r.state);
              if (!ca) {
                Object.assign(em.create(CentralAuthority, new CentralAuthority(state, r.name, r.email)), { createdAt: now }, confirmed);
                count('created');
              } else {
                const changed = ca.name !== r.name || ca.email !== r.email;
                if (changed) Object.assign(ca, { name: r.name, email: r.email }, confirmed);
                count(changed);
              }
              break;
            }
            case 'COMPETENT_AUTHORITY': {
              const c = competent.get(`${r.state}/${r.email}`);
              if (!c) {
                Object.assign(em.create(CompetentAuthority, new CompetentAuthority(state, r.name, r.email, r.measures, now)), confirmed);
                count('created');
              } else {
                const changed = c.name !== r.name || !same(c.measures, r.measures);
                if (changed) Object.assign(c, { name: r.name, measures: r.measures }, confirmed);
                count(changed);
              }
              break;
            }
            case 'CONTACT_POINT': {
              const c = cps.get(`${r.network}/${r.email}`);
              if (!c) {
                const cp = em.create(ContactPoint, new ContactPoint(networks.get(r.network)!, state, r.name, r.email, r.language));
                Object.assign(cp, { createdAt: now }, confirmed);
                count('created');
              } else {
                const changed = c.name !== r.name || c.language !== r.language;
                if (changed) Object.assign(c, { name: r.name, language: r.language }, confirmed);
                count(changed);
              }
              break;
            }
          }
        }
        await em.flush();
      });
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException)
        throw new ConflictError('an entry of the file was added at the same moment by someone else; import the file again');
      throw err;
    }
    return result;
  }
}

/** Checks one record's cells for its kind; pushes `line N: column` errors and returns null when any is bad. */
function checkRow(rec: CsvRecord, states: Map<string, StateEntity>, networks: Map<string, Network>, errors: FieldError[]): Row | null {
  const before = errors.length;
  const at = (column: string) => `line ${rec.line}: ${column}`;
  if (rec.cells.length !== DIRECTORY_CSV_COLUMNS.length) {
    errors.push({
      field: `line ${rec.line}`,
      reason: `has ${rec.cells.length} cells, expected ${DIRECTORY_CSV_COLUMNS.length} (${DIRECTORY_CSV_COLUMNS.join(',')})`,
    });
    return null;
  }
  const cell = Object.fromEntries(DIRECTORY_CSV_COLUMNS.map((c, i) => [c, rec.cells[i]])) as Record<(typeof DIRECTORY_CSV_COLUMNS)[number], string>;
  const trimmed = (c: keyof typeof cell) => cell[c].trim();
  const fail = (column: string, reason: string) => errors.push({ field: at(column), reason });
  const collect = <T>(r: { value?: T; errors: FieldError[] }, column: string): T | undefined => {
    for (const e of r.errors) errors.push({ field: at(e.field.replace(/^[^[]*/, column)), reason: e.reason });
    return r.value;
  };

  const kind = trimmed('kind').toUpperCase() as CsvKind;
  if (!DIRECTORY_CSV_KINDS.includes(kind)) {
    fail('kind', `${JSON.stringify(cell.kind)} is not one of ${DIRECTORY_CSV_KINDS.join(', ')}`);
    return null;
  }
  const state = trimmed('state').toUpperCase();
  if (!states.has(state)) fail('state', `${JSON.stringify(cell.state)} is not a State of the directory (ISO 3166-1 alpha-2 code)`);
  const empty = (column: keyof typeof cell) => {
    if (trimmed(column) !== '') fail(column, `must be empty in a ${kind} row`);
  };
  const confirmedAt = trimmed('lastConfirmedAt');
  if (confirmedAt && (!/^\d{4}-\d{2}-\d{2}T/.test(confirmedAt) || Number.isNaN(Date.parse(confirmedAt))))
    fail('lastConfirmedAt', 'must be empty or an ISO 8601 instant (it is not imported)');

  let row: Row | null = null;
  if (kind === 'STATE') {
    empty('network');
    empty('email');
    empty('measures');
    const languages = collect(checkLanguages(list(cell.languages), 'languages'), 'languages');
    const channels = collect(checkCodes(list(cell.channels), 'channels', CHANNELS), 'channels');
    const requirements = collect(checkText(cell.requirements, 'requirements', { max: REQUIREMENTS_MAX, oneLine: false, required: false }), 'requirements');
    if (languages && channels && requirements !== undefined) row = { kind, line: rec.line, state, languages, channels, requirements };
  } else {
    const name = collect(checkText(cell.name, 'name', { max: NAME_MAX, oneLine: true, required: true }), 'name');
    const email = collect(checkEmail(cell.email, 'email'), 'email');
    empty('channels');
    empty('requirements');
    if (kind === 'CONTACT_POINT') {
      empty('measures');
      const network = trimmed('network').toUpperCase();
      const n = networks.get(network);
      if (!n) fail('network', `${JSON.stringify(cell.network)} is not a network of the directory (${[...networks.keys()].join(', ')})`);
      else if (states.has(state) && !n.members.getItems().some((m) => m.code === state)) fail('network', `${state} is not a member of ${network}`);
      const language = trimmed('languages');
      if (!isIso6391(language))
        fail('languages', `a contact point reads one language: an ISO 639-1 code in lower case (e.g. fr), got ${JSON.stringify(cell.languages)}`);
      if (name && email) row = { kind, line: rec.line, network, state, name, email, language };
    } else {
      empty('network');
      empty('languages');
      if (kind === 'COMPETENT_AUTHORITY') {
        const measures = collect(checkCodes(list(cell.measures), 'measures', MEASURES), 'measures');
        if (name && email && measures) row = { kind, line: rec.line, state, name, email, measures };
      } else {
        empty('measures');
        if (name && email) row = { kind: 'CENTRAL_AUTHORITY', line: rec.line, state, name, email };
      }
    }
  }
  return errors.length > before ? null : row;
}
