import { once } from 'node:events';
import { mkdir, mkdtemp, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigError } from './config-error.js';
import { ConfigWatcher } from './watch-config.js';

const monitor = (name: string) =>
  `monitors:\n  - name: ${name}\n    kind: http\n    target: https://mcp.example.com/healthz\n`;

/** Waits for one event, failing the test rather than hanging it if the event never comes. */
async function next<T>(watcher: ConfigWatcher, event: 'reload' | 'invalid'): Promise<T> {
  const [value] = await once(watcher, event, { signal: AbortSignal.timeout(10_000) });
  return value as T;
}

describe('ConfigWatcher', () => {
  let dir: string;
  let file: string;
  let watcher: ConfigWatcher | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mcpwatch-watch-'));
    file = path.join(dir, 'mcpwatch.yaml');
    await writeFile(file, monitor('first'));
  });

  afterEach(async () => {
    watcher?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reloads an edited file', async () => {
    watcher = await ConfigWatcher.start(file, { source: { env: {} }, debounceMs: 50 });
    expect(watcher.config.monitors.map((m) => m.name)).toEqual(['first']);
    const reloaded = next(watcher, 'reload');
    await writeFile(file, monitor('second'));
    await reloaded;
    expect(watcher.config.monitors.map((m) => m.name)).toEqual(['second']);
  });

  it('keeps the last good config when an edit is bad, and reports why', async () => {
    watcher = await ConfigWatcher.start(file, { source: { env: {} }, debounceMs: 50 });
    const invalid = next<ConfigError>(watcher, 'invalid');
    // Replaced whole, so no half-written (empty) file is ever seen: the error is the one the edit made.
    const temp = path.join(dir, 'next.tmp');
    await writeFile(temp, monitor('broken').replace('kind: http', 'kind: htp'));
    await rename(temp, file);
    const error = await invalid;
    expect(error.message).toBe(
      `${file}:3:11: monitors[0].kind: "htp" is not a kind: use one of mcp, http, tcp, npm, heartbeat (did you mean http?)`,
    );
    expect(watcher.config.monitors.map((m) => m.name)).toEqual(['first']);

    // Fixed again, it loads: a bad edit does not stop the watch.
    const reloaded = next(watcher, 'reload');
    await writeFile(file, monitor('fixed'));
    await reloaded;
    expect(watcher.config.monitors.map((m) => m.name)).toEqual(['fixed']);
  });

  it('follows a file replaced by rename, as editors save', async () => {
    watcher = await ConfigWatcher.start(file, { source: { env: {} }, debounceMs: 50 });
    const reloaded = next(watcher, 'reload');
    const temp = path.join(dir, '.mcpwatch.yaml.swp');
    await writeFile(temp, monitor('renamed'));
    await rename(temp, file);
    await reloaded;
    expect(watcher.config.monitors.map((m) => m.name)).toEqual(['renamed']);
  });

  it('follows a Kubernetes ConfigMap volume, updated by swapping its ..data symlink', async () => {
    // The kubelet's layout: mcpwatch.yaml -> ..data/mcpwatch.yaml, ..data -> ..<timestamp>/.
    const volume = path.join(dir, 'volume');
    await mkdir(path.join(volume, '..2026_11_22_1'), { recursive: true });
    await writeFile(path.join(volume, '..2026_11_22_1', 'mcpwatch.yaml'), monitor('mounted'));
    await symlink('..2026_11_22_1', path.join(volume, '..data'));
    await symlink('..data/mcpwatch.yaml', path.join(volume, 'mcpwatch.yaml'));
    watcher = await ConfigWatcher.start(path.join(volume, 'mcpwatch.yaml'), {
      source: { env: {} },
      debounceMs: 50,
    });
    expect(watcher.config.monitors.map((m) => m.name)).toEqual(['mounted']);

    const reloaded = next(watcher, 'reload');
    await mkdir(path.join(volume, '..2026_11_22_2'));
    await writeFile(path.join(volume, '..2026_11_22_2', 'mcpwatch.yaml'), monitor('updated'));
    await symlink('..2026_11_22_2', path.join(volume, '..data_tmp'));
    await rename(path.join(volume, '..data_tmp'), path.join(volume, '..data'));
    await rm(path.join(volume, '..2026_11_22_1'), { recursive: true });
    await reloaded;
    expect(watcher.config.monitors.map((m) => m.name)).toEqual(['updated']);
  });

  it('refuses to start on a bad file: there is no good config to keep', async () => {
    await writeFile(file, 'monitors: 3\n');
    await expect(ConfigWatcher.start(file, { source: { env: {} } })).rejects.toThrow(
      `${file}:1:11: monitors: 3 is a whole number: give a list`,
    );
  });
});
