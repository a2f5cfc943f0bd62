import { ArgumentMetadata, Injectable, PipeTransform, applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ValidateBy, ValidationArguments, ValidationOptions, isUUID } from 'class-validator';
import {
  InstantWindow, TextRule, checkInstantWindow, checkText, checkYearRange, normalizeText, parseCalendarDate,
} from '../../../../libs/domain/src/input/text.util';
import { BadUserInputError } from './app-error';

// The decorators every input DTO uses, so that no string, date, id or number reaches a service
// (and from there the workflow history, the read model or a log line) unbounded or malformed.

const DAY_MS = 24 * 3600_000;
/** receivedAt: back-dating up to a year, and two minutes of clock skew into the future. */
export const RECEIVED_AT_WINDOW: InstantWindow = { pastMs: 366 * DAY_MS, futureMs: 2 * 60_000 };
/** customerDeadline: within a year back (the service refuses one before receipt) and two years ahead. */
export const CUSTOMER_DEADLINE_WINDOW: InstantWindow = { pastMs: 366 * DAY_MS, futureMs: 2 * 366 * DAY_MS };
/** Report and list filters: any instant in these years. */
export const FILTER_YEARS = { from: 2000, to: 2100 } as const;

/**
 * Free text: normalised (NFC, CRLF → LF, trimmed) and then checked — valid Unicode, no NUL or
 * other control characters (tab and newline allowed unless `singleLine`), no bidi overrides, not
 * blank, `max` characters at most (code points: 张 and 😀 count one each).
 */
export function FreeText(rule: TextRule, options?: ValidationOptions): PropertyDecorator {
  const each = options?.each === true;
  const normalise = (v: unknown): unknown => (typeof v === 'string' ? normalizeText(v) : v);
  return applyDecorators(
    Transform(({ value }) => (each && Array.isArray(value) ? value.map(normalise) : normalise(value))),
    ValidateBy(
      {
        name: 'freeText',
        constraints: [rule],
        validator: {
          validate: (value: unknown) => typeof value === 'string' && checkText(value, rule).ok,
          defaultMessage: (args?: ValidationArguments) => {
            const value = args?.value;
            const reason = typeof value === 'string' ? (checkText(value, rule) as { reason?: string }).reason : 'must be text';
            return `${args?.property ?? 'value'} ${reason ?? 'is invalid'}`;
          },
        },
      },
      options,
    ),
  );
}

/** A DateTime within a window around the time of the request. */
export function InstantWithin(window: InstantWindow, options?: ValidationOptions): PropertyDecorator {
  const reasonOf = (value: unknown): string | null => {
    if (!(value instanceof Date)) return 'must be a date-time';
    const r = checkInstantWindow(value, new Date(), window);
    return r.ok ? null : r.reason;
  };
  return ValidateBy(
    {
      name: 'instantWithin',
      validator: {
        validate: (value: unknown) => reasonOf(value) === null,
        defaultMessage: (args?: ValidationArguments) => `${args?.property ?? 'value'} ${reasonOf(args?.value) ?? 'is invalid'}`,
      },
    },
    options,
  );
}

/** A DateTime in the years [from, to]. */
export function InYears(from: number, to: number, options?: ValidationOptions): PropertyDecorator {
  const reasonOf = (value: unknown): string | null => {
    if (!(value instanceof Date)) return 'must be a date-time';
    const r = checkYearRange(value, from, to);
    return r.ok ? null : r.reason;
  };
  return ValidateBy(
    {
      name: 'inYears',
      validator: {
        validate: (value: unknown) => reasonOf(value) === null,
        defaultMessage: (args?: ValidationArguments) => `${args?.property ?? 'value'} ${reasonOf(args?.value) ?? 'is invalid'}`,
      },
    },
    options,
  );
}

/** "YYYY-MM-DD", a date that exists (not 2026-02-30), in the years [from, to]. */
export function CalendarDate(from: number, to: number, options?: ValidationOptions): PropertyDecorator {
  const reasonOf = (value: unknown): string | null => {
    if (typeof value !== 'string') return 'must be a date written YYYY-MM-DD';
    const r = parseCalendarDate(value);
    if (!r.ok) return r.reason;
    return r.year < from || r.year > to ? `must be between the years ${from} and ${to} (${value})` : null;
  };
  return ValidateBy(
    {
      name: 'calendarDate',
      validator: {
        validate: (value: unknown) => reasonOf(value) === null,
        defaultMessage: (args?: ValidationArguments) => {
          const bad = options?.each && Array.isArray(args?.value) ? (args?.value as unknown[]).find((v) => reasonOf(v) !== null) : args?.value;
          return `${args?.property ?? 'value'} ${reasonOf(bad) ?? 'is invalid'}`;
        },
      },
    },
    options,
  );
}

/** An `ID` argument declared on its own (`@Args('branchId', { type: () => ID }, UuidArg)`): a UUID or BAD_USER_INPUT. */
@Injectable()
export class UuidArg implements PipeTransform {
  transform(value: unknown, meta: ArgumentMetadata): unknown {
    if (value === null || value === undefined) return value;
    if (typeof value !== 'string' || !isUUID(value)) {
      const field = meta.data ?? 'id';
      throw new BadUserInputError([{ field, message: `${field} must be an id (a UUID)` }]);
    }
    return value;
  }
}

/** An `Int` argument declared on its own: within [min, max] or BAD_USER_INPUT naming it. */
export class IntArgRange implements PipeTransform {
  constructor(
    private readonly min: number,
    private readonly max: number,
  ) {}

  transform(value: unknown, meta: ArgumentMetadata): unknown {
    if (value === null || value === undefined) return value;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < this.min || value > this.max) {
      const field = meta.data ?? 'value';
      throw new BadUserInputError([{ field, message: `${field} must be a whole number from ${this.min} to ${this.max}` }]);
    }
    return value;
  }
}
