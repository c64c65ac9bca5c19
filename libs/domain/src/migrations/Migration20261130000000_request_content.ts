import { Migration } from '@mikro-orm/migrations';

/**
 * A request facilitated through another network as well (issue 5): `linked_networks` lists those
 * networks; the metadata role may read it (it is metadata: which networks handle the case). And the
 * content UNTOC art. 18(15) requires that had no column: the requesting and the investigating
 * authority, the purpose and any procedure to follow; substance, so the metadata role gets no grant.
 */
export class Migration20261130000000_request_content extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "mla_request" add column "linked_networks" text[] not null default '{}';`);
    this.addSql(`grant select ("linked_networks") on "mla_request" to rogatory_metadata_reader;`);
    this.addSql(
      `alter table "mla_request" add column "requesting_authority" text null, add column "investigating_authority" text null, add column "purpose" text null, add column "procedure" text null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "mla_request" drop column "linked_networks", drop column "requesting_authority", drop column "investigating_authority", drop column "purpose", drop column "procedure";`,
    );
  }
}
