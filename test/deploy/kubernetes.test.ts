/**
 * Issue 7: the plain Kubernetes manifests of deploy/kubernetes. Each one validates against the Kubernetes
 * (and Prometheus Operator) schemas and type-checks against their models, so an unknown field is an error,
 * as it is to the API server's strict field validation; the pieces refer to each other by the right names;
 * and the shipped ConfigMap and Secret start the real `mcpwatch serve` with the Deployment's own arguments,
 * whose probe and scrape paths then answer. No cluster is needed.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { assertBuilt, bin, ServeProcess, WAIT_MS, waitFor } from '../e2e/serve-process.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const dir = path.join(repo, 'deploy/kubernetes');

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

// What the manifests use, walked by the cross-reference checks below (the models' types are wider).
interface Probe {
  httpGet: { path: string; port: string | number };
}
interface Container {
  name: string;
  image: string;
  args: string[];
  env?: Array<{ name: string; value?: string }>;
  envFrom?: Array<{ secretRef?: { name: string } }>;
  ports: Array<{ name: string; containerPort: number }>;
  startupProbe: Probe;
  livenessProbe: Probe;
  readinessProbe: Probe;
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  securityContext: {
    allowPrivilegeEscalation: boolean;
    readOnlyRootFilesystem: boolean;
    capabilities: { drop: string[] };
  };
  volumeMounts: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
}
interface Volume {
  name: string;
  persistentVolumeClaim?: { claimName: string };
  configMap?: { name: string };
  emptyDir?: Record<string, unknown>;
}
interface Deployment extends K8sObject {
  spec: {
    replicas: number;
    strategy: { type: string };
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        enableServiceLinks: boolean;
        automountServiceAccountToken: boolean;
        securityContext: { runAsNonRoot: boolean; runAsUser: number; fsGroup: number };
        containers: Container[];
        volumes: Volume[];
      };
    };
  };
}
interface Service extends K8sObject {
  spec: {
    selector: Record<string, string>;
    ports: Array<{ name: string; port: number; targetPort: string | number }>;
  };
}
interface ServiceMonitor extends K8sObject {
  spec: {
    selector: { matchLabels: Record<string, string> };
    endpoints: Array<{
      port: string;
      path: string;
      authorization?: { type: string; credentials: { name: string; key: string } };
    }>;
  };
}

/** Each kind the manifests may hold: its model (runtime schema validation) and its type (field check). */
const KINDS: Record<string, { module: string; model: string }> = {
  'v1/ConfigMap': { module: 'kubernetes-models/v1', model: 'ConfigMap' },
  'v1/Secret': { module: 'kubernetes-models/v1', model: 'Secret' },
  'v1/PersistentVolumeClaim': { module: 'kubernetes-models/v1', model: 'PersistentVolumeClaim' },
  'v1/Service': { module: 'kubernetes-models/v1', model: 'Service' },
  'apps/v1/Deployment': { module: 'kubernetes-models/apps/v1', model: 'Deployment' },
  'monitoring.coreos.com/v1/ServiceMonitor': {
    module: '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1',
    model: 'ServiceMonitor',
  },
};

interface Manifest {
  file: string;
  object: K8sObject;
}

function loadManifests(): Manifest[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
  return files.flatMap((file) =>
    parseAllDocuments(readFileSync(path.join(dir, file), 'utf8')).map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
      return { file, object: doc.toJS() as K8sObject };
    }),
  );
}

const manifests = loadManifests();

function one<T extends K8sObject>(kind: string): T {
  const found = manifests.filter((m) => m.object.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0]?.object as T;
}

const deployment = one<Deployment>('Deployment');
const service = one<Service>('Service');
const serviceMonitor = one<ServiceMonitor>('ServiceMonitor');
const configMap = one<K8sObject & { data: Record<string, string> }>('ConfigMap');
const secret = one<K8sObject & { stringData: Record<string, string> }>('Secret');
const pvc = one<K8sObject>('PersistentVolumeClaim');
const pod = deployment.spec.template.spec;
const container = pod.containers[0] as Container;

/**
 * Type-checks objects against the models' TypeScript types, in memory: an object literal's excess-property
 * check catches an unknown or misspelt field at any depth, which the models' JSON Schemas (open objects,
 * as in Kubernetes' OpenAPI) let through. Returns the diagnostics, one line each.
 */
function typeCheck(objects: readonly Manifest[]): string[] {
  const file = path.join(repo, 'test/deploy/manifests.generated.ts');
  const imports = new Map<string, Set<string>>();
  const lines = objects.map(({ object }, index) => {
    const kind = KINDS[`${object.apiVersion}/${object.kind}`];
    if (!kind) throw new Error(`no model for ${object.apiVersion} ${object.kind}`);
    const names = imports.get(kind.module) ?? new Set<string>();
    names.add(`I${kind.model}`);
    imports.set(kind.module, names);
    return `export const m${index}: I${kind.model} = ${JSON.stringify(object)};`;
  });
  const source = [
    ...[...imports].map(([module, names]) => `import type { ${[...names].join(', ')} } from '${module}';`),
    ...lines,
  ].join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    name === file ? ts.createSourceFile(name, source, language) : getSourceFile(name, language, ...rest);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
    const where = objects[line - imports.size]?.file ?? '?';
    return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

describe('deploy/kubernetes manifests', () => {
  it('are each of a known kind and valid against the Kubernetes and Prometheus Operator schemas', async () => {
    expect(manifests.length).toBeGreaterThanOrEqual(6);
    for (const { file, object } of manifests) {
      const kind = KINDS[`${object.apiVersion}/${object.kind}`];
      if (!kind) throw new Error(`${file}: no schema for ${object.apiVersion} ${object.kind}; add it here`);
      const Model = (await import(kind.module))[kind.model] as new (data: unknown) => { validate(): void };
      expect(() => new Model(object).validate(), `${file} ${object.kind}`).not.toThrow();
      expect(object.metadata.name, file).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      expect(object.metadata, `${file}: namespace-agnostic`).not.toHaveProperty('namespace');
    }
  });

  it('have no field the models do not know (a misspelt probe or limit is an error, not a silent default)', () => {
    const problems = typeCheck(manifests);
    expect(problems).toEqual([]);
    // The check itself catches a typo, one level deep and several.
    const typo = structuredClone(deployment) as unknown as Record<string, unknown>;
    const spec = (typo.spec as Deployment['spec']).template.spec;
    (spec.containers[0] as unknown as Record<string, unknown>).readinesProbe = container.readinessProbe;
    expect(typeCheck([{ file: 'typo.yaml', object: typo as unknown as K8sObject }]).join('\n')).toMatch(
      /readinesProbe/,
    );
  });

  it('are all listed in kustomization.yaml, which kubectl renders when it is installed', () => {
    const kustomization = parseAllDocuments(
      readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'),
    )[0]?.toJS();
    const files = [...new Set(manifests.map((m) => m.file))].sort();
    expect([...kustomization.resources].sort()).toEqual(files);
    let kubectl: string | undefined;
    try {
      kubectl = execFileSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
    } catch {
      console.log('kubectl is not installed: kustomization.yaml was checked by its list only, not rendered');
      return;
    }
    expect(kubectl).toMatch(/Client Version/);
    // `kubectl kustomize` renders offline (kubectl apply would need a cluster): the same objects come out.
    const rendered = parseAllDocuments(execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' })).map(
      (doc) => doc.toJS() as K8sObject,
    );
    const names = (objects: K8sObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(names(rendered)).toEqual(names(manifests.map((m) => m.object)));
  });

  it('refer to each other by the right names, ports and labels', () => {
    const labels = deployment.spec.template.metadata.labels;
    expect(labels).toMatchObject(deployment.spec.selector.matchLabels);
    expect(labels).toMatchObject(service.spec.selector);
    expect(service.metadata.labels).toMatchObject(serviceMonitor.spec.selector.matchLabels);

    // One port: the container's, the Service's target, every probe's, the ServiceMonitor's.
    const [port] = container.ports;
    expect(container.ports).toHaveLength(1);
    expect(port?.containerPort).toBe(7420);
    const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
    expect(Number(env.MCPWATCH_PORT)).toBe(port?.containerPort);
    expect(env.MCPWATCH_HOST).toBe('0.0.0.0');
    const servicePort = service.spec.ports.find((p) => p.name === serviceMonitor.spec.endpoints[0]?.port);
    expect(servicePort?.targetPort).toBe(port?.name);
    for (const probe of [container.startupProbe, container.livenessProbe, container.readinessProbe]) {
      expect(probe.httpGet.port).toBe(port?.name);
    }
    expect(container.startupProbe.httpGet.path).toBe('/live');
    expect(container.livenessProbe.httpGet.path).toBe('/live');
    expect(container.readinessProbe.httpGet.path).toBe('/ready');

    // Every mount names a volume, every volume is mounted, and each volume names what is shipped.
    const volumes = new Map(pod.volumes.map((v) => [v.name, v]));
    expect(container.volumeMounts.map((m) => m.name).sort()).toEqual([...volumes.keys()].sort());
    const mount = (name: string) => container.volumeMounts.find((m) => m.name === name)?.mountPath;
    const data = pod.volumes.find((v) => v.persistentVolumeClaim);
    expect(data?.persistentVolumeClaim?.claimName).toBe(pvc.metadata.name);
    const config = pod.volumes.find((v) => v.configMap);
    expect(config?.configMap?.name).toBe(configMap.metadata.name);
    expect(container.envFrom?.[0]?.secretRef?.name).toBe(secret.metadata.name);

    // --config reads the ConfigMap's key in the directory it is mounted at; --data is the volume.
    const configPath = container.args[container.args.indexOf('--config') + 1] ?? '';
    expect(path.posix.dirname(configPath)).toBe(mount(config?.name ?? ''));
    expect(Object.keys(configMap.data)).toEqual([path.posix.basename(configPath)]);
    expect(container.args[container.args.indexOf('--data') + 1]).toBe(mount(data?.name ?? ''));
    expect(container.args[0]).toBe('serve');

    // The scrape's bearer token is the one mcpwatch reads, from the same Secret.
    const auth = serviceMonitor.spec.endpoints[0]?.authorization;
    expect(auth?.credentials.name).toBe(secret.metadata.name);
    expect(auth?.credentials.key).toBe('MCPWATCH_METRICS_TOKEN');
    expect(secret.stringData).toHaveProperty('MCPWATCH_METRICS_TOKEN');

    // Placeholders only, which say so; and no first-admin password that anyone reading this file could use.
    for (const value of Object.values(secret.stringData)) expect(value).toMatch(/^replace-with-/);
    expect(secret.stringData).not.toHaveProperty('MCPWATCH_ADMIN_PASSWORD');

    // The image is this release.
    const { version } = JSON.parse(readFileSync(path.join(repo, 'packages/mcpwatch/package.json'), 'utf8'));
    expect(container.image).toBe(`mcpwatch:${version}`);
  });

  it('run one unprivileged pod that replaces itself, on a read-only root with writable data, tmp and home', () => {
    // SQLite has one writer and the volume is ReadWriteOnce: a rolling update would start a second pod
    // that waits for the volume forever.
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy.type).toBe('Recreate');
    // A Service named mcpwatch would otherwise inject MCPWATCH_PORT=tcp://… into the container.
    expect(pod.enableServiceLinks).toBe(false);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(pod.securityContext.fsGroup).toBeGreaterThan(0);
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    const writable = container.volumeMounts.filter((m) => !m.readOnly).map((m) => m.mountPath);
    expect(writable).toEqual(expect.arrayContaining(['/data', '/tmp', '/home/mcpwatch']));
    for (const key of ['cpu', 'memory']) {
      expect(container.resources.requests).toHaveProperty(key);
      expect(container.resources.limits).toHaveProperty(key);
    }
    // The startup probe gives migrations minutes, not the liveness probe's half minute.
    const startup = container.startupProbe as Probe & { periodSeconds: number; failureThreshold: number };
    expect(startup.periodSeconds * startup.failureThreshold).toBeGreaterThanOrEqual(300);
  });
});

describe('the shipped ConfigMap and Secret on the real service', () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it('start `mcpwatch serve` with the Deployment arguments; its probe and scrape paths answer 200', async () => {
    assertBuilt();
    const root = await mkdtemp(path.join(os.tmpdir(), 'mcpwatch-k8s-'));
    cleanup.push(() => rm(root, { recursive: true, force: true }));

    // Each mount becomes a folder; the ConfigMap's keys become its files, as the kubelet writes them.
    const mounts = new Map<string, string>();
    for (const mount of container.volumeMounts) {
      const folder = path.join(root, mount.name);
      await mkdir(folder, { recursive: true });
      mounts.set(mount.mountPath, folder);
      const volume = pod.volumes.find((v) => v.name === mount.name);
      if (!volume?.configMap) continue;
      for (const [key, value] of Object.entries(configMap.data))
        await writeFile(path.join(folder, key), value);
    }
    // A container path in an argument (alone, or after `sqlite:`) -> the folder that stands for its mount.
    const local = (arg: string) =>
      arg.replace(/^(sqlite:)?(\/.*)$/, (whole, scheme: string | undefined, file: string) => {
        for (const [mountPath, folder] of mounts) {
          if (file === mountPath || file.startsWith(`${mountPath}/`)) {
            return (scheme ?? '') + folder + file.slice(mountPath.length);
          }
        }
        return whole;
      });
    const args = container.args.map(local);

    // The container's environment: its env, then envFrom the Secret; only the address is loopback here.
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (!key.startsWith('MCPWATCH_') && key !== 'LOG_LEVEL' && key !== 'FORCE_COLOR') env[key] = value;
    }
    for (const entry of container.env ?? []) env[entry.name] = entry.value;
    Object.assign(env, secret.stringData, {
      MCPWATCH_HOST: '127.0.0.1',
      MCPWATCH_PORT: '0',
      HOME: mounts.get('/home/mcpwatch') ?? root,
    });

    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const server = new ServeProcess(child, args);
    cleanup.push(() => server.kill('SIGKILL'));
    const url = await server.url();

    for (const probe of [container.startupProbe, container.livenessProbe]) {
      const response = await fetch(url + probe.httpGet.path);
      expect(response.status, probe.httpGet.path).toBe(200);
    }
    // Ready once the first heartbeat sweep ran; a 503 names what is failing, shown if it stays.
    const readyPath = container.readinessProbe.httpGet.path;
    await waitFor(`${readyPath} to answer 200`, async () => {
      const response = await fetch(url + readyPath);
      if (response.status !== 200) throw new Error(`${response.status} ${await response.text()}`);
      return true;
    });
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    // The two monitors of the ConfigMap were loaded, with the token from the Secret substituted.
    expect(((await health.json()) as { monitors: { total: number } }).monitors.total).toBe(2);

    // The first admin, made as secret.yaml says, by a second process on the same database while mcpwatch runs.
    const secretText = readFileSync(path.join(dir, 'secret.yaml'), 'utf8');
    const documented = /kubectl exec -it deploy\/mcpwatch -- mcpwatch (user add .+)$/m.exec(secretText)?.[1];
    expect(documented).toBeDefined();
    const userArgs = [...(documented ?? '').split(' ').map(local), '--password-stdin'];
    const password = 'a-password-for-the-test';
    const added = spawnSync(process.execPath, [bin, ...userArgs], {
      env,
      input: `${password}\n`,
      encoding: 'utf8',
    });
    expect(added.status, added.stderr).toBe(0);
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: userArgs[2], password }),
    });
    expect(login.status).toBe(200);

    const endpoint = serviceMonitor.spec.endpoints[0];
    const token = secret.stringData[endpoint?.authorization?.credentials.key ?? ''];
    const scrape = await fetch(url + endpoint?.path, { headers: { authorization: `Bearer ${token}` } });
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toMatch(/^mcpwatch_/m);
    expect((await fetch(url + endpoint?.path)).status).toBe(401);

    // SIGTERM, as the kubelet sends it: a clean stop well within terminationGracePeriodSeconds.
    child.kill('SIGTERM');
    expect(await server.exit(WAIT_MS)).toEqual({ code: 0, signal: null });
    expect(existsSync(path.join(mounts.get('/data') ?? '', 'mcpwatch.db'))).toBe(true);
  });
});
