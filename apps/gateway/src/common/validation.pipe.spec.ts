import { PipesConsumer } from '@nestjs/core/pipes/pipes-consumer';
import { IsString, MaxLength } from 'class-validator';
import { BadUserInputError } from './app-error';
import { InputValidationPipe } from './validation.pipe';

class NoteInput {
  @IsString()
  @MaxLength(5)
  text!: string;
}

class ParentDto {
  text = 'a parent object is ours, however long its text is';
}

// GraphQL parameter kinds as @nestjs/graphql numbers them (GqlParamtype), passed through Nest's own
// pipes consumer as resolvers call it.
const ROOT = 0;
const CONTEXT = 1;
const INFO = 2;
const ARGS = 3;

describe('InputValidationPipe, as Nest applies it to a resolver', () => {
  const consumer = new PipesConsumer();
  const apply = (value: unknown, type: number, metatype: unknown, data?: string): Promise<unknown> =>
    consumer.apply(value, { type: type as never, metatype: metatype as never, data }, [new InputValidationPipe()]);

  it('validates an argument and names the field', async () => {
    await expect(apply({ text: 'far too long' }, ARGS, NoteInput, 'input')).rejects.toBeInstanceOf(BadUserInputError);
    await expect(apply({ text: 'far too long' }, ARGS, NoteInput, 'input')).rejects.toThrow(/input\.text/);
    await expect(apply({ text: 'ok' }, ARGS, NoteInput, 'input')).resolves.toBeInstanceOf(NoteInput);
  });

  it('hands a field resolver its parent, context and info untouched (the same object, not a validated copy)', async () => {
    const parent = new ParentDto();
    for (const type of [ROOT, CONTEXT, INFO]) await expect(apply(parent, type, ParentDto)).resolves.toBe(parent);
  });
});
