import { PreconditionFailedError, ValidationFailedError } from '@rogatory/domain';

/** One entity tag of RFC 9110 §8.8.3: optionally weak (`W/`), then quoted characters other than `"`, space and controls. */
const ENTITY_TAG = /(?:W\/)?("[\x21\x23-\x7e]*")/g;
const ENTITY_TAG_LIST = /^(?:W\/)?"[\x21\x23-\x7e]*"(?:[ \t]*,[ \t]*(?:W\/)?"[\x21\x23-\x7e]*")*$/;

/** OpenAPI description of the optional `If-Match` of an administrators' change. */
export const IF_MATCH_HEADER = {
  name: 'If-Match',
  required: false,
  description:
    'The ETag you read (e.g. "3"), a comma-separated list of them, or *. When given and not current, the change is refused with 412 and nothing is written.',
};

/** OpenAPI description of the 412 of a stale `If-Match`. */
export const PRECONDITION_FAILED_RESPONSE = {
  status: 412,
  description: 'application/problem+json, `code` PRECONDITION_FAILED naming `If-Match`: it changed since you read it; reload and apply your change again',
};

/**
 * The precondition of an optional `If-Match` header (RFC 9110 §13.1.1), for a domain service to call with
 * the resource's current ETag inside its change's transaction (see `Precondition` in the domain):
 * undefined when the header is absent (no condition); for `*`, none that fails (the resource exists when
 * the service gets that far); else one that throws PreconditionFailedError (412) unless one of the
 * listed tags equals the current one. A weak tag (`W/"…"`, as some proxies rewrite them) is compared by
 * its quoted value: our tags are computed from the content, so weak and strong comparison agree.
 * `what` names the resource in the 412's detail (`the holiday table of MV`).
 * Throws ValidationFailedError (400) naming `If-Match` when the header is blank or not a list of quoted tags.
 */
export function ifMatchPrecondition(header: string | undefined, what: string): ((currentEtag: string) => void) | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return () => undefined;
  if (!ENTITY_TAG_LIST.test(value))
    throw new ValidationFailedError([
      { field: 'If-Match', reason: `${JSON.stringify(header)} is not an ETag: send the ETag you read, quoted as it came (e.g. "3"), or *` },
    ]);
  const tags = [...value.matchAll(ENTITY_TAG)].map((m) => m[1]);
  return (current) => {
    if (!tags.includes(current)) throw new PreconditionFailedError(what, value);
  };
}
