import { describe, expect, it } from 'vitest';
import { REDACTED, redact } from './redact.js';

describe('redact', () => {
  it('hides values of secret-named keys at any depth and keeps the rest', () => {
    expect(
      redact({
        query: 'weather in Paris',
        apiKey: 'sk-123',
        nested: { db: { password: 'hunter2', host: 'db.local' }, list: [{ access_token: 't' }] },
        Authorization: 'Bearer x',
        client_secret: 's',
        author: 'Ada',
        max_results: 3,
      }),
    ).toEqual({
      query: 'weather in Paris',
      apiKey: REDACTED,
      nested: { db: { password: REDACTED, host: 'db.local' }, list: [{ access_token: REDACTED }] },
      Authorization: REDACTED,
      client_secret: REDACTED,
      author: 'Ada',
      max_results: 3,
    });
  });

  it('takes a pattern of its own', () => {
    expect(redact({ ssn: '123', name: 'x' }, /ssn/i)).toEqual({ ssn: REDACTED, name: 'x' });
  });

  it('bounds depth, long strings and cycles instead of throwing or growing', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const out = JSON.stringify(redact(cyclic));
    expect(out).toContain('[…]');
    const long = redact('x'.repeat(5_000)) as string;
    expect(long.length).toBeLessThan(1_100);
    expect(long).toContain('5000 chars');
  });
});
