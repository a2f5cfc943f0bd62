import { AppError, ErrorCode } from '../../common/app-error';

/** Why a file was refused: its type (sniffed from the content), its size, or the complaint already holding the most files. */
export type AttachmentRefusal = 'TYPE' | 'SIZE' | 'COUNT';

/** A file the gateway will not store; nothing was kept. A BAD_USER_INPUT naming the field. */
export class AttachmentRefusedError extends AppError {
  constructor(readonly refusal: AttachmentRefusal, readonly field: string, message: string) {
    super(ErrorCode.BAD_USER_INPUT, message, [{ field, message }]);
  }
}
