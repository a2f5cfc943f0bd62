import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { ValidationError, validate } from 'class-validator';
import { BadUserInputError, FieldIssue } from './app-error';

/** GqlParamtype.ARGS of @nestjs/graphql (the enum is not exported from the package's entry point). */
export const GQL_ARGS = 3;

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
    // Only a resolver's arguments come from the client. Nest hands GraphQL parameters over with a
    // numeric type (GqlParamtype: root 0, context 1, info 2, args 3), never 'custom': without this
    // check every field resolver's parent object was copied (plainToInstance) and validated on each
    // call: twenty times for a page of twenty complaints that shows each one's branch.
    if ((meta.type as unknown) !== GQL_ARGS) return value;
    const type = meta.metatype;
    if (!type || [String, Boolean, Number, Array, Object].includes(type as never) || value === null || value === undefined) return value;
    const instance = plainToInstance(type as new () => object, value);
    const errors = await validate(instance as object, { whitelist: true, forbidUnknownValues: false });
    if (errors.length > 0) throw new BadUserInputError(flatten(errors, meta.data ?? ''));
    return instance;
  }
}
