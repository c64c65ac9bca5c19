import { Migration } from '@mikro-orm/migrations';

/** DOMAIN.md §4 default policy as it stood when this migration was written (version 0), for existing deadlines. */
const DEFAULT_V0 = {
  ladder: { LEVEL_1: 1, LEVEL_2: 10, LEVEL_3: 20, LEVEL_4: 40 },
  steps: {
    ACKNOWLEDGEMENT: { owedBy: 'REQUESTED', due: { businessDays: 5 }, reminderBusinessDaysBefore: 0, escalates: true },
    WRITTEN_CONFIRMATION: { owedBy: 'REQUESTING', due: { businessDays: 3 }, reminderBusinessDaysBefore: 0, escalates: true },
    ASSESSMENT: { owedBy: 'REQUESTED', due: { businessDays: 20 }, reminderBusinessDaysBefore: 3, escalates: true },
    ADDITIONAL_INFORMATION: { owedBy: 'REQUESTING', due: { calendarDays: 30 }, reminderBusinessDaysBefore: 5, escalates: true },
    PROGRESS_ENQUIRY_REPLY: { owedBy: 'REQUESTED', due: { businessDays: 10 }, reminderBusinessDaysBefore: 0, escalates: true },
    EXECUTION: { owedBy: 'REQUESTED', due: { calendarDays: 90 }, reminderBusinessDaysBefore: 10, escalates: true },
    POSTPONEMENT_REVIEW: { owedBy: 'REQUESTED', due: { calendarDays: 60 }, reminderBusinessDaysBefore: 0, escalates: false },
  },
};

/**
 * Administrators' holiday table per State, versioned deadline policies per network, and the policy each
 * deadline was opened with. Existing deadlines get the default policy (version 0) of their request's network.
 */
export class Migration20261129190100_holidays_policies extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "deadline_policy_version" ("id" uuid not null, "network_code" text not null, "version" int not null, "policy" jsonb not null, "note" text not null, "created_by" text not null, "created_at" timestamptz not null, constraint "deadline_policy_version_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "deadline_policy_version" add constraint "deadline_policy_version_network_code_version_unique" unique ("network_code", "version");`,
    );
    this.addSql(
      `create table "state_holiday" ("id" uuid not null, "state_code" text not null, "date" date not null, "name" text not null, "created_by" text not null, "created_at" timestamptz not null, constraint "state_holiday_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "state_holiday" add constraint "state_holiday_state_code_date_unique" unique ("state_code", "date");`);
    this.addSql(
      `alter table "deadline_policy_version" add constraint "deadline_policy_version_network_code_foreign" foreign key ("network_code") references "network" ("code") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "state_holiday" add constraint "state_holiday_state_code_foreign" foreign key ("state_code") references "state" ("code") on update cascade on delete cascade;`,
    );
    this.addSql(`alter table "deadline" add column "policy" jsonb null;`);
    this.addSql(
      `update "deadline" d set "policy" = jsonb_build_object('network', r."network", 'version', 0, 'ladder', '${JSON.stringify(DEFAULT_V0.ladder)}'::jsonb, 'step', '${JSON.stringify(DEFAULT_V0.steps)}'::jsonb -> d."step") from "mla_request" r where r."id" = d."request_id";`,
    );
    this.addSql(`alter table "deadline" alter column "policy" set not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "deadline_policy_version" cascade;`);
    this.addSql(`drop table if exists "state_holiday" cascade;`);
    this.addSql(`alter table "deadline" drop column "policy";`);
  }
}
