import { describe, expect, it } from 'vitest';
import { matchRoute } from './route-match.ts';

describe('matchRoute', () => {
  it('matches fixed paths and named parts', () => {
    expect(matchRoute('/', '/')).toEqual({});
    expect(matchRoute('/monitors/:id', '/monitors/12')).toEqual({ id: '12' });
    expect(matchRoute('/monitors/:id', '/monitors/12/edit')).toBeNull();
    expect(matchRoute('/monitors/:id/edit', '/monitors/a%20b/edit')).toEqual({ id: 'a b' });
    expect(matchRoute('/incidents', '/incidents/')).toEqual({});
  });
  it('lets a star take the rest, or nothing', () => {
    expect(matchRoute('/settings/*', '/settings')).toEqual({ '*': '' });
    expect(matchRoute('/settings/*', '/settings/users/3')).toEqual({ '*': 'users/3' });
    expect(matchRoute('/settings/*', '/setting')).toBeNull();
  });
  it('refuses a malformed escape', () => {
    expect(matchRoute('/monitors/:id', '/monitors/%E0')).toBeNull();
  });
});
