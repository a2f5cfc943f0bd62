import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import type { Logger } from '../../../../libs/observability/src/logger';

const SEVERITY: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };
// The workflows' own `log` lines (replay-aware) and activities' follow LOG_LEVEL; the SDK's and core's own only from warnings on.
const APPLICATION_COMPONENTS = new Set(['workflow', 'activity']);

function plain(meta: LogMetadata | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(meta ?? {})) out[k] = v instanceof Error ? { type: v.name, message: v.message } : v;
  return out;
}

/** Temporal's Runtime logger, writing through the worker's pino logger (JSON lines). */
export class PinoTemporalLogger implements TemporalLogger {
  constructor(private readonly logger: Logger) {}

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    if (!APPLICATION_COMPONENTS.has(String(meta?.sdkComponent)) && SEVERITY[level] < SEVERITY.WARN) return;
    const pinoLevel = level === 'TRACE' ? 'trace' : level === 'DEBUG' ? 'debug' : level === 'INFO' ? 'info' : level === 'WARN' ? 'warn' : 'error';
    this.logger[pinoLevel](plain(meta), message);
  }

  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }

  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }

  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }

  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }

  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}
