import { AppError, ErrorCode } from '../../common/app-error';

/** A staff action the complaint's current status does not allow; nothing changed. */
export class InvalidTransitionError extends AppError {
  constructor(message: string) {
    super(ErrorCode.INVALID_TRANSITION, message);
  }
}
