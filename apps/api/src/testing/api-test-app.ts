import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MikroORM } from '@mikro-orm/postgresql';
import { AppUser, DirectoryService, TokenService, UserService, principalOfUser, type AppConfigValues, type Clock, type Principal } from '@rogatory/domain';
import { createTestEnvironment, type TestEnvironment } from '@rogatory/domain/testing';
// The e2e tier boots both applications together: the API and the worker processing its jobs.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { WorkerModule } from '../../../worker/src/worker.module';
import { ApiModule } from '../api.module';
import { configureApi } from '../bootstrap';

/** An e2e suite's applications: a fresh test environment, the API as `main.ts` configures it, and (optionally) the worker. */
export interface ApiTestApp {
  env: TestEnvironment;
  api: INestApplication;
  /** The worker's processors (no schedulers), or null when the suite runs without one. */
  worker: INestApplicationContext | null;
  /**
   * `Authorization` header of a seeded development user: by login (`officer.gh`, `cp1.gh.wacap`,
   * `secretariat.wacap`, `admin`), or for a workflow actor `{ role, state }` (the officer of that State,
   * the first contact point of that State in `network`, default WACAP, or the secretariat of `network`).
   */
  auth(who: string | { role: string; state?: string | null }, network?: string): Promise<{ Authorization: string }>;
  /** The Principal of a seeded user by login, as the API's guard builds it (for calling domain services directly). */
  principal(login: string): Promise<Principal>;
}

/** Login of the seeded development user acting as `actor` (see ApiTestApp.auth). */
export function loginOf(actor: { role: string; state?: string | null }, network = 'WACAP'): string {
  const state = (actor.state ?? '').toLowerCase();
  switch (actor.role) {
    case 'CENTRAL_AUTHORITY':
      return `officer.${state}`;
    case 'CONTACT_POINT':
      return `cp1.${state}.${network.toLowerCase()}`;
    case 'SECRETARIAT':
      return `secretariat.${network.toLowerCase()}`;
    case 'ADMINISTRATOR':
      return 'admin';
    default:
      throw new Error(`no seeded user acts as ${actor.role}`);
  }
}

/**
 * Boots the API (and the worker unless `withWorker` is false) over a fresh database, queue prefix and
 * SMTP listener named after `suite`, on `clock` when given, with the directory seeded; `config` overrides
 * values of the API's configuration (rate limits, CORS origins, …).
 */
export async function startApiTestApp(
  suite: string,
  opts: { clock?: Clock; withWorker?: boolean; /** Configuration of the API, over the test environment's. */ config?: Partial<AppConfigValues> } = {},
): Promise<ApiTestApp> {
  const env = await createTestEnvironment(suite);
  const worker =
    opts.withWorker === false
      ? null
      : await NestFactory.createApplicationContext(WorkerModule.forRoot({ config: env.config, clock: opts.clock, schedulers: false }), { logger: false });
  const api = await NestFactory.create(ApiModule.forRoot({ config: env.config.with(opts.config ?? {}), clock: opts.clock }), {
    logger: false,
    bodyParser: false,
  });
  configureApi(api);
  await api.init();
  await api.get(DirectoryService).seed();
  await api.get(UserService).seedDevUsers();
  const tokens = new Map<string, string>();
  const auth: ApiTestApp['auth'] = async (who, network) => {
    const login = typeof who === 'string' ? who : loginOf(who, network);
    if (!tokens.has(login)) tokens.set(login, await api.get(TokenService).mintDevToken(login, 86_400 * 3650));
    return { Authorization: `Bearer ${tokens.get(login)}` };
  };
  const principal: ApiTestApp['principal'] = async (login) => {
    return principalOfUser(await api.get(MikroORM).em.fork().findOneOrFail(AppUser, { login }), '127.0.0.1', null);
  };
  return { env, api, worker, auth, principal };
}

/** Closes what {@link startApiTestApp} started and drops its database and queue keys; tolerates a partial start. */
export async function stopApiTestApp(app: Partial<ApiTestApp> | undefined): Promise<void> {
  await app?.api?.close();
  await app?.worker?.close();
  await app?.env?.dispose();
}
