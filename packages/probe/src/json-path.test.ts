import { describe, expect, it } from 'vitest';
import { deepEqual, parsePath, readPath } from './json-path.js';

describe('readPath', () => {
  const doc = { items: [{ id: 'a', 'odd key': 1 }, { id: 'b' }], ok: true, n: null };
  it('reads keys, indexes and quoted keys', () => {
    expect(readPath(doc, '$.items[1].id')).toEqual({ found: true, value: 'b' });
    expect(readPath(doc, "$.items[0]['odd key']")).toEqual({ found: true, value: 1 });
    expect(readPath(doc, '$.items[-1].id')).toEqual({ found: true, value: 'b' });
    expect(readPath(doc, '$.n')).toEqual({ found: true, value: null });
    expect(readPath(doc, '$')).toEqual({ found: true, value: doc });
  });
  it('says when nothing is there', () => {
    expect(readPath(doc, '$.items[5]')).toEqual({ found: false });
    expect(readPath(doc, '$.ok.deeper')).toEqual({ found: false });
    expect(readPath(doc, '$.toString')).toEqual({ found: false });
  });
  it('rejects paths it cannot read with a hint', () => {
    expect(() => parsePath('$.items[*]')).toThrow(/use \$\.key/);
  });
});

describe('deepEqual', () => {
  it('compares structurally, ignoring key order', () => {
    expect(deepEqual({ a: [1, { b: 2 }], c: 'x' }, { c: 'x', a: [1, { b: 2 }] })).toBe(true);
    expect(deepEqual({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(deepEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(deepEqual([], {})).toBe(false);
  });
});
