import { ConsoleLogger, type LogLevel } from '@nestjs/common';

/** Nest's console logger writing to stderr, so that stdout carries only command results. */
export class StderrLogger extends ConsoleLogger {
  /** The CLI's logger: warnings and errors only, on stderr. */
  static forCli(): StderrLogger {
    return new StderrLogger('rogatory', { logLevels: ['warn', 'error'] });
  }

  protected override printMessages(messages: unknown[], context?: string, logLevel?: LogLevel): void {
    super.printMessages(messages, context, logLevel, 'stderr');
  }
}
