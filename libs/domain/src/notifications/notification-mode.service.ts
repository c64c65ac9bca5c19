import { MikroORM } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { ContactPoint, NOTIFICATION_MODES, type NotificationMode } from '../entities';
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
}

function summary(c: ContactPoint): ContactPointSummary {
  return { id: c.id, name: c.name, email: c.email, network: c.network.code, state: c.state.code, language: c.language, notificationMode: c.notificationMode };
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
   * Sets a contact point's notification mode from a body `{ "mode": "EACH" | "DAILY_DIGEST" }` and
   * returns the contact point. Throws ValidationFailedError naming each bad field (`(body)`, `mode`, an
   * unknown field), NotFoundError for an unknown id (also one that is not a UUID). Takes effect from the
   * next stage written (no email already in the outbox is withdrawn) and the next 09:00 digest run.
   */
  async setMode(id: string, body: unknown): Promise<ContactPointSummary> {
    const mode = parseModeBody(body);
    if (!UUID.test(id)) throw new NotFoundError('contact point', id);
    const em = this.orm.em.fork();
    const cp = await em.findOne(ContactPoint, id);
    if (!cp) throw new NotFoundError('contact point', id);
    cp.notificationMode = mode;
    await em.flush();
    return summary(cp);
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
