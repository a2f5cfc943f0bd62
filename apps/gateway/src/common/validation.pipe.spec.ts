import { IsString, MaxLength } from 'class-validator';
import { BadUserInputError } from './app-error';
import { GQL_ARGS, InputValidationPipe } from './validation.pipe';

class NoteInput {
  @IsString()
  @MaxLength(5)
  text!: string;
}

class ParentDto {
  text = 'a parent object is ours, however long its text is';
}

describe('InputValidationPipe', () => {
  const pipe = new InputValidationPipe();

  it('validates a resolver argument and names the field', async () => {
    await expect(pipe.transform({ text: 'far too long' }, { type: GQL_ARGS as never, metatype: NoteInput, data: 'input' }))
      .rejects.toMatchObject({ constructor: BadUserInputError, message: expect.stringContaining('input.text') });
    await expect(pipe.transform({ text: 'ok' }, { type: GQL_ARGS as never, metatype: NoteInput, data: 'input' })).resolves.toBeInstanceOf(NoteInput);
  });

  it('hands a field resolver its parent, context and info untouched (the same object, not a validated copy)', async () => {
    const parent = new ParentDto();
    for (const type of [0, 1, 2]) {
      await expect(pipe.transform(parent, { type: type as never, metatype: ParentDto as never, data: undefined })).resolves.toBe(parent);
    }
    // The same value as an argument is a copy, validated.
    await expect(pipe.transform(parent, { type: GQL_ARGS as never, metatype: ParentDto as never, data: 'input' })).resolves.not.toBe(parent);
  });
});
