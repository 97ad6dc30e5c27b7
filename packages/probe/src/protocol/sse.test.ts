import { describe, expect, it } from 'vitest';
import { readSse, SseParser } from './sse.js';

describe('SseParser', () => {
  it('joins data lines, keeps event names and ids, and ignores comments', () => {
    const p = new SseParser();
    const events = p.push(
      ': keep-alive\nevent: endpoint\ndata: /messages?s=1\n\nid: 7\ndata: {"a":\ndata: 1}\n\n',
    );
    expect(events).toEqual([
      { event: 'endpoint', data: '/messages?s=1' },
      { event: 'message', data: '{"a":\n1}', id: '7' },
    ]);
  });

  it('handles CRLF and CR line ends split across chunks', () => {
    const p = new SseParser();
    expect(p.push('data: one\r')).toEqual([]);
    expect(p.push('\n\r\ndata: two\r\r')).toEqual([{ event: 'message', data: 'one' }]);
    // A trailing CR may be half of a CRLF: the event is dispatched once the next byte shows it is not.
    expect(p.push(': next\n')).toEqual([{ event: 'message', data: 'two' }]);
  });

  it('keeps the last event id across events and reports a retry delay with its event', () => {
    const p = new SseParser();
    expect(p.push('id: e-1\nretry: 500\ndata: \n\ndata: x\n\nretry: soon\ndata: y\n\n')).toEqual([
      { event: 'message', data: '', id: 'e-1', retry: 500 },
      { event: 'message', data: 'x', id: 'e-1' },
      { event: 'message', data: 'y', id: 'e-1' },
    ]);
  });

  it('dispatches nothing for an event without data', () => {
    expect(new SseParser().push('event: ping\n\n')).toEqual([]);
  });

  it('cuts a stream at the byte limit', async () => {
    async function* body() {
      for (let i = 0; i < 100; i++) yield Buffer.from(`data: ${'x'.repeat(100)}\n\n`);
    }
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const e of readSse(body(), 1000)) seen.push(e.data);
      })(),
    ).rejects.toMatchObject({ reason: 'response_too_large' });
    expect(seen.length).toBeLessThan(10);
  });
});
