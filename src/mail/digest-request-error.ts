// Why a force-send was refused, as the catalogue codes the API maps to problem+json.
import { ERROR_CODES } from '../core/error-codes.ts';

export type DigestRequestCode = 'digest_disabled' | 'no_tick_yet';

export class DigestRequestError extends Error {
  readonly code: DigestRequestCode;
  /** 400 or 409 (docs/errors.md). */
  readonly status: number;

  constructor(code: DigestRequestCode, message: string) {
    super(message);
    this.name = 'DigestRequestError';
    this.code = code;
    // Both codes are request errors, which always carry their status.
    this.status = ERROR_CODES[code].status ?? 400;
  }
}
