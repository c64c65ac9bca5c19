import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261129170605_initial } from './Migration20261129170605_initial';

/** Every migration, in order. Generated with `npm run cli -- migration:create`, reviewed, never edited once committed. */
export const MIGRATIONS: MigrationObject[] = [{ name: 'Migration20261129170605_initial', class: Migration20261129170605_initial }];
