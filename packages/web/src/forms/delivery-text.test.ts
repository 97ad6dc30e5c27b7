import { describe, expect, it } from 'vitest';
import { deliveryText } from './delivery-text.ts';

describe('deliveryText', () => {
  it('says what the provider answered', () => {
    expect(deliveryText({ ok: true, status: 200, response: 'ok' })).toBe(
      'Sent. HTTP 200. The provider answered: ok',
    );
    expect(deliveryText({ ok: true })).toBe('Sent.');
    expect(deliveryText({ ok: false, permanent: true, status: 403, error: 'invalid_token' })).toBe(
      'Not sent (retrying will not help). HTTP 403. invalid_token',
    );
    expect(deliveryText({ ok: false, permanent: false, error: 'hooks.example.com: ENOTFOUND' })).toBe(
      'Not sent. hooks.example.com: ENOTFOUND',
    );
  });
});
