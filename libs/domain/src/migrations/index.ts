import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261129170605_initial } from './Migration20261129170605_initial';
import { Migration20261129180000_case_event_no_truncate } from './Migration20261129180000_case_event_no_truncate';
import { Migration20261129182443_deadline_extension } from './Migration20261129182443_deadline_extension';
import { Migration20261129190000_email_delivery } from './Migration20261129190000_email_delivery';
import { Migration20261129190100_holidays_policies } from './Migration20261129190100_holidays_policies';
import { Migration20261129191000_digest } from './Migration20261129191000_digest';
import { Migration20261129192000_machine_v2 } from './Migration20261129192000_machine_v2';
import { Migration20261129194500_incident_note } from './Migration20261129194500_incident_note';
import { Migration20261129195500_suggested_due_on } from './Migration20261129195500_suggested_due_on';
import { Migration20261129230000_access_audit } from './Migration20261129230000_access_audit';
import { Migration20261130000000_request_content } from './Migration20261130000000_request_content';
import { Migration20261130003000_scope_links_handover } from './Migration20261130003000_scope_links_handover';
import { Migration20261130010000_directory } from './Migration20261130010000_directory';
import { Migration20261130020000_plenary } from './Migration20261130020000_plenary';
import { Migration20261130031500_scope_policy_inline } from './Migration20261130031500_scope_policy_inline';
import { Migration20261130050000_drop_can_see } from './Migration20261130050000_drop_can_see';

/** Every migration, in order: generated with MikroORM's migrator (CONTRIBUTING.md), reviewed, never edited once committed. */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261129170605_initial', class: Migration20261129170605_initial },
  { name: 'Migration20261129180000_case_event_no_truncate', class: Migration20261129180000_case_event_no_truncate },
  { name: 'Migration20261129182443_deadline_extension', class: Migration20261129182443_deadline_extension },
  { name: 'Migration20261129190000_email_delivery', class: Migration20261129190000_email_delivery },
  { name: 'Migration20261129190100_holidays_policies', class: Migration20261129190100_holidays_policies },
  { name: 'Migration20261129191000_digest', class: Migration20261129191000_digest },
  { name: 'Migration20261129192000_machine_v2', class: Migration20261129192000_machine_v2 },
  { name: 'Migration20261129194500_incident_note', class: Migration20261129194500_incident_note },
  { name: 'Migration20261129195500_suggested_due_on', class: Migration20261129195500_suggested_due_on },
  { name: 'Migration20261129230000_access_audit', class: Migration20261129230000_access_audit },
  { name: 'Migration20261130000000_request_content', class: Migration20261130000000_request_content },
  { name: 'Migration20261130003000_scope_links_handover', class: Migration20261130003000_scope_links_handover },
  { name: 'Migration20261130010000_directory', class: Migration20261130010000_directory },
  { name: 'Migration20261130020000_plenary', class: Migration20261130020000_plenary },
  { name: 'Migration20261130031500_scope_policy_inline', class: Migration20261130031500_scope_policy_inline },
  { name: 'Migration20261130050000_drop_can_see', class: Migration20261130050000_drop_can_see },
];
