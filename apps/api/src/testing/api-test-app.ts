import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DirectoryService, type Clock } from '@rogatory/domain';
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
}

/**
 * Boots the API (and the worker unless `withWorker` is false) over a fresh database, queue prefix and
 * SMTP listener named after `suite`, on `clock` when given, with the directory seeded.
 */
export async function startApiTestApp(suite: string, opts: { clock?: Clock; withWorker?: boolean } = {}): Promise<ApiTestApp> {
  const env = await createTestEnvironment(suite);
  const worker =
    opts.withWorker === false
      ? null
      : await NestFactory.createApplicationContext(WorkerModule.forRoot({ config: env.config, clock: opts.clock, schedulers: false }), { logger: false });
  const api = await NestFactory.create(ApiModule.forRoot({ config: env.config, clock: opts.clock }), { logger: false, bodyParser: false });
  configureApi(api);
  await api.init();
  await api.get(DirectoryService).seed();
  return { env, api, worker };
}

/** Closes what {@link startApiTestApp} started and drops its database and queue keys; tolerates a partial start. */
export async function stopApiTestApp(app: Partial<ApiTestApp> | undefined): Promise<void> {
  await app?.api?.close();
  await app?.worker?.close();
  await app?.env?.dispose();
}
