/**
 * Domain errors with stable codes. The API maps them to problem details (application/problem+json);
 * the worker maps them to retry or give up.
 */
export type DomainErrorCode =
  | 'VALIDATION_FAILED'
  | 'NOT_FOUND'
  | 'STALE_VERSION'
  | 'EVENT_NOT_ALLOWED'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED'
  | 'UNKNOWN_MACHINE_VERSION'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN';

export interface FieldError {
  /** JSON path of the field, e.g. `requestedState` or `suggestedDeadline.date`. */
  field: string;
  reason: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** Input that breaks a rule; `errors` names every field and its reason. */
export class ValidationFailedError extends DomainError {
  constructor(readonly errors: FieldError[]) {
    super('VALIDATION_FAILED', errors.map((e) => `${e.field}: ${e.reason}`).join('; '), { errors });
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, id: string) {
    super('NOT_FOUND', `${what} ${id} not found`, { id });
  }
}

/** The request changed since the version the caller read (optimistic locking). */
export class StaleVersionError extends DomainError {
  constructor(expected: number | null, current: number | null) {
    super(
      'STALE_VERSION',
      current === null
        ? 'the request was changed by someone else meanwhile; reload it and try again'
        : `version ${expected} is stale: the request is now at version ${current}; reload it and try again`,
      { expected, current },
    );
  }
}

/** The event does not apply in the current state, for this actor, or breaks a rule of article 18. */
export class EventNotAllowedError extends DomainError {
  constructor(event: string, state: string, allowedEvents: string[], reason?: string) {
    super(
      'EVENT_NOT_ALLOWED',
      `${event} is not allowed in state ${state}${reason ? ` (${reason})` : ''}; allowed now: ${allowedEvents.length ? allowedEvents.join(', ') : 'none'}`,
      { event, state, allowedEvents },
    );
  }
}

/** The change collides with the current data (e.g. a holiday already entered, a policy version added meanwhile): HTTP 409. */
export class ConflictError extends DomainError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('CONFLICT', message, details);
  }
}

/** The signed-in user's role may not use this route at all (HTTP 403). Out-of-scope cases are NotFoundError instead. */
export class ForbiddenError extends DomainError {
  constructor(reason: string) {
    super('FORBIDDEN', reason);
  }
}

/**
 * A caller's `If-Match` names a version that is no longer current (RFC 9110 §13.1.1): HTTP 412, with
 * `errors` naming `If-Match`. Nothing was written; the caller reloads and applies its change again.
 */
export class PreconditionFailedError extends DomainError {
  constructor(what: string, given: string) {
    super('PRECONDITION_FAILED', `${what} has changed since you read it: reload it and apply your change again`, {
      errors: [{ field: 'If-Match', reason: `${given} is not the current ETag; reload to get it` }],
    });
  }
}
