import { NestFactory } from '@nestjs/core';
import { AppConfig, exitOnSignal } from '@rogatory/domain';
import { ApiModule } from './api.module';
import { configureApi } from './bootstrap';

/** Starts the HTTP API on PORT (default 3000). */
async function main(): Promise<void> {
  const config = AppConfig.fromEnv();
  const app = await NestFactory.create(ApiModule.forRoot({ config }), { bodyParser: false });
  configureApi(app);
  exitOnSignal(app, 'rogatory API');
  await app.listen(config.port);
  process.stderr.write(`rogatory API on http://localhost:${config.port} (OpenAPI: /docs)\n`);
}

main().catch((err) => {
  process.stderr.write(`API failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
