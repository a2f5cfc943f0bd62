import type { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LEVELS)[number];

/** LOG_LEVEL (trace … fatal, silent), `info` when unset; anything else is refused at start. */
export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const v = env.LOG_LEVEL?.trim().toLowerCase();
  if (!v) return 'info';
  if (!(LEVELS as readonly string[]).includes(v)) throw new Error(`LOG_LEVEL=${env.LOG_LEVEL} is not one of ${LEVELS.join(', ')}`);
  return v as LogLevel;
}

/**
 * The JSON log of a process: one object per line with `level` (a name), `time` (ISO 8601), `service`
 * and `msg`. Credentials and complainants' details never belong in a log line; the redaction is a
 * second line of defence for a field logged by mistake.
 */
export function createLogger(
  service: string,
  opts: { level?: LogLevel; destination?: DestinationStream; mixin?: LoggerOptions['mixin'] } = {},
): Logger {
  return pino(
    {
      level: opts.level ?? logLevelFromEnv(),
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: opts.mixin,
      redact: {
        paths: ['authorization', 'token', 'password', 'secret', 'complainant', '*.authorization', '*.token', '*.password', '*.secret', '*.complainant'],
        censor: '[redacted]',
      },
    },
    opts.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** Nest's logger on top of pino: `new Logger('Audit').error(…)` becomes a JSON line with `context: "Audit"`. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  // Nest passes (message, context) or, for errors, (message, stack, context): the last string is the context.
  private write(level: Exclude<LogLevel, 'silent'>, message: unknown, rest: unknown[]): void {
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const stack = level === 'error' && rest.length === 2 && typeof rest[0] === 'string' ? rest[0] : undefined;
    if (message instanceof Error) {
      this.logger[level]({ context, err: { type: message.name, stack: message.stack } }, message.message);
      return;
    }
    const msg = typeof message === 'string' ? message : JSON.stringify(message);
    this.logger[level]({ context, ...(stack ? { stack } : {}) }, msg);
  }
}

const SEVERITY: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

/**
 * Nest's logger for an application: warnings and errors (Nest's start-up chatter stays out, as with
 * `logger: ['error', 'warn']` before), or fewer when LOG_LEVEL asks for fewer.
 */
export function nestLoggerFor(logger: Logger): PinoNestLogger {
  const level = (SEVERITY[logger.level] ?? 0) > SEVERITY.warn ? logger.level : 'warn';
  return new PinoNestLogger(logger.child({}, { level }));
}

/**
 * A start-up line that scripts and tests wait for ("gateway: GraphQL on …", "worker: polling …"):
 * printed at info whatever LOG_LEVEL says.
 */
export function announce(logger: Logger, fields: Record<string, unknown>, msg: string): void {
  logger.child({}, { level: 'info' }).info(fields, msg);
}
