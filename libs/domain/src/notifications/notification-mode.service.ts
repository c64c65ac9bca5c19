import { LockMode } from '@mikro-orm/core';
import { MikroORM } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { Principal } from '../access/principal';
import { ContactPoint, NOTIFICATION_MODES, type NotificationMode } from '../entities';
import { contentEtag, type Precondition } from '../entity-tag';
import { NotFoundError, ValidationFailedError } from '../errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A contact point as the administration sees it. */
export interface ContactPointSummary {
  id: string;
  name: string;
  email: string;
  /** Network code (WACAP, SEAJUST, CASC). */
  network: string;
  /** ISO 3166-1 alpha-2 code of its State. */
  state: string;
  /** ISO 639-1 code of the language it is written to in. */
  language: string;
  notificationMode: NotificationMode;
  /**
   * Entity tag of the contact point (quoted, as sent in `ETag`): a content hash ({@link contentEtag}) of
   * the fields above, so it changes when any of them does, the notification mode included. Send it back
   * as `If-Match` when setting the mode.
   */
  etag: string;
}

function summary(c: ContactPoint): ContactPointSummary {
  const fields = {
    id: c.id,
    name: c.name,
    email: c.email,
    network: c.network.code,
    state: c.state.code,
    language: c.language,
    notificationMode: c.notificationMode,
  };
  return { ...fields, etag: contentEtag(Object.values(fields)) };
}

/**
 * How each contact point is notified: one email per reminder or escalation (EACH, the default) or one
 * daily digest of what its State owes overdue (DAILY_DIGEST, see DigestService).
 */
@Injectable()
export class NotificationModeService {
  constructor(private readonly orm: MikroORM) {}

  /**
   * Contact points, optionally of one network (code, any case) and/or one State (ISO code, any case),
   * ordered by network, State and email. The caller validates the filters' shape.
   */
  async list(filter: { network?: string; state?: string } = {}): Promise<ContactPointSummary[]> {
    const where: Record<string, unknown> = {};
    if (filter.network) where.network = { code: filter.network.toUpperCase() };
    if (filter.state) where.state = { code: filter.state.toUpperCase() };
    const cps = await this.orm.em.fork().find(ContactPoint, where, { orderBy: { network: { code: 'asc' }, state: { code: 'asc' }, email: 'asc' } });
    return cps.map(summary);
  }

  /**
   * The contact point of a signed-in user of role CONTACT_POINT (`principal.contactPointId`), with its
   * entity tag. NotFoundError when the user is linked to no contact point (or to one since removed).
   */
  async mine(principal: Principal): Promise<ContactPointSummary> {
    const id = principal.contactPointId;
    const cp = id ? await this.orm.em.fork().findOne(ContactPoint, id) : null;
    if (!cp) throw new NotFoundError('contact point of user', principal.login);
    return summary(cp);
  }

  /**
   * Sets a contact point's notification mode from a body `{ "mode": "EACH" | "DAILY_DIGEST" }` and
   * returns the contact point with its new entity tag. `by`, when given, is who asks: an ADMINISTRATOR
   * may set any contact point's mode; anyone else only that of their own contact point
   * (`by.contactPointId`), another id being not found, as if unknown. `precondition` (the caller's
   * `If-Match`) is called with the contact point's current tag while its row is locked (SELECT … FOR
   * UPDATE), so that of two callers holding the same tag the second sees the first's change. A write that
   * leaves the mode as it was leaves the tag as it was too.
   * Throws ValidationFailedError naming each bad field (`(body)`, `mode`, an unknown field), NotFoundError
   * for an unknown id (also one that is not a UUID, or outside `by`'s scope), whatever `precondition`
   * throws; nothing is written then. Takes effect from the next stage written (no email already in the
   * outbox is withdrawn) and the next 09:00 digest run.
   */
  async setMode(id: string, body: unknown, opts: { by?: Principal; precondition?: Precondition } = {}): Promise<ContactPointSummary> {
    const mode = parseModeBody(body);
    if (!UUID.test(id)) throw new NotFoundError('contact point', id);
    if (opts.by && opts.by.role !== 'ADMINISTRATOR' && opts.by.contactPointId !== id) throw new NotFoundError('contact point', id);
    return this.orm.em.fork().transactional(async (em) => {
      const cp = await em.findOne(ContactPoint, id, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!cp) throw new NotFoundError('contact point', id);
      opts.precondition?.(summary(cp).etag);
      cp.notificationMode = mode;
      await em.flush();
      return summary(cp);
    });
  }
}

/** The mode of a `{ "mode": … }` body (any case, like the other codes); ValidationFailedError naming each bad field otherwise. */
function parseModeBody(body: unknown): NotificationMode {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationFailedError([{ field: '(body)', reason: `must be a JSON object { "mode": ${NOTIFICATION_MODES.map((m) => `"${m}"`).join(' | ')} }` }]);
  }
  const o = body as Record<string, unknown>;
  const errors = Object.keys(o)
    .filter((k) => k !== 'mode')
    .map((k) => ({ field: k, reason: 'is not a known field (known: mode)' }));
  const mode = o.mode;
  if (mode === undefined || mode === null || mode === '') errors.push({ field: 'mode', reason: `is required, one of ${NOTIFICATION_MODES.join(', ')}` });
  else if (typeof mode !== 'string') errors.push({ field: 'mode', reason: `must be a string, one of ${NOTIFICATION_MODES.join(', ')}` });
  else if (!(NOTIFICATION_MODES as readonly string[]).includes(mode.trim().toUpperCase()))
    errors.push({ field: 'mode', reason: `"${mode}" is not one of ${NOTIFICATION_MODES.join(', ')}` });
  if (errors.length) throw new ValidationFailedError(errors);
  return (mode as string).trim().toUpperCase() as NotificationMode;
}
