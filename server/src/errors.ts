/**
 * One error type for everything an API caller may see: a stable snake_case code, an HTTP status
 * and a message that is safe to show (it must never carry key material).
 */
export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    /** Extra response headers, e.g. Retry-After on 429. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** The JSON body every error answer carries. */
export interface ErrorBody {
  error: { code: string; message: string };
}

/** Builds the JSON body of an error answer. */
export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

export const notFound = (what: string, code = 'not_found') => new AppError(code, 404, `${what} not found`);
export const invalidRequest = (message: string) => new AppError('invalid_request', 400, message);
