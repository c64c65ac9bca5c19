import { createHash } from 'node:crypto';

/**
 * A caller's condition on a change (the API's `If-Match`): the service calls it inside the change's
 * transaction, under the lock that serializes changes of that resource, with the resource's current entity
 * tag and before anything is written. Whatever it throws rolls the transaction back and reaches the caller,
 * so two callers holding the same tag cannot both succeed.
 */
export type Precondition = (currentEtag: string) => void;

/**
 * A strong HTTP entity tag (quoted, as sent in `ETag`) of some content: the first 128 bits of the SHA-256
 * of `parts` in order, hex. Equal content gives equal tags, so a change that restores what a caller read
 * makes that caller's tag current again (what they read is what is there).
 */
export function contentEtag(parts: readonly unknown[]): string {
  return `"${createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32)}"`;
}
