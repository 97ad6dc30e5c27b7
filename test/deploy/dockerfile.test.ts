/**
 * Issue 7: the Dockerfile and .dockerignore at the repository root. No image can be built on the machines
 * these tests run on (no Docker daemon, no registry to pull the base image from), so the test reads the
 * Dockerfile (stages, COPY sources, user, healthcheck, entrypoint), checks it against the repository and the
 * Kubernetes manifests, and rebuilds the runtime stage's file layout in a folder: the production install the
 * prod-deps stage runs (from the npm cache, offline), the files the runtime stage copies, and then the image's
 * own command, environment and HEALTHCHECK against the service it starts. A real `docker build` runs only
 * where a daemon and the base image are at hand; otherwise the test says why it did not.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { assertBuilt, ServeProcess, WAIT_MS, waitFor } from '../e2e/serve-process.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));

interface Instruction {
  line: number;
  keyword: string;
  /** The text after the keyword, continuation lines joined. */
  args: string;
}
interface Stage {
  name: string;
  base: string;
  instructions: Instruction[];
}

/** Instructions and stages; `ARG`s before the first `FROM` are resolved in the stages' base images. */
function parseDockerfile(text: string): { args: Record<string, string>; stages: Stage[] } {
  const instructions: Instruction[] = [];
  let pending: Instruction | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (pending === undefined && (line === '' || line.startsWith('#'))) return;
    if (pending !== undefined && line.startsWith('#')) return;
    const continues = line.endsWith('\\');
    const body = continues ? line.slice(0, -1).trim() : line;
    if (pending === undefined) {
      const match = /^(\S+)\s*(.*)$/.exec(body);
      pending = { line: index + 1, keyword: (match?.[1] ?? '').toUpperCase(), args: match?.[2] ?? '' };
    } else {
      pending.args = `${pending.args} ${body}`.trim();
    }
    if (!continues) {
      instructions.push(pending);
      pending = undefined;
    }
  });
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
      if (!match?.[1]) throw new Error(`line ${instruction.line}: FROM ${instruction.args}`);
      const base = match[1].replace(/\$\{(\w+)\}/g, (_, name: string) => args[name] ?? '');
      stages.push({ name: match[2] ?? String(stages.length), base, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword !== 'ARG') throw new Error(`line ${instruction.line}: only ARG before FROM`);
      const [name, value] = instruction.args.split('=');
      if (name) args[name] = value ?? '';
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return { args, stages };
}

interface Copy {
  from?: string;
  sources: string[];
  destination: string;
  line: number;
}

function copies(stage: Stage): Copy[] {
  return stage.instructions
    .filter((i) => i.keyword === 'COPY')
    .map((i) => {
      const words = i.args.split(/\s+/);
      const flags = words.filter((w) => w.startsWith('--'));
      const paths = words.filter((w) => !w.startsWith('--'));
      const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
      return {
        ...(from !== undefined ? { from } : {}),
        sources: paths.slice(0, -1),
        destination: paths.at(-1) ?? '',
        line: i.line,
      };
    });
}

function values(stage: Stage, keyword: string): string[] {
  return stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
}

/** ENV lines in `KEY=value` form (several per line), merged. */
function environment(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of values(stage, 'ENV')) {
    for (const pair of line.split(/\s+/)) {
      const at = pair.indexOf('=');
      if (at > 0) env[pair.slice(0, at)] = pair.slice(at + 1);
    }
  }
  return env;
}

/** A .dockerignore as Docker reads it: patterns from the context root, `**`, `!` exceptions, last match wins. */
function ignoreMatcher(text: string): (file: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negated = l.startsWith('!');
      const pattern = (negated ? l.slice(1) : l).replace(/^\/+/, '');
      const source = pattern
        .split('/')
        .map((part) =>
          part === '**'
            ? '.*'
            : part
                .replace(/[.+^${}()|[\]\\]/g, '\\$&')
                .replace(/\*/g, '[^/]*')
                .replace(/\?/g, '[^/]'),
        )
        .join('/')
        .replace(/\.\*\//g, '(?:.*/)?');
      return { negated, regex: new RegExp(`^${source}(?:/.*)?$`) };
    });
  return (file) => {
    let ignored = false;
    for (const rule of rules) if (rule.regex.test(file)) ignored = !rule.negated;
    return ignored;
  };
}

const dockerfile = parseDockerfile(readFileSync(path.join(repo, 'Dockerfile'), 'utf8'));
const ignored = ignoreMatcher(readFileSync(path.join(repo, '.dockerignore'), 'utf8'));
const stages = new Map(dockerfile.stages.map((s) => [s.name, s]));
const runtime = dockerfile.stages.at(-1) as Stage;
const runtimeEnv = environment(runtime);
const deployment = parse(readFileSync(path.join(repo, 'deploy/kubernetes/deployment.yaml'), 'utf8'));
const podSpec = deployment.spec.template.spec;
const container = podSpec.containers[0];

/** Every stage a stage is built on, itself first. */
function lineage(stage: Stage): Stage[] {
  const parent = stages.get(stage.base);
  return parent ? [stage, ...lineage(parent)] : [stage];
}

/** A stage's working directory, as set by it or inherited from the stage it is built on. */
function workdir(stage: Stage): string {
  for (const s of lineage(stage)) {
    const set = values(s, 'WORKDIR').at(-1);
    if (set !== undefined) return set;
  }
  return '/';
}

/** The files git knows in the repository, relative to its root. */
function trackedFiles(): string[] {
  return execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: repo, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f !== '' && existsSync(path.join(repo, f)));
}

describe('Dockerfile', () => {
  it('builds in stages and runs on the slim image of a supported Node, from one base for glibc', () => {
    expect(dockerfile.stages.map((s) => s.name)).toEqual(['toolchain', 'build', 'prod-deps', 'runtime']);
    const base = dockerfile.args.NODE_IMAGE ?? '';
    expect(base).toMatch(/^node:(\d+)-bookworm-slim$/);
    const major = Number(/^node:(\d+)/.exec(base)?.[1]);
    const engines = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')).engines.node as string;
    expect(major).toBeGreaterThanOrEqual(Number(/\d+/.exec(engines)?.[0]));
    // The toolchain that compiles better-sqlite3 and the runtime that loads it share one base image.
    expect(lineage(stages.get('prod-deps') as Stage).at(-1)?.base).toBe(base);
    expect(runtime.base).toBe(base);
    const toolchainRun = values(stages.get('toolchain') as Stage, 'RUN').join(' ');
    for (const tool of ['python3', 'make', 'g++']) expect(toolchainRun).toContain(tool);
    expect(values(stages.get('build') as Stage, 'RUN')).toContain('npm run build');
    expect(values(stages.get('prod-deps') as Stage, 'RUN').join(' ')).toMatch(/npm install --omit=dev/);
    // No compiler in what runs.
    expect(values(runtime, 'RUN').join(' ')).not.toMatch(/g\+\+|make|python3/);
  });

  it('runs as a numeric non-root user, the one the Deployment names, with tini as PID 1', () => {
    const user = values(runtime, 'USER').at(-1) ?? '';
    expect(user).toMatch(/^\d+:\d+$/);
    const [uid, gid] = user.split(':').map(Number);
    expect(uid).toBeGreaterThan(0);
    expect(podSpec.securityContext.runAsUser).toBe(uid);
    expect(podSpec.securityContext.runAsGroup).toBe(gid);
    expect(podSpec.securityContext.fsGroup).toBe(gid);
    const setup = values(runtime, 'RUN').join(' ');
    expect(setup).toContain(`useradd --uid ${uid} --gid ${gid}`);
    expect(setup).toContain(`chown ${uid}:${gid} /data`);
    // Its home takes npx's cache: writable in the Deployment, whose root is read-only.
    const home = runtimeEnv.HOME;
    expect(container.volumeMounts).toContainEqual({ name: 'home', mountPath: home });
    expect(setup).toContain(`--home-dir ${home}`);

    const entrypoint = JSON.parse(values(runtime, 'ENTRYPOINT').at(-1) ?? '[]') as string[];
    expect(entrypoint.slice(0, 2)).toEqual(['/usr/bin/tini', '--']);
    expect(setup).toMatch(/apt-get install -y --no-install-recommends tini/);
    expect(entrypoint.slice(2)).toEqual(['node', '/app/packages/mcpwatch/bin/mcpwatch.js']);
    expect(JSON.parse(values(runtime, 'CMD').at(-1) ?? '[]')).toEqual(['serve']);
  });

  it('serves on the port, data folder and config path the Kubernetes manifests use', () => {
    expect(runtimeEnv).toMatchObject({ MCPWATCH_HOST: '0.0.0.0', MCPWATCH_DATA: '/data' });
    expect(values(runtime, 'EXPOSE')).toEqual([runtimeEnv.MCPWATCH_PORT]);
    expect(Number(runtimeEnv.MCPWATCH_PORT)).toBe(container.ports[0].containerPort);
    expect(values(runtime, 'VOLUME')).toEqual(['["/data"]']);
    const args = container.args as string[];
    expect(args[args.indexOf('--data') + 1]).toBe(runtimeEnv.MCPWATCH_DATA);
    expect(args[args.indexOf('--config') + 1]).toBe(runtimeEnv.MCPWATCH_CONFIG);
    const healthcheck = values(runtime, 'HEALTHCHECK').at(-1) ?? '';
    expect(healthcheck).toContain('/live');
    expect(healthcheck).toContain('process.env.MCPWATCH_PORT');
  });

  it('copies from stages that exist, and from the context only files that exist and are not ignored', () => {
    for (const stage of dockerfile.stages) {
      for (const copy of copies(stage)) {
        if (copy.from !== undefined) {
          const index = dockerfile.stages.findIndex((s) => s.name === copy.from);
          expect(index, `line ${copy.line}: --from=${copy.from}`).toBeGreaterThanOrEqual(0);
          expect(index, `line ${copy.line}: an earlier stage`).toBeLessThan(dockerfile.stages.indexOf(stage));
          continue;
        }
        for (const source of copy.sources) {
          const file = source.replace(/\/$/, '');
          expect(existsSync(path.join(repo, file)), `line ${copy.line}: ${source}`).toBe(true);
          expect(ignored(file), `line ${copy.line}: ${source} is in .dockerignore`).toBe(false);
        }
      }
    }
  });

  it('copies from the build stage only what the repository holds or `npm run build` makes', () => {
    assertBuilt();
    for (const copy of copies(runtime).filter((c) => c.from === 'build')) {
      for (const source of copy.sources) {
        const relative = path.posix.relative(workdir(stages.get('build') as Stage), source);
        expect(relative.startsWith('..'), source).toBe(false);
        // dist folders are made by the build; everything else comes from the sources.
        if (/(^|\/)dist$/.test(relative)) {
          expect(ignored(relative), `${relative} is built in the image, not copied in`).toBe(true);
        } else {
          expect(ignored(relative), `${relative} must reach the build stage`).toBe(false);
        }
        expect(existsSync(path.join(repo, relative)), `${relative} after npm run build`).toBe(true);
      }
    }
    // The web dashboard, which mcpwatch serves from @mcpwatch/web's dist.
    expect(existsSync(path.join(repo, 'packages/web/dist/index.html'))).toBe(true);
  });

  it('.dockerignore keeps out installed and built files and the history, and lets in what the build reads', () => {
    for (const file of [
      'node_modules',
      'packages/mcpwatch/node_modules/x',
      '.git',
      'packages/probe/dist/index.js',
    ]) {
      expect(ignored(file), file).toBe(true);
    }
    // Every file of the packages but their tests: sources, styles, manifests, tsconfigs, bin, examples.
    const needed = trackedFiles().filter((f) => f.startsWith('packages/') && !/\.test\.tsx?$/.test(f));
    expect(needed.length).toBeGreaterThan(50);
    const kept = ['package.json', 'package-lock.json', 'tsconfig.base.json', ...needed];
    expect(kept.filter((f) => ignored(f))).toEqual([]);
    // An import that leaves its package (the dashboard reads the JSON Schema of mcpwatch.yaml from schemas/)
    // must reach the build stage too: in the context, and copied by the build or a stage it builds on.
    const buildCopies = lineage(stages.get('build') as Stage)
      .flatMap(copies)
      .filter((c) => c.from === undefined)
      .flatMap((c) => c.sources.map((s) => s.replace(/\/$/, '')));
    for (const file of needed.filter((f) => /\/src\/.*\.tsx?$/.test(f))) {
      const packageDir = file.split('/').slice(0, 2).join('/');
      for (const match of readFileSync(path.join(repo, file), 'utf8').matchAll(
        /(?:from\s+|import\s*\(\s*)'(\.[^']+)'/g,
      )) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), match[1] ?? ''));
        if (target.startsWith(`${packageDir}/`)) continue;
        expect(ignored(target), `${file} imports ${target}, which .dockerignore leaves out`).toBe(false);
        expect(
          buildCopies.some((s) => target === s || target.startsWith(`${s}/`)),
          `${file} imports ${target}, which the build stage does not copy`,
        ).toBe(true);
      }
    }
    // A test file excluded from the context must not be something the build compiles.
    for (const p of ['probe', 'instrument', 'mcpwatch']) {
      const tsconfig = readFileSync(path.join(repo, `packages/${p}/tsconfig.json`), 'utf8');
      if (!tsconfig.includes('"src"')) continue;
      const excluded = /"exclude"\s*:\s*\[([^\]]*)\]/.exec(tsconfig)?.[1] ?? '';
      expect(excluded, `packages/${p}/tsconfig.json excludes its tests`).toContain('*.test.ts');
    }
  });
});

describe('deploy/docker compose files', () => {
  const folder = path.join(repo, 'deploy/docker');
  const compose = parse(readFileSync(path.join(folder, 'compose.yaml'), 'utf8'));
  const postgres = parse(readFileSync(path.join(folder, 'compose.postgres.yaml'), 'utf8'));

  it('build this Dockerfile and run it as the image expects: port, /data volume, config folder', () => {
    const service = compose.services.mcpwatch;
    expect(existsSync(path.join(folder, service.build.context, 'Dockerfile'))).toBe(true);
    expect(service.ports).toEqual([`${runtimeEnv.MCPWATCH_PORT}:${runtimeEnv.MCPWATCH_PORT}`]);
    expect(service.volumes).toContain(`mcpwatch-data:${runtimeEnv.MCPWATCH_DATA}`);
    expect(compose.volumes).toHaveProperty('mcpwatch-data');
    // The folder is mounted where the image reads its config, and holds a file of that name.
    const configDir = path.posix.dirname(runtimeEnv.MCPWATCH_CONFIG ?? '');
    const mount = (service.volumes as string[]).find((v) => v.split(':')[1] === configDir) ?? '';
    const configFile = path.join(
      folder,
      mount.split(':')[0] ?? '',
      path.posix.basename(runtimeEnv.MCPWATCH_CONFIG ?? ''),
    );
    expect(readFileSync(configFile, 'utf8')).toBe(
      readFileSync(path.join(repo, 'deploy/docker/config/mcpwatch.yaml'), 'utf8'),
    );
    // Names only: passed on when set in the shell, unset otherwise (an empty MCPWATCH_DATABASE would be a bad URL).
    for (const entry of service.environment as string[]) expect(entry).toMatch(/^[A-Z_]+$/);
    // tini is already PID 1.
    expect(service).not.toHaveProperty('init');
  });

  it('point MCPWATCH_DATABASE at the PostgreSQL service of the override, started before mcpwatch', () => {
    const entry = (postgres.services.mcpwatch.environment as string[]).find((e) =>
      e.startsWith('MCPWATCH_DATABASE='),
    );
    const url = new URL((entry ?? '').slice('MCPWATCH_DATABASE='.length).replace(/\$\{[^}]*\}/, 'secret'));
    expect(url.protocol).toBe('postgres:');
    expect(postgres.services).toHaveProperty(url.hostname);
    expect(postgres.services.mcpwatch.depends_on[url.hostname].condition).toBe('service_healthy');
    expect(postgres.services[url.hostname].environment).toMatchObject({
      POSTGRES_USER: url.username,
      POSTGRES_DB: url.pathname.slice(1),
    });
  });
});

describe('the runtime layout, rebuilt outside Docker', () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it('installs, starts with the image command and environment, and passes its own HEALTHCHECK', async () => {
    assertBuilt();
    const root = await mkdtemp(path.join(os.tmpdir(), 'mcpwatch-image-'));
    cleanup.push(() => rm(root, { recursive: true, force: true }));
    // A stage's absolute path in the image -> a folder here.
    const stageRoot = (name: string) => path.join(root, 'stages', name);
    const inStage = (name: string, file: string) => path.join(stageRoot(name), file);
    const local = (file: string) => path.join(root, 'image', file);

    // prod-deps: the toolchain's COPY lines from the context, then its install, offline from the npm cache.
    // --ignore-scripts: better-sqlite3's install would download or compile its addon; the one this
    // checkout built for this Node is copied instead.
    for (const stage of lineage(stages.get('prod-deps') as Stage).reverse()) {
      for (const copy of copies(stage)) {
        const target = path.posix.join(workdir(stage), copy.destination);
        for (const source of copy.sources) {
          const destination = copy.destination.endsWith('/')
            ? path.posix.join(target, path.posix.basename(source))
            : target;
          cpSync(path.join(repo, source), inStage('prod-deps', destination), { recursive: true });
        }
      }
    }
    const install =
      values(stages.get('prod-deps') as Stage, 'RUN')
        .at(-1)
        ?.split(/\s+/) ?? [];
    expect(install.slice(0, 2)).toEqual(['npm', 'install']);
    const appDir = inStage('prod-deps', workdir(stages.get('prod-deps') as Stage));
    const npm = spawnSync('npm', [...install.slice(1), '--offline', '--ignore-scripts'], {
      cwd: appDir,
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (npm.status !== 0) {
      const reason = `npm install --offline failed (the npm cache lacks a package?): ${npm.stderr.slice(-500)}`;
      if (process.env.CI === 'true' || !/ENOTCACHED/.test(npm.stderr)) throw new Error(reason);
      console.log(`Runtime layout not rebuilt: ${reason}`);
      return;
    }
    const addon = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
    cpSync(path.join(repo, addon), path.join(appDir, addon));

    // The nested node_modules folders the production install made are exactly those the runtime copies.
    const nested = readdirSync(path.join(appDir, 'packages'))
      .map((p) => `/app/packages/${p}/node_modules`)
      .filter((p) => existsSync(inStage('prod-deps', p)));
    const fromDeps = copies(runtime).filter((c) => c.from === 'prod-deps');
    expect(
      fromDeps.flatMap((c) => c.sources).filter((s) => /^\/app\/packages\/.*\/node_modules$/.test(s)),
    ).toEqual(nested);

    // runtime: each COPY, from the prod-deps folder, from the build (this checkout, built) or the context.
    const runtimeDir = workdir(runtime);
    for (const copy of copies(runtime)) {
      for (const source of copy.sources) {
        const from =
          copy.from === 'prod-deps'
            ? inStage('prod-deps', source)
            : copy.from === 'build'
              ? path.join(repo, path.posix.relative(workdir(stages.get('build') as Stage), source))
              : path.join(repo, source);
        const target = path.posix.resolve(runtimeDir, copy.destination);
        const destination =
          copy.destination.endsWith('/') && !statSync(from).isDirectory()
            ? path.posix.join(target, path.posix.basename(source))
            : target;
        cpSync(from, local(destination), { recursive: true, verbatimSymlinks: true });
      }
    }
    // Production dependencies only: no compiler, test runner or bundler in the image.
    for (const dev of ['typescript', 'vitest', 'vite', '@biomejs/biome', 'kubernetes-models']) {
      expect(existsSync(local(`/app/node_modules/${dev}`)), dev).toBe(false);
    }
    expect(readFileSync(local('/etc/mcpwatch/mcpwatch.yaml'), 'utf8')).toMatch(/^monitors: \[\]$/m);

    const entrypoint = JSON.parse(values(runtime, 'ENTRYPOINT').at(-1) ?? '[]') as string[];
    const command = [
      ...entrypoint.slice(2),
      ...(JSON.parse(values(runtime, 'CMD').at(-1) ?? '[]') as string[]),
    ];
    const script = local(command[1] ?? '');
    const { version } = JSON.parse(readFileSync(path.join(repo, 'packages/mcpwatch/package.json'), 'utf8'));
    expect(
      execFileSync(process.execPath, [script, '--version'], {
        cwd: local(runtimeDir),
        encoding: 'utf8',
      }).trim(),
    ).toBe(version);

    // The image's environment, its paths moved into the folder, on a free loopback port.
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (!key.startsWith('MCPWATCH_') && key !== 'LOG_LEVEL' && key !== 'FORCE_COLOR') env[key] = value;
    }
    for (const [key, value] of Object.entries(runtimeEnv))
      env[key] = value.startsWith('/') ? local(value) : value;
    Object.assign(env, { MCPWATCH_HOST: '127.0.0.1', MCPWATCH_PORT: '0' });
    mkdirSync(env.MCPWATCH_DATA ?? '', { recursive: true });
    const args = command.slice(2);
    const child = spawn(process.execPath, [script, ...args], {
      cwd: local(runtimeDir),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new ServeProcess(child, args);
    cleanup.push(() => server.kill('SIGKILL'));
    const url = await server.url();
    expect((await fetch(`${url}/live`)).status).toBe(200);
    // The dashboard is found through the workspace link node_modules/@mcpwatch/web.
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html/i);
    expect(existsSync(path.join(env.MCPWATCH_DATA ?? '', 'mcpwatch.db'))).toBe(true);

    // The HEALTHCHECK's own command, with the port this run listens on: 0 while up, 1 once it is gone.
    const healthcheck = values(runtime, 'HEALTHCHECK').at(-1) ?? '';
    const check = JSON.parse(/CMD\s+(\[.*\])$/.exec(healthcheck)?.[1] ?? '[]') as string[];
    expect(check[0]).toBe('node');
    const port = new URL(url).port;
    const runCheck = () =>
      spawnSync(process.execPath, check.slice(1), { env: { ...env, MCPWATCH_PORT: port }, timeout: 20_000 })
        .status;
    expect(runCheck()).toBe(0);
    child.kill('SIGTERM');
    expect(await server.exit(WAIT_MS)).toEqual({ code: 0, signal: null });
    expect(runCheck()).toBe(1);
  });

  it('builds as a real image only where Docker can', async () => {
    const info = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8' });
    if (info.error || info.status !== 0) {
      console.log(
        `No image built: ${info.error ? 'the docker CLI is not installed' : `no Docker daemon answers (${info.stderr.trim().split('\n').at(-1)})`}. ` +
          'The Dockerfile was checked by the tests above instead.',
      );
      return;
    }
    const base = dockerfile.args.NODE_IMAGE ?? '';
    if (spawnSync('docker', ['image', 'inspect', base]).status !== 0) {
      console.log(
        `No image built: the base image ${base} is not in the local image store, and pulling is not attempted`,
      );
      return;
    }
    const tag = 'mcpwatch:dockerfile-test';
    const build = spawnSync('docker', ['build', '--pull=false', '-t', tag, repo], {
      encoding: 'utf8',
      timeout: 900_000,
    });
    expect(build.status, build.stderr).toBe(0);
    const version = spawnSync('docker', ['run', '--rm', tag, '--version'], { encoding: 'utf8' });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    await waitFor('docker rmi', () => spawnSync('docker', ['rmi', tag]).status === 0);
  });
});
