import { ConsoleLogger, type LogLevel } from '@nestjs/common';

/** Nest's console logger writing to stderr, so that stdout carries only command results. */
export class StderrLogger extends ConsoleLogger {
  protected override printMessages(messages: unknown[], context?: string, logLevel?: LogLevel): void {
    super.printMessages(messages, context, logLevel, 'stderr');
  }
}
