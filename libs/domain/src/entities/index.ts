import { AppUser, DevIssuerKey } from './app-user.entity';
import { AuditLogEntry, IdempotencyRecord } from './audit-log.entity';
import { DeadlinePolicyVersion, StateHoliday } from './calendar-policy.entity';
import { CaseEvent } from './case-event.entity';
import { ContactPointHandover } from './contact-point-handover.entity';
import { Deadline } from './deadline.entity';
import { CentralAuthority, CompetentAuthority, ContactPoint, Network, StateEntity } from './directory.entity';
import { MlaRequest } from './mla-request.entity';
import { OutboxEmail } from './outbox-email.entity';
import { BilateralMeeting, BilateralMeetingItem, PlenaryMeeting } from './plenary.entity';

export * from './app-user.entity';
export * from './audit-log.entity';
export * from './calendar-policy.entity';
export * from './case-event.entity';
export * from './contact-point-handover.entity';
export * from './deadline.entity';
export * from './directory.entity';
export * from './mla-request.entity';
export * from './outbox-email.entity';
export * from './plenary.entity';

export const ENTITIES = [
  Network,
  StateEntity,
  CentralAuthority,
  ContactPoint,
  ContactPointHandover,
  CompetentAuthority,
  MlaRequest,
  CaseEvent,
  Deadline,
  OutboxEmail,
  StateHoliday,
  DeadlinePolicyVersion,
  AppUser,
  DevIssuerKey,
  AuditLogEntry,
  IdempotencyRecord,
  PlenaryMeeting,
  BilateralMeeting,
  BilateralMeetingItem,
];
