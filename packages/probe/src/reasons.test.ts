import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REASON_CODES, REASONS } from './reasons.js';

describe('reason codes', () => {
  const doc = readFileSync(new URL('../../../docs/reasons.md', import.meta.url), 'utf8');

  it('each has a documented entry', () => {
    for (const code of REASON_CODES) expect(doc, code).toContain(`\`${code}\``);
  });

  it('the docs name no code the probe lacks', () => {
    const documented = [...doc.slice(doc.indexOf('## Reasons')).matchAll(/^\| `([a-z_]+)` \|/gm)].map(
      (m) => m[1],
    );
    expect(documented.sort()).toEqual([...REASON_CODES].sort());
  });

  it('each message says what to do, on one line', () => {
    for (const message of Object.values(REASONS)) {
      expect(message).toMatch(/: /);
      expect(message).not.toContain('\n');
    }
  });
});
