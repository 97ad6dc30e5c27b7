import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LineSplitter, relay } from './relay.js';

function split(chunks: (string | Buffer)[], max = 1024) {
  const lines: string[] = [];
  const skipped: number[] = [];
  const splitter = new LineSplitter(
    (l) => lines.push(l),
    (n) => skipped.push(n),
    max,
  );
  for (const c of chunks) splitter.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  splitter.end();
  return { lines, skipped };
}

describe('LineSplitter', () => {
  it('hands over each line once, whatever the chunk boundaries', () => {
    const text = '{"a":1}\n{"b":"é"}\r\n\n{"c":3}\n';
    const whole = split([text]).lines;
    expect(whole).toEqual(['{"a":1}', '{"b":"é"}\r', '{"c":3}']);
    const bytes = Buffer.from(text);
    // Every two-way cut, including ones inside the two-byte é.
    for (let i = 0; i <= bytes.length; i++) {
      expect(split([bytes.subarray(0, i), bytes.subarray(i)]).lines).toEqual(whole);
    }
    // One byte at a time.
    expect(split([...bytes].map((b) => Buffer.from([b]))).lines).toEqual(whole);
  });

  it('keeps a last line without a newline', () => {
    expect(split(['{"a":1}\n{"b"', ':2}']).lines).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('skips a line past the bound, reporting its size, and goes on with the next', () => {
    const long = 'x'.repeat(3000);
    expect(split([`${long.slice(0, 1000)}`, `${long.slice(1000)}\n{"ok":1}\n`], 1024)).toEqual({
      lines: ['{"ok":1}'],
      skipped: [3000],
    });
    expect(split([`${long}\n{"ok":1}`], 1024)).toEqual({ lines: ['{"ok":1}'], skipped: [3000] });
    expect(split([`${long.slice(0, 500)}`, `${long.slice(500)}`], 1024)).toEqual({
      lines: [],
      skipped: [3000],
    });
  });
});

describe('relay', () => {
  it('passes every byte through in order, pausing for a slow reader, and ends the destination', async () => {
    const from = new PassThrough();
    const received: Buffer[] = [];
    const to = new Writable({
      highWaterMark: 16,
      write(chunk, _enc, done) {
        received.push(chunk);
        setImmediate(done);
      },
    });
    const seen: Buffer[] = [];
    const ended = new Promise<void>((resolve) => {
      relay(from, to, { observe: (c) => seen.push(c), end: resolve }, true);
    });
    const sent: Buffer[] = [];
    for (let i = 0; i < 200; i++) {
      const chunk = Buffer.from(`chunk ${i} ${'y'.repeat(i)}\n`);
      sent.push(chunk);
      from.write(chunk);
    }
    from.end();
    await ended;
    await new Promise((resolve) => to.once('finish', resolve));
    expect(Buffer.concat(received).equals(Buffer.concat(sent))).toBe(true);
    expect(Buffer.concat(seen).equals(Buffer.concat(sent))).toBe(true);
  });

  it('keeps reading and observing after the destination fails, and says so once', async () => {
    const from = new PassThrough();
    const to = new Writable({
      write(_chunk, _enc, done) {
        done(new Error('EPIPE'));
      },
    });
    const lost: string[] = [];
    let observed = 0;
    const ended = new Promise<void>((resolve) => {
      relay(from, to, { observe: () => observed++, end: resolve, lost: (e) => lost.push(e.message) }, true);
    });
    from.write('one\n');
    await new Promise((r) => setImmediate(r));
    from.write('two\n');
    from.end('three\n');
    await ended;
    expect(lost).toEqual(['EPIPE']);
    expect(observed).toBe(3);
  });
});
