import { afterEach, describe, expect, it, vi } from 'vitest';
import { firstReads, prefetch, read } from './prefetch.ts';

afterEach(() => {
  vi.unstubAllGlobals();
});

const answer = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('prefetch', () => {
  it('names the reads of the overview and of a monitor page', () => {
    expect(firstReads('/')).toEqual(['/monitors']);
    expect(firstReads('/monitors/12')).toContain('/monitors/12/uptime');
    expect(firstReads('/monitors/new')).toEqual([]);
    expect(firstReads('/incidents')).toEqual([]);
  });

  it('hands the prefetched answer over once', async () => {
    const fetch = vi.fn(async () => answer(200, { n: 1 }));
    vi.stubGlobal('fetch', fetch);
    prefetch('/monitors');
    expect(await read('/monitors')).toEqual({ n: 1 });
    expect(fetch).toHaveBeenCalledTimes(1);
    await read('/monitors');
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('reads again when the prefetch failed (made before sign-in)', async () => {
    const fetch = vi
      .fn()
      .mockResolvedValueOnce(answer(401, { error: { code: 'unauthenticated', message: 'Sign in' } }))
      .mockResolvedValueOnce(answer(200, { monitors: [] }));
    vi.stubGlobal('fetch', fetch);
    prefetch('/monitors');
    expect(await read('/monitors')).toEqual({ monitors: [] });
  });
});
