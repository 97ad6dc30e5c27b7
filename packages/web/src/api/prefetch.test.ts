import { describe, expect, it } from 'vitest';
import { firstReads } from './prefetch.ts';

describe('firstReads', () => {
  it('names the reads of the overview and of a monitor page', () => {
    expect(firstReads('/')).toEqual(['/monitors']);
    expect(firstReads('/monitors/12')).toContain('/monitors/12/uptime');
    expect(firstReads('/monitors/new')).toEqual([]);
    expect(firstReads('/incidents')).toEqual([]);
  });
});
