import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/**
 * A contact point who left, and the successor who took over (issue 5). The history keeps who did each
 * facilitation step; the successor inherits the predecessor's scope: the requests the predecessor (or
 * anyone before them in the chain) facilitated (database function `rogatory_facilitated_by`). Ids of
 * contact_point rows; append-only.
 */
@Entity({ tableName: 'contact_point_handover' })
export class ContactPointHandover {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** One handover per contact point who leaves. */
  @Property({ type: 'uuid', unique: true })
  predecessorId: string;

  @Property({ type: 'uuid' })
  @Index()
  successorId: string;

  /** UTC instant of the handover. */
  @Property({ type: 'timestamptz' })
  handedOverAt: Date;

  /** Login of the administrator who recorded it. */
  @Property({ type: 'text' })
  handedOverBy: string;

  /** What moved: open requests in scope, pending emails re-addressed, digest mode. */
  @Property({ type: 'json' })
  summary: Record<string, unknown>;

  constructor(f: { predecessorId: string; successorId: string; handedOverAt: Date; handedOverBy: string; summary: Record<string, unknown> }) {
    this.predecessorId = f.predecessorId;
    this.successorId = f.successorId;
    this.handedOverAt = f.handedOverAt;
    this.handedOverBy = f.handedOverBy;
    this.summary = f.summary;
  }
}
