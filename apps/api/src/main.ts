import { NestFactory } from '@nestjs/core';
import { AppConfig, exitOnSignal } from '@rogatory/domain';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { ApiModule } from './api.module';
import { configureApi } from './bootstrap';

/** Starts the HTTP API on PORT (default 3000), with the web view of WEB_DIR at `/`. */
async function main(): Promise<void> {
  const config = AppConfig.fromEnv();
  const app = await NestFactory.create(ApiModule.forRoot({ config }), { bodyParser: false });
  configureApi(app);
  exitOnSignal(app, 'rogatory API');
  try {
    await app.listen(config.port);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new Error(`port ${config.port} is already in use (another API?): stop it, or set PORT`);
    throw err;
  }
  process.stderr.write(`rogatory API on http://localhost:${config.port} (web view: /, OpenAPI: /docs)\n`);
  if (!existsSync(path.join(config.webDir, 'index.html')))
    process.stderr.write(`the web view is not built (no index.html in ${config.webDir}): run npm run build:web; / answers 503 until then\n`);
}

main().catch((err) => {
  process.stderr.write(`API failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
