/** An error an Open Payments client receives as `{ error: { code, description, details? } }` with `status`. */
export class OpenPaymentsError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 500 | 503,
    readonly code: string,
    readonly description: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(description);
    this.name = 'OpenPaymentsError';
  }

  toBody(): { error: { code: string; description: string; details?: Record<string, unknown> } } {
    return {
      error: { code: this.code, description: this.description, ...(this.details ? { details: this.details } : {}) },
    };
  }
}

export const invalidRequest = (description: string, details?: Record<string, unknown>) =>
  new OpenPaymentsError(400, 'invalid_request', description, details);
export const notFound = (description: string) => new OpenPaymentsError(404, 'not_found', description);
