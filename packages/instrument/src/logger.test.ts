import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, parseLevel } from './logger.js';

const sink = () => {
  const lines: Record<string, unknown>[] = [];
  return { lines, write: (line: string) => void lines.push(JSON.parse(line)) };
};

const saved = process.env.LOG_LEVEL;
afterEach(() => {
  if (saved === undefined) delete process.env.LOG_LEVEL;
  else process.env.LOG_LEVEL = saved;
});

describe('createLogger', () => {
  it("writes the seed guide's line shape: timestamp, level, server, version, message, then fields", () => {
    const out = sink();
    const log = createLogger({ name: 'weather', version: '2.1.0', level: 'debug', destination: out });
    log.info('tool call completed', { tool: 'search', request_id: 7, duration_ms: 12.5 });
    expect(Object.keys(out.lines[0] ?? {})).toEqual([
      'timestamp',
      'level',
      'server',
      'version',
      'message',
      'tool',
      'request_id',
      'duration_ms',
    ]);
    expect(out.lines[0]).toMatchObject({
      level: 'INFO',
      server: 'weather',
      version: '2.1.0',
      tool: 'search',
    });
  });

  it('takes its level from LOG_LEVEL when none is given', () => {
    process.env.LOG_LEVEL = 'error';
    const out = sink();
    const log = createLogger({ destination: out });
    log.warn('not shown');
    log.error('shown');
    expect(out.lines.map((l) => l.message)).toEqual(['shown']);
    expect(log.enabled('warn')).toBe(false);
  });

  it('reads level names as people write them', () => {
    expect(parseLevel('DEBUG')).toBe('debug');
    expect(parseLevel('warning')).toBe('warn');
    expect(parseLevel('none')).toBe('silent');
    expect(parseLevel('loud')).toBe('info');
    expect(parseLevel(undefined, 'warn')).toBe('warn');
  });

  it('never throws on values JSON cannot write', () => {
    const out = sink();
    const log = createLogger({ destination: out });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => log.info('odd', { big: 10n, cyclic })).not.toThrow();
    expect(out.lines[0]?.message).toBe('odd');
  });

  it("goes through the user's pino logger, bound to the server's name and version", () => {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const log = createLogger({ name: 'svc', version: '1.0.0', pino: pino({ level: 'info' }, stream) });
    log.debug('hidden by pino', {});
    log.warn('tool call failed', { tool: 'x' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 40,
      msg: 'tool call failed',
      tool: 'x',
      server: 'svc',
      version: '1.0.0',
    });
    expect(log.enabled('debug')).toBe(false);
  });
});
