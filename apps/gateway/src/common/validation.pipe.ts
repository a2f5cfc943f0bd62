import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { ValidationError, validate } from 'class-validator';
import { BadUserInputError, FieldIssue } from './app-error';

function flatten(errors: ValidationError[], prefix: string): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    for (const message of Object.values(e.constraints ?? {})) out.push({ field, message });
    if (e.children?.length) out.push(...flatten(e.children, field));
  }
  return out;
}

/**
 * class-validator on every input type; failures become BAD_USER_INPUT with one entry per
 * invalid field, named by its path from the argument (e.g. "input.complainant.phone").
 */
@Injectable()
export class InputValidationPipe implements PipeTransform {
  async transform(value: unknown, meta: ArgumentMetadata): Promise<unknown> {
    // Parent objects and the context are ours, not the client's: only arguments are validated. Nest
    // hands a GraphQL parameter's kind to pipes through the HTTP names: arguments arrive as 'body',
    // the parent, context and info as 'custom'.
    if (meta.type === 'custom') return value;
    const type = meta.metatype;
    if (!type || [String, Boolean, Number, Array, Object].includes(type as never) || value === null || value === undefined) return value;
    const instance = plainToInstance(type as new () => object, value);
    const errors = await validate(instance as object, { whitelist: true, forbidUnknownValues: false });
    if (errors.length > 0) throw new BadUserInputError(flatten(errors, meta.data ?? ''));
    return instance;
  }
}
