import { NestFactory } from '@nestjs/core';
import { AppConfig, exitOnSignal } from '@rogatory/domain';
import { WorkerModule } from './worker.module';

/** Starts the worker: processors for deadlines, emails and maintenance; stops cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const config = AppConfig.fromEnv();
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot({ config }), { bufferLogs: false });
  exitOnSignal(app, 'rogatory worker');
  process.stderr.write(`rogatory worker running (queue prefix "${config.queuePrefix}")\n`);
}

main().catch((err) => {
  process.stderr.write(`worker failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
