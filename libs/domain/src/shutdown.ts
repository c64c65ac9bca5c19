import type { INestApplicationContext } from '@nestjs/common';

/**
 * On SIGTERM or SIGINT: close the application (BullMQ workers finish their current job, connections
 * close), say so on stderr, exit 0. A second signal exits at once with 1.
 */
export function exitOnSignal(app: INestApplicationContext, name: string): void {
  let closing = false;
  const stop = (signal: NodeJS.Signals) => {
    if (closing) process.exit(1);
    closing = true;
    process.stderr.write(`${name}: ${signal} received, stopping\n`);
    app
      .close()
      .then(() => {
        process.stderr.write(`${name} stopped\n`);
        process.exit(0);
      })
      .catch((err: Error) => {
        process.stderr.write(`${name}: error while stopping: ${err.message}\n`);
        process.exit(1);
      });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
