import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MikroORM } from '@mikro-orm/postgresql';
import { AppUser, DirectoryService, TokenService, UserService, principalOfUser, type AppConfigValues, type Clock, type Principal } from '@rogatory/domain';
import { createTestEnvironment, type TestEnvironment } from '@rogatory/domain/testing';
import { createServer } from 'node:net';
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
  /** `http://127.0.0.1:<port>` where the API listens (also its PUBLIC_URL) with `listen: true`; null otherwise (supertest only). */
  baseUrl: string | null;
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

/** A port free on 127.0.0.1 now: the one the system gives a listener on port 0, closed again. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/**
 * Boots the API (and the worker unless `withWorker` is false) over a fresh database, queue prefix and
 * SMTP listener named after `suite`, on `clock` when given, with the directory seeded; `config` overrides
 * values of the API's configuration (rate limits, CORS origins, the web view's folder `webDir`, …).
 * `listen: true` makes the API listen on a free port of 127.0.0.1 (a browser's tests), which is also its
 * `publicUrl` (so the development issuer's `iss` is where a browser reaches it): see ApiTestApp.baseUrl.
 */
export async function startApiTestApp(
  suite: string,
  opts: {
    clock?: Clock;
    withWorker?: boolean;
    /** Configuration of the API, over the test environment's. */
    config?: Partial<AppConfigValues>;
    /** Listen on a free port of 127.0.0.1 (ApiTestApp.baseUrl) rather than only answer supertest. */
    listen?: boolean;
  } = {},
): Promise<ApiTestApp> {
  const env = await createTestEnvironment(suite);
  // Chosen before the applications are created: the development issuer's `iss` and the emails' links are built from publicUrl.
  const port = opts.listen ? await freePort() : null;
  const baseUrl = port === null ? null : `http://127.0.0.1:${port}`;
  const listening: Partial<AppConfigValues> = port === null || baseUrl === null ? {} : { publicUrl: baseUrl, port };
  const worker =
    opts.withWorker === false
      ? null
      : await NestFactory.createApplicationContext(WorkerModule.forRoot({ config: env.config.with(listening), clock: opts.clock, schedulers: false }), {
          logger: false,
        });
  const api = await NestFactory.create(ApiModule.forRoot({ config: env.config.with({ ...opts.config, ...listening }), clock: opts.clock }), {
    logger: false,
    bodyParser: false,
    // A browser keeps connections open: closing the API ends them (stopApiTestApp).
    forceCloseConnections: port !== null,
  });
  configureApi(api);
  if (port === null) await api.init();
  else await api.listen(port, '127.0.0.1');
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
  return { env, api, worker, baseUrl, auth, principal };
}

/** Closes what {@link startApiTestApp} started (the listening server too) and drops its database and queue keys; tolerates a partial start. */
export async function stopApiTestApp(app: Partial<ApiTestApp> | undefined): Promise<void> {
  await app?.api?.close();
  await app?.worker?.close();
  await app?.env?.dispose();
}
