import type { ProbeResult } from '@mcpwatch/probe';
import { describe, expect, it } from 'vitest';
import { render, renderSummary } from './render.js';

const ESC = '\u001b[';

const up: ProbeResult = {
  kind: 'mcp',
  target: 'https://mcp.example.com/mcp',
  status: 'up',
  message: 'notes 2.1.0 is up: 2 tools, 2026-07-28 (modern) over streamable-http in 120 ms',
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 120,
  timings: { dns: 10, connect: 10, tls: 20, handshake: 40, tools: 40, close: 0.2 },
  checks: [{ name: 'expected_tools', ok: true, detail: 'all present' }],
  mcp: {
    transport: 'streamable-http',
    era: 'modern',
    protocolVersion: '2026-07-28',
    serverInfo: { name: 'notes', version: '2.1.0' },
    tools: [
      { name: 'search', description: '\nSearch the notes by keyword.\nReturns at most 20 hits.' },
      { name: 'append', description: 'x'.repeat(200) },
    ],
    toolsHash: 'sha256:00',
  },
  tls: {
    protocol: 'TLSv1.3',
    daysLeft: 41.7,
    validTo: 'Feb 11 00:00:00 2026 GMT',
    chainValid: true,
    hostnameMatch: true,
    issuer: "Let's Encrypt R11",
  },
};

const refused: ProbeResult = {
  kind: 'mcp',
  target: 'http://127.0.0.1:1/mcp',
  status: 'down',
  reason: 'connect_refused',
  phase: 'connect',
  message: 'Connection to 127.0.0.1:1 refused',
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 1.5,
  timings: { connect: 1.2 },
  checks: [],
};

const crashed: ProbeResult = {
  kind: 'mcp',
  target: 'node server.js',
  status: 'down',
  reason: 'process_exited',
  phase: 'handshake',
  message: 'The server process exited with code 1; stderr: Error: DATABASE_URL is not set',
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 80,
  timings: { spawn: 5, handshake: 75 },
  checks: [],
  mcp: {
    transport: 'stdio',
    era: 'legacy',
    exitCode: 1,
    signal: null,
    stderr: [
      ...Array.from({ length: 12 }, (_, i) => `log line ${i + 1}`),
      `${ESC}31mError: DATABASE_URL is not set${ESC}0m`,
    ],
  },
};

describe('render', () => {
  it('shows the verdict, server, era, waterfall and tools of an up server', () => {
    const text = render(up, { color: false });
    const lines = text.split('\n');
    expect(lines[0]).toBe('UP  https://mcp.example.com/mcp');
    expect(lines[1]).toBe(`  ${up.message}`);
    expect(text).toContain('  server     notes 2.1.0\n');
    expect(text).toContain('  transport  streamable-http\n');
    expect(text).toContain('  era        modern, protocol 2026-07-28\n');
    expect(text).toContain('  tls        TLSv1.3, certificate expires in 41 days (Feb 11 00:00:00 2026 GMT)');
    // One line per phase, in the order they ran; each bar starts where the previous one ended.
    const phases = lines.filter((l) => l.endsWith('|'));
    expect(phases.map((l) => l.trim().split(/\s+/)[0])).toEqual([
      'dns',
      'connect',
      'tls',
      'handshake',
      'tools',
      'close',
    ]);
    expect(lines).toContain(`  dns        10.0  |${'#'.repeat(3).padEnd(40)}|`);
    // 120.2 ms in all: handshake runs from 40 to 80 ms, columns 13 to 27 of 40.
    expect(lines).toContain(`  handshake  40.0  |${' '.repeat(13)}${'#'.repeat(14)}${' '.repeat(13)}|`);
    expect(lines).toContain('  total       120');
    expect(text).toContain('  tools (2)\n    search  Search the notes by keyword.\n');
    const append = lines.find((l) => l.startsWith('    append'));
    expect(append?.length).toBe(100);
    expect(append?.endsWith('x...')).toBe(true);
    expect(text).not.toContain('failed checks');
    expect(text).not.toContain('reason');
    expect(text).not.toContain(ESC);
  });

  it('colours the verdict only when asked', () => {
    expect(render(up, { color: true }).split('\n')[0]).toBe(
      `${ESC}1m${ESC}32mUP${ESC}39m${ESC}22m  https://mcp.example.com/mcp`,
    );
    expect(render(refused, { color: true })).toContain(`${ESC}31mDOWN${ESC}39m`);
    expect(render({ ...up, status: 'degraded', reason: 'slow' }, { color: true })).toContain(
      `${ESC}33mDEGRADED${ESC}39m`,
    );
  });

  it('gives the reason code, what to do, and the failed phase of a down server', () => {
    expect(render(refused, { color: false })).toBe(
      [
        'DOWN  http://127.0.0.1:1/mcp',
        '  Connection to 127.0.0.1:1 refused',
        '  reason: connect_refused (connect phase): Nothing is listening on that port: start the server or fix the port.',
        '',
        '  phase       ms',
        `  connect    1.2  |${'#'.repeat(40)}|`,
        '  total      1.5',
        '',
      ].join('\n'),
    );
  });

  it('shows the last stderr lines of a stdio server that went down, with escape codes defused', () => {
    const text = render(crashed, { color: false });
    expect(text).toContain('  exit code  1\n');
    expect(text).toContain('  stderr (last 10 lines)\n');
    expect(text).toContain('    | ?[31mError: DATABASE_URL is not set?[0m\n');
    expect(text).toContain('    | log line 12\n');
    expect(text).not.toContain('log line 3\n');
    expect(text).not.toContain(ESC);
    // An era is reported only once a handshake agreed on one.
    expect(text).not.toContain('  era ');
  });

  it('keeps stderr out of the report of a server that is up', () => {
    const text = render(
      {
        ...up,
        target: 'node server.js',
        mcp: { ...(up.mcp as NonNullable<ProbeResult['mcp']>), transport: 'stdio', stderr: ['listening'] },
      },
      { color: false },
    );
    expect(text).not.toContain('stderr');
  });

  it('lists failed checks, soft ones as warnings', () => {
    const degraded: ProbeResult = {
      ...up,
      status: 'degraded',
      reason: 'tls_expiring',
      message: 'notes 2.1.0 is up; but the certificate expires in 3 days',
      tls: { ...(up.tls as NonNullable<ProbeResult['tls']>), daysLeft: 3.2 },
      checks: [
        { name: 'expected_tools', ok: true, detail: 'all present' },
        { name: 'cert_expiry', ok: false, soft: 'tls_expiring', detail: 'expires in 3 days' },
      ],
    };
    const text = render(degraded, { color: false });
    expect(text.split('\n')[0]).toBe('DEGRADED  https://mcp.example.com/mcp');
    expect(text).toContain(
      '  reason: tls_expiring: The TLS certificate expires soon: renew it before it does.',
    );
    expect(text).toContain('  failed checks\n    WARN cert_expiry  expires in 3 days\n');
    expect(text).toContain('certificate expires in 3 days');
    expect(render(degraded, { color: true })).toContain(`${ESC}33mWARN${ESC}39m cert_expiry`);

    const missing: ProbeResult = {
      ...refused,
      reason: 'tool_missing',
      checks: [{ name: 'expected_tools', ok: false, detail: 'missing deploy' }],
    };
    expect(render(missing, { color: false })).toContain('    FAIL expected_tools  missing deploy\n');
  });

  it('shows where to get a token when the server wants one', () => {
    const wall: ProbeResult = {
      ...refused,
      target: 'https://mcp.example.com/mcp',
      reason: 'auth_required',
      phase: 'handshake',
      message: 'HTTP 401 from the server: it wants a token',
      auth: {
        status: 401,
        wwwAuthenticate:
          'Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource"',
        resourceMetadataUrl: 'https://mcp.example.com/.well-known/oauth-protected-resource',
        authorizationServers: ['https://auth.example.com'],
        scopes: ['notes:read', 'notes:write'],
      },
    };
    const text = render(wall, { color: false });
    expect(text).toContain('  auth       HTTP 401, Bearer resource_metadata=');
    expect(text).toContain('  metadata   https://mcp.example.com/.well-known/oauth-protected-resource\n');
    expect(text).toContain('  issuer     https://auth.example.com\n');
    expect(text).toContain('  scopes     notes:read notes:write\n');
    // Auth metadata belongs to an auth wall, not to other failures that happen to carry it.
    expect(render({ ...wall, reason: 'timeout' }, { color: false })).not.toContain('metadata');
  });

  it('names a config server before its target and cuts a long tool list', () => {
    const many: ProbeResult = {
      ...up,
      mcp: {
        ...(up.mcp as NonNullable<ProbeResult['mcp']>),
        tools: Array.from({ length: 60 }, (_, i) => ({ name: `tool_${i}` })),
      },
    };
    const text = render(many, { color: false, name: 'notes' });
    expect(text.split('\n')[0]).toBe('UP  notes  https://mcp.example.com/mcp');
    expect(text).toContain('  tools (60)\n');
    expect(text).toContain('    tool_49\n    ... and 10 more (--json lists them all)\n');
    expect(text).not.toContain('tool_50');
  });
});

describe('renderSummary', () => {
  it('counts each status', () => {
    expect(renderSummary([up, refused, crashed], { color: false })).toBe(
      '3 servers: 1 up, 0 degraded, 2 down\n',
    );
    expect(renderSummary([up], { color: true })).toContain(`${ESC}32m1 up${ESC}39m`);
  });
});
