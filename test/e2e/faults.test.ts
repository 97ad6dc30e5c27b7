/**
 * Issue 3, "Faults": the built `mcpwatch serve` killed with SIGKILL mid-run and started again on the same
 * database, and started against a broken config, an unreachable PostgreSQL and a data folder it cannot
 * write. Nothing acknowledged may be lost, no incident doubled or forgotten, no heartbeat deadline moved;
 * a fault at start-up is one clear message and exit code 3, with the database left as it was.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dumpDatabase, heartbeatDeadline, mountTmpfs, type TmpfsMount } from './fault-env.js';
import {
  Api,
  assertBuilt,
  FlipServer,
  killAll,
  refusedPort,
  type ServeProcess,
  serve,
  WAIT_MS,
  waitFor,
} from './serve-process.js';

interface Result {
  id: number;
  at: number;
  status: string;
}
interface Incident {
  id: number;
  monitorId: number;
  resolvedAt: number | null;
}
interface Event {
  id: number;
  at: number;
  kind: string;
  evidence: Record<string, unknown>;
}

let flip: FlipServer;
let closedPort: number;
const dirs: string[] = [];
const mounts: TmpfsMount[] = [];

beforeAll(async () => {
  assertBuilt();
  flip = await FlipServer.start();
  closedPort = await refusedPort();
});

afterEach(async () => {
  await killAll();
  for (const mount of mounts.splice(0)) mount.unmount();
});

afterAll(async () => {
  await flip?.close();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mcpwatch-faults-'));
  dirs.push(dir);
  return dir;
}

const flakyMonitor = (url: string) => `  - name: flaky
    kind: http
    target: ${url}
    intervalSec: 1
    consecutiveFails: 2
    recoverAfter: 2
`;
const refusedMonitor = (port: number) => `  - name: refused
    kind: tcp
    target: 127.0.0.1:${port}
    intervalSec: 1
    consecutiveFails: 1
`;
/** Line 4 holds the mistake, so the message must name mcpwatch.yaml:4. */
const BROKEN = `monitors:
  - name: refused
    kind: tcp
    target: not a host and port
    intervalSec: 1
`;

async function started(process_: ServeProcess): Promise<Api> {
  return Api.login(await process_.url());
}

async function monitorId(api: Api, name: string): Promise<number> {
  return waitFor(`monitor ${name}`, async () => {
    const { monitors } = await api.get<{ monitors: { id: number; name: string }[] }>('/api/v1/monitors');
    return monitors.find((m) => m.name === name)?.id;
  });
}

async function results(api: Api, id: number): Promise<Result[]> {
  return (await api.get<{ results: Result[] }>(`/api/v1/monitors/${id}/results?limit=10000`)).results;
}

async function incidents(api: Api, id: number, open?: boolean): Promise<Incident[]> {
  const query = `monitorId=${id}${open === undefined ? '' : `&open=${open}`}`;
  return (await api.get<{ incidents: Incident[] }>(`/api/v1/incidents?${query}`)).incidents;
}

async function events(api: Api, id: number, kind: string): Promise<Event[]> {
  return (await api.get<{ events: Event[] }>(`/api/v1/events?monitorId=${id}&kinds=${kind}&limit=1000`))
    .events;
}

async function ready(url: string): Promise<{ checks: Record<string, boolean> }> {
  const response = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(10_000) });
  return (await response.json()) as { checks: Record<string, boolean> };
}

async function withTimeout<T>(what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Gave up waiting for ${what}`)), WAIT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The `mcpwatch: …` lines: what the CLI itself said, apart from the service's JSON log. */
function cliLines(process_: ServeProcess): string[] {
  return process_.stderr.split('\n').filter((line) => line.startsWith('mcpwatch: '));
}

describe('mcpwatch serve killed with SIGKILL and started again', () => {
  it('keeps every acknowledged result and the one incident of an outage, which then resolves once', async () => {
    const dir = await tempDir();
    const config = path.join(dir, 'mcpwatch.yaml');
    await writeFile(config, `monitors:\n${flakyMonitor(flip.url)}${refusedMonitor(closedPort)}`);
    const flags = ['--data', path.join(dir, 'data'), '--config', config];
    flip.status = 500;

    const first = serve(flags);
    let api = await started(first);
    const flaky = await monitorId(api, 'flaky');
    const refused = await monitorId(api, 'refused');
    const [flakyIncident] = await waitFor('an open incident for flaky', async () => {
      const open = await incidents(api, flaky, true);
      return open.length > 0 && open;
    });
    const [refusedIncident] = await waitFor('an open incident for refused', async () => {
      const open = await incidents(api, refused, true);
      return open.length > 0 && open;
    });
    await waitFor('a few results for flaky', async () => (await results(api, flaky)).length >= 3);
    const acknowledged = [...(await results(api, flaky)), ...(await results(api, refused))];

    // Killed while flaky's check waits for its answer: the check is in flight, not between runs.
    const inFlight = flip.holdNext();
    await withTimeout("flaky's next check", inFlight);
    expect((await first.kill('SIGKILL')).signal).toBe('SIGKILL');
    flip.release();

    const second = serve(flags);
    api = await started(second);
    const kept = new Map(
      [...(await results(api, flaky)), ...(await results(api, refused))].map((r) => [r.id, r]),
    );
    for (const result of acknowledged) expect(kept.get(result.id)).toEqual(result);

    // Still down after the restart, checked again, and still the same single incident.
    const before = kept.size;
    await waitFor('checks after the restart', async () => {
      return (await results(api, flaky)).length + (await results(api, refused)).length > before + 2;
    });
    expect((await incidents(api, flaky, true)).map((i) => i.id)).toEqual([flakyIncident?.id]);
    expect((await incidents(api, refused, true)).map((i) => i.id)).toEqual([refusedIncident?.id]);

    flip.status = 200;
    await waitFor('flaky to recover', async () => (await incidents(api, flaky, true)).length === 0);
    const flakyAll = await incidents(api, flaky);
    expect(flakyAll.map((i) => i.id)).toEqual([flakyIncident?.id]);
    expect(flakyAll[0]?.resolvedAt).not.toBeNull();
    expect(await events(api, flaky, 'down')).toHaveLength(1);
    expect(await events(api, flaky, 'recovered')).toHaveLength(1);
    expect((await incidents(api, refused)).map((i) => i.id)).toEqual([refusedIncident?.id]);
    expect(await events(api, refused, 'down')).toHaveLength(1);

    expect((await second.kill('SIGTERM')).code).toBe(0);
  });

  it('keeps a heartbeat deadline where it was: the miss fires after it, never before', async () => {
    const dir = await tempDir();
    const data = path.join(dir, 'data');
    const flags = ['--data', data];

    const first = serve(flags, {}, dir);
    let api = await started(first);
    const created = await api.post<{ monitor: { id: number }; heartbeatToken: string }>('/api/v1/monitors', {
      kind: 'heartbeat',
      name: 'nightly',
      mode: 'period',
      periodSec: 4,
      graceSec: 2,
    });
    const id = created.monitor.id;
    const pingedAt = Date.now();
    const ping = await fetch(`${api.url}/hb/${created.heartbeatToken}`, {
      signal: AbortSignal.timeout(10_000),
    });
    expect(ping.status).toBe(200);
    const pinged = await results(api, id);
    expect(pinged).toHaveLength(1);

    expect((await first.kill('SIGKILL')).signal).toBe('SIGKILL');
    const deadline = heartbeatDeadline(path.join(data, 'mcpwatch.db'), id);
    expect(deadline).toBeGreaterThan(pingedAt);

    const second = serve(flags, {}, dir);
    api = await started(second);
    expect(await results(api, id)).toEqual(pinged);
    const [missed] = await waitFor('the missed heartbeat', async () => {
      const found = await events(api, id, 'heartbeat_missed');
      return found.length > 0 && found;
    });
    expect(missed?.evidence.expectedAt).toBe(new Date(deadline as number).toISOString());
    expect(missed?.at).toBeGreaterThanOrEqual(deadline as number);
    expect(await events(api, id, 'heartbeat_missed')).toHaveLength(1);
    expect(await incidents(api, id, true)).toHaveLength(1);
  });
});

describe('mcpwatch serve with a broken config', () => {
  it('at start: exits 3 once with one message naming file:line, and leaves the database as it was', async () => {
    const dir = await tempDir();
    const config = path.join(dir, 'mcpwatch.yaml');
    const data = path.join(dir, 'data');
    await writeFile(config, `monitors:\n${refusedMonitor(closedPort)}`);
    const good = serve(['--data', data, '--config', config]);
    const api = await started(good);
    const refused = await monitorId(api, 'refused');
    await waitFor('results to keep', async () => (await results(api, refused)).length >= 2);
    expect((await good.kill('SIGTERM')).code).toBe(0);
    const before = dumpDatabase(path.join(data, 'mcpwatch.db'));

    await writeFile(config, BROKEN);
    const broken = serve(['--data', data, '--config', config]);
    const exit = await broken.exit();

    expect(exit.code, broken.stderr).toBe(3);
    const lines = cliLines(broken);
    expect(lines, broken.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/mcpwatch\.yaml:4:\d+: monitors\[0\]\.target: /);
    expect(broken.logs.some((entry) => entry.msg?.startsWith('mcpwatch is serving'))).toBe(false);
    expect(dumpDatabase(path.join(data, 'mcpwatch.db'))).toEqual(before);

    // On a first start, the config is read before anything is written: no database, no admin user.
    const fresh = path.join(dir, 'fresh');
    const first = serve(['--data', fresh, '--config', config]);
    expect((await first.exit()).code, first.stderr).toBe(3);
    expect(existsSync(fresh)).toBe(false);
  });

  it('while running: keeps checking with the last good config, /ready says config false until the file is fixed', async () => {
    const dir = await tempDir();
    const config = path.join(dir, 'mcpwatch.yaml');
    const good = `monitors:\n${refusedMonitor(closedPort)}`;
    await writeFile(config, good);
    const service = serve(['--data', path.join(dir, 'data'), '--config', config]);
    const api = await started(service);
    const refused = await monitorId(api, 'refused');
    await waitFor('config ready', async () => (await ready(api.url)).checks.config === true);

    await writeFile(config, BROKEN);
    await waitFor('/ready to report the config', async () => (await ready(api.url)).checks.config === false);
    const health = await (await fetch(`${api.url}/health`)).json();
    expect(health.config.error).toMatch(/mcpwatch\.yaml:4:\d+: /);
    const counted = (await results(api, refused)).length;
    await waitFor('checks under the last good config', async () => {
      return (await results(api, refused)).length >= counted + 2;
    });

    await writeFile(config, `${good}${flakyMonitor(flip.url)}`);
    await waitFor('/ready to clear', async () => (await ready(api.url)).checks.config === true);
    await monitorId(api, 'flaky');
    expect(service.running).toBe(true);
  });
});

describe('mcpwatch serve with a store it cannot use', () => {
  it('an unreachable PostgreSQL: exits 3 saying it cannot reach it', async () => {
    const dir = await tempDir();
    const service = serve(['--database', 'postgres://postgres@127.0.0.1:1/test'], {}, dir);
    const exit = await service.exit();
    expect(exit.code, service.stderr).toBe(3);
    expect(cliLines(service)).toEqual([
      expect.stringMatching(
        /^mcpwatch: Cannot reach PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:1\/test/,
      ),
    ]);
  });

  it('a data folder under a regular file: exits 3 naming the path', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'plain-file'), 'not a folder\n');
    const service = serve(['--data', path.join(dir, 'plain-file', 'data')], {}, dir);
    const exit = await service.exit();
    expect(exit.code, service.stderr).toBe(3);
    expect(cliLines(service)).toEqual([
      expect.stringMatching(/^mcpwatch: Cannot open the SQLite database at .*plain-file.*not a directory/),
    ]);
  });

  it('a data folder it cannot write: exits 3 saying it cannot open the database', async (context) => {
    const dir = await tempDir();
    const data = path.join(dir, 'data');
    await mkdir(data);
    if (process.getuid?.() === 0) {
      // Permissions do not stop root; a read-only mount does.
      const mount = mountTmpfs(data, { sizeKb: 1024, readOnly: true });
      if (typeof mount === 'string') {
        console.log(`skipped: running as root and ${mount}`);
        context.skip();
        return;
      }
      mounts.push(mount);
    } else {
      await chmod(data, 0o555);
    }
    const service = serve(['--data', data], {}, dir);
    const exit = await service.exit();
    expect(exit.code, service.stderr).toBe(3);
    expect(cliLines(service)).toEqual([
      expect.stringMatching(/^mcpwatch: Cannot open the SQLite database at /),
    ]);
  });

  it('a full disk at start: exits 3 saying the disk is full', async (context) => {
    const dir = await tempDir();
    const disk = path.join(dir, 'disk');
    await mkdir(disk);
    const mount = mountTmpfs(disk, { sizeKb: 256 });
    if (typeof mount === 'string') {
      console.log(`skipped: ${mount}`);
      context.skip();
      return;
    }
    mounts.push(mount);
    await writeFile(path.join(disk, 'filler'), Buffer.alloc(512 * 1024)).catch(() => {});
    const service = serve(['--data', path.join(disk, 'data')], {}, dir);
    const exit = await service.exit();
    expect(exit.code, service.stderr).toBe(3);
    expect(cliLines(service)).toEqual([expect.stringMatching(/^mcpwatch: Cannot open .*disk is full/)]);
  });

  it('a disk that fills while running: keeps serving, loses nothing stored, records again once there is room', async (context) => {
    const dir = await tempDir();
    const disk = path.join(dir, 'disk');
    await mkdir(disk);
    const mount = mountTmpfs(disk, { sizeKb: 8 * 1024 });
    if (typeof mount === 'string') {
      console.log(`skipped: ${mount}`);
      context.skip();
      return;
    }
    mounts.push(mount);
    const config = path.join(dir, 'mcpwatch.yaml');
    await writeFile(config, `monitors:\n${refusedMonitor(closedPort)}`);
    const service = serve(['--data', path.join(disk, 'data'), '--config', config]);
    const api = await started(service);
    const refused = await monitorId(api, 'refused');
    await waitFor('results before the disk fills', async () => (await results(api, refused)).length >= 2);

    const filler = path.join(disk, 'filler');
    await writeFile(filler, Buffer.alloc(16 * 1024 * 1024)).catch(() => {});
    await waitFor('a result the full disk refused', () =>
      service.logs.some((entry) => /could not be stored: database or disk is full/.test(entry.msg ?? '')),
    );
    const stored = await results(api, refused);
    expect(service.running).toBe(true);

    await rm(filler);
    await waitFor('results once there is room', async () => {
      return (await results(api, refused)).length >= stored.length + 2;
    });
    const after = new Map((await results(api, refused)).map((r) => [r.id, r]));
    for (const result of stored) expect(after.get(result.id)).toEqual(result);
    expect((await service.kill('SIGTERM')).code).toBe(0);
  });
});
