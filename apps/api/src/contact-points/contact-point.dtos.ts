import { ApiProperty } from '@nestjs/swagger';
import { NOTIFICATION_MODES } from '@rogatory/domain';

/** A contact point of a network and how it is notified. */
export class ContactPointView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Contact point 1 of Senegal (WACAP)' }) name!: string;
  @ApiProperty({ example: 'cp1.sn.wacap@example.org' }) email!: string;
  @ApiProperty({ example: 'WACAP' }) network!: string;
  @ApiProperty({ example: 'SN', description: 'ISO 3166-1 alpha-2 code of its State' }) state!: string;
  @ApiProperty({ example: 'fr', description: 'ISO 639-1 code of the language it is written to in' }) language!: string;
  @ApiProperty({
    enum: NOTIFICATION_MODES,
    description: 'EACH: one email per reminder or escalation; DAILY_DIGEST: one email a day at 09:00 local time listing what its State owes overdue',
  })
  notificationMode!: string;
  @ApiProperty({
    example: '"9f86d081884c7d659a2feaa0c55ad015"',
    description:
      'Entity tag of the contact point, quoted as in the ETag header: a hash of the fields above. Send it as If-Match when setting the mode; it changes when any field does.',
  })
  etag!: string;
}

export class ContactPointListView {
  @ApiProperty({ type: [ContactPointView] }) items!: ContactPointView[];
  @ApiProperty() total!: number;
}

/** Body of PUT /api/v1/contact-points/{id}/notification-mode. */
export class NotificationModeDto {
  @ApiProperty({ enum: NOTIFICATION_MODES }) mode!: string;
}
