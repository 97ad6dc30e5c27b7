/** An error the service answered with its envelope `{error: {code, message, field}}`, or a network failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let unauthenticated: () => void = () => {};

/** What to do when the service says the session ended (401 outside sign-in): the app shows sign-in. */
export function onUnauthenticated(handler: () => void): void {
  unauthenticated = handler;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
}

/** Calls `/api/v1<path>` with the session cookie; JSON in and out; every failure is an ApiError. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const init: RequestInit = {
    method: options.method ?? 'GET',
    credentials: 'same-origin',
    headers: { accept: 'application/json' },
  };
  if (options.signal) init.signal = options.signal;
  if (options.body !== undefined) {
    init.headers = { accept: 'application/json', 'content-type': 'application/json' };
    init.body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, init);
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network', 'mcpwatch did not answer: is the service running?');
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!response.ok) {
    const error = toApiError(response.status, data);
    if (response.status === 401 && !path.startsWith('/auth/')) unauthenticated();
    throw error;
  }
  return data as T;
}

export function toApiError(status: number, data: unknown): ApiError {
  const envelope = (data as { error?: { code?: unknown; message?: unknown; field?: unknown } } | undefined)
    ?.error;
  if (envelope && typeof envelope.message === 'string') {
    return new ApiError(
      status,
      typeof envelope.code === 'string' ? envelope.code : 'error',
      envelope.message,
      typeof envelope.field === 'string' ? envelope.field : undefined,
    );
  }
  return new ApiError(status, 'error', `mcpwatch answered HTTP ${status}.`);
}

/** A user-facing line for any thrown value. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.field ? `${error.message} (${error.field})` : error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
