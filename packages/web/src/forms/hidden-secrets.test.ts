import { describe, expect, it } from 'vitest';
import { noHiddenSecrets } from './hidden-secrets.ts';

describe('noHiddenSecrets', () => {
  it('finds the values the API hid', () => {
    expect(
      noHiddenSecrets({ url: 'https://hooks.example.com/***', headers: { Authorization: '***' }, name: 'a' }),
    ).toEqual([
      { path: 'url', message: 'is a hidden secret: type it again, or a ${NAME} reference' },
      { path: 'headers.Authorization', message: 'is a hidden secret: type it again, or a ${NAME} reference' },
    ]);
    expect(noHiddenSecrets({ url: 'https://a.example/x', tags: ['***x'] })).toEqual([]);
  });
});
