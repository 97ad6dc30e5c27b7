import { describe, expect, it } from 'vitest';
import { ApiError, errorText, toApiError } from './client.ts';

describe('toApiError', () => {
  it('reads the envelope', () => {
    const error = toApiError(400, {
      error: { code: 'invalid_request', message: 'target: bad', field: 'target' },
    });
    expect(error).toMatchObject({
      status: 400,
      code: 'invalid_request',
      message: 'target: bad',
      field: 'target',
    });
    expect(errorText(error)).toBe('target: bad (target)');
  });
  it('says the status when there is no envelope', () => {
    const error = toApiError(502, undefined);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toBe('mcpwatch answered HTTP 502.');
  });
});
