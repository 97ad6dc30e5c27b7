/**
 * What a service call can refuse, by name. The API turns each code into its HTTP status; the CLI prints
 * the message. Every message says what to do next.
 */
export type ServiceErrorCode = 'not_found' | 'conflict' | 'read_only' | 'invalid';

export class ServiceError extends Error {
  readonly code: ServiceErrorCode;
  /** The input field at fault, for `invalid`. */
  readonly field: string | undefined;

  constructor(code: ServiceErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'ServiceError';
    this.code = code;
    this.field = field;
  }
}

export function notFound(what: string): ServiceError {
  return new ServiceError('not_found', `${what} does not exist: list them to find its id`);
}
