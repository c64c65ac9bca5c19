import type { Channel } from '@rogatory/workflow';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/** Folder of the data the project ships (networks.json, register-2021.csv). */
export const DATA_DIR = path.resolve(__dirname, '../../../../data');

export interface NetworksFile {
  networks: Array<{ code: string; name: string; workingLanguages: string[]; contactPointsPerState: number; members: string[] }>;
  states: Record<string, { timeZone: string; weekend: string[]; languages: string[] }>;
}

/** Reads `data/networks.json` (copied from shared/data: the networks, their members and each State's calendar facts). */
export function readNetworksFile(file = path.join(DATA_DIR, 'networks.json')): NetworksFile {
  return JSON.parse(readFileSync(file, 'utf8')) as NetworksFile;
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** English short name of a State from its ISO 3166-1 alpha-2 code (ICU data). */
export function stateName(code: string): string {
  return regionNames.of(code) ?? code;
}

/** The programme's own "network" for facilitation outside WACAP, SEAJust and CASC (DOMAIN.md §5). */
export const OTHER_NETWORK = {
  code: 'OTHER',
  name: 'Facilitated by the programme outside the three networks',
  workingLanguages: ['en', 'fr', 'pt', 'ru'],
  contactPointsPerState: 0,
  members: [] as string[],
};

/** Placeholder addresses under example.org for the seeded directory. */
export const placeholderEmail = {
  centralAuthority: (state: string) => `central-authority.${state.toLowerCase()}@example.org`,
  contactPoint: (network: string, state: string, n: number) => `cp${n}.${state.toLowerCase()}.${network.toLowerCase()}@example.org`,
  secretariat: (network: string) => `secretariat.${network.toLowerCase()}@example.org`,
};

/** Transmission channels a State's entry accepts until its administrators or contact points say otherwise (UNTOC art. 18(13)). */
export const DEFAULT_CHANNELS: readonly Channel[] = ['CENTRAL_AUTHORITY', 'DIPLOMATIC'];
