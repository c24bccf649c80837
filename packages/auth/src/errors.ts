/**
 * GNAP error codes (RFC 9635 §3.6) as the Open Payments auth-server spec and Rafiki use them, plus the
 * interaction-specific codes Rafiki's IdP API answers with.
 */
export type GnapErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_interaction'
  | 'invalid_rotation'
  | 'invalid_continuation'
  | 'user_denied'
  | 'request_denied'
  | 'unknown_interaction'
  | 'too_fast';

/**
 * A refusal the HTTP layer turns into `status` with body `{ error: { code, description } }` (the auth-server spec's
 * error schemas). Thrown by services as well as routes: the status belongs to the cause, not to the route.
 */
export class GnapError extends Error {
  override readonly name = 'GnapError';

  constructor(
    readonly status: number,
    readonly code: GnapErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toBody(): { error: { code: GnapErrorCode; description: string } } {
    return { error: { code: this.code, description: this.message } };
  }
}

export function isGnapError(error: unknown, code?: GnapErrorCode): error is GnapError {
  return error instanceof GnapError && (code === undefined || error.code === code);
}

export const invalidRequest = (message: string): GnapError => new GnapError(400, 'invalid_request', message);
