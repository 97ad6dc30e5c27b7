import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from './did-you-mean.js';

describe('didYouMean', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('agrs', 'args')).toBe(1);
    expect(editDistance('kind', 'kind')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests a close word and stays quiet for a distant one', () => {
    expect(didYouMean('intervalSecs', ['intervalSec', 'slowMs'])).toBe('intervalSec');
    expect(didYouMean('HTTP', ['mcp', 'http', 'tcp'])).toBe('http');
    expect(didYouMean('colour', ['mcp', 'http', 'tcp'])).toBeUndefined();
    expect(didYouMean('x', [])).toBeUndefined();
  });
});
