/**
 * Issue 7: the Helm chart of deploy/helm/mcpwatch. Where a `helm` binary is on PATH, the chart is linted and
 * rendered and every object it renders is validated against the Kubernetes schemas. These machines have
 * none (see HELM_ABSENT), so what can be checked without a template engine always is: Chart.yaml, values.yaml
 * against values.schema.json, each template's actions balanced and referring only to values, charts fields
 * and named templates that exist, and the chart's defaults equal to the plain manifests of deploy/kubernetes.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const chartDir = path.join(repo, 'deploy/helm/mcpwatch');
const templatesDir = path.join(chartDir, 'templates');

/** Why nothing is rendered here, printed when helm is missing. */
const HELM_ABSENT =
  'helm is not on PATH: Debian bookworm does not package it, and the npm packages that wrap it download the ' +
  'binary from GitHub when installed, which these machines cannot reach. The chart was checked without rendering.';

const chart = parse(readFileSync(path.join(chartDir, 'Chart.yaml'), 'utf8'));
const values = parse(readFileSync(path.join(chartDir, 'values.yaml'), 'utf8'));
const schema = JSON.parse(readFileSync(path.join(chartDir, 'values.schema.json'), 'utf8'));
const templates = new Map(
  readdirSync(templatesDir).map((f) => [f, readFileSync(path.join(templatesDir, f), 'utf8')] as const),
);
const plain = (file: string) => parse(readFileSync(path.join(repo, 'deploy/kubernetes', file), 'utf8'));

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  return ajv.compile(schema);
}

/** The `{{ … }}` actions of a template, with their line numbers, comments left out. */
function actions(text: string): Array<{ line: number; body: string }> {
  const found: Array<{ line: number; body: string }> = [];
  const pattern = /\{\{-?\s*([\s\S]*?)\s*-?\}\}/g;
  for (const match of text.matchAll(pattern)) {
    const body = match[1] ?? '';
    if (body.startsWith('/*')) continue;
    found.push({ line: text.slice(0, match.index).split('\n').length, body });
  }
  return found;
}

function hasPath(object: unknown, keys: readonly string[]): boolean {
  let node = object;
  for (const key of keys) {
    if (node === null || typeof node !== 'object' || !(key in node)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}

describe('Helm chart deploy/helm/mcpwatch', () => {
  it('renders with helm into valid objects, where helm is installed', async () => {
    const version = spawnSync('helm', ['version', '--short'], { encoding: 'utf8' });
    if (version.error || version.status !== 0) {
      console.log(HELM_ABSENT);
      return;
    }
    const lint = spawnSync('helm', ['lint', '--strict', chartDir], { encoding: 'utf8' });
    expect(lint.status, lint.stdout + lint.stderr).toBe(0);
    const rendered = spawnSync(
      'helm',
      [
        'template',
        'mcpwatch',
        chartDir,
        '--set',
        'serviceMonitor.enabled=true',
        '--set',
        'secret.values.MCPWATCH_METRICS_TOKEN=a-token-for-the-test',
      ],
      { encoding: 'utf8' },
    );
    expect(rendered.status, rendered.stderr).toBe(0);
    const models: Record<string, [string, string]> = {
      ConfigMap: ['kubernetes-models/v1', 'ConfigMap'],
      Secret: ['kubernetes-models/v1', 'Secret'],
      PersistentVolumeClaim: ['kubernetes-models/v1', 'PersistentVolumeClaim'],
      Service: ['kubernetes-models/v1', 'Service'],
      Deployment: ['kubernetes-models/apps/v1', 'Deployment'],
      ServiceMonitor: ['@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1', 'ServiceMonitor'],
    };
    const objects = parseAllDocuments(rendered.stdout)
      .map((d) => d.toJS())
      .filter(Boolean);
    expect(objects.map((o) => o.kind).sort()).toEqual(Object.keys(models).sort());
    for (const object of objects) {
      const [module, name] = models[object.kind] ?? [];
      if (!module || !name) throw new Error(`no schema for ${object.kind}`);
      const Model = (await import(module))[name] as new (data: unknown) => { validate(): void };
      expect(() => new Model(object).validate(), object.kind).not.toThrow();
    }
  });

  it('has a Chart.yaml for this release', () => {
    const { version } = JSON.parse(readFileSync(path.join(repo, 'packages/mcpwatch/package.json'), 'utf8'));
    expect(chart).toMatchObject({ apiVersion: 'v2', name: path.basename(chartDir), type: 'application' });
    expect(chart.version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
    expect(chart.appVersion).toBe(version);
    expect(chart.description).toBeTruthy();
  });

  it('has values that values.schema.json accepts, and a schema that rejects mistakes', () => {
    const validate = validator();
    expect(validate(values), JSON.stringify(validate.errors)).toBe(true);
    const wrong = [
      { ...values, persistance: { enabled: false } },
      { ...values, secret: { values: { MCPWATCH_ADMIN_PASSWORD: 'short' } } },
      { ...values, secret: { values: { MCPWATCH_DATABASE: 'mysql://db' } } },
      { ...values, persistence: { ...values.persistence, size: 'lots' } },
      { ...values, image: { ...values.image, pullPolicy: 'Sometimes' } },
      { ...values, serviceMonitor: { ...values.serviceMonitor, interval: 60 } },
    ];
    for (const value of wrong) expect(validate(value), JSON.stringify(value)).toBe(false);
  });

  it('has templates whose actions are balanced and refer only to what exists', () => {
    const helpers = templates.get('_helpers.tpl') ?? '';
    const defined = new Set([...helpers.matchAll(/\{\{-?\s*define\s+"([^"]+)"/g)].map((m) => m[1]));
    expect(defined.size).toBeGreaterThan(0);
    const chartFields: Record<string, string> = {
      Name: 'name',
      Version: 'version',
      AppVersion: 'appVersion',
    };
    for (const [file, text] of templates) {
      // Every {{ has its }}, in order.
      let depth = 0;
      for (const token of text.matchAll(/\{\{|\}\}/g)) {
        depth += token[0] === '{{' ? 1 : -1;
        expect(depth === 0 || depth === 1, `${file}: nested or stray braces`).toBe(true);
      }
      expect(depth, `${file}: unclosed {{`).toBe(0);
      // Blocks: if, range, with and define each end once; else only inside one.
      const stack: string[] = [];
      for (const { line, body } of actions(text)) {
        const word = /^(\w+)/.exec(body)?.[1] ?? '';
        if (['if', 'range', 'with', 'define', 'block'].includes(word)) stack.push(`${word} (line ${line})`);
        else if (word === 'end') expect(stack.pop(), `${file}:${line}: end without a block`).toBeDefined();
        else if (word === 'else')
          expect(stack.length, `${file}:${line}: else outside a block`).toBeGreaterThan(0);
        for (const ref of body.matchAll(/(?:^|[\s($])\$?\.Values((?:\.\w+)+)/g)) {
          const keys = (ref[1] ?? '').slice(1).split('.');
          expect(
            hasPath(values, keys),
            `${file}:${line}: .Values.${keys.join('.')} is not in values.yaml`,
          ).toBe(true);
        }
        for (const ref of body.matchAll(/\.Chart\.(\w+)/g)) {
          const field = chartFields[ref[1] ?? ''];
          expect(field && chart[field] !== undefined, `${file}:${line}: .Chart.${ref[1]}`).toBe(true);
        }
        for (const ref of body.matchAll(/\binclude\s+"([^"]+)"/g)) {
          expect(defined.has(ref[1]), `${file}:${line}: include "${ref[1]}" is not defined`).toBe(true);
        }
        for (const ref of body.matchAll(/\$\.Template\.BasePath\s*"\/([^"]+)"/g)) {
          expect(templates.has(ref[1] ?? ''), `${file}:${line}: ${ref[1]}`).toBe(true);
        }
      }
      expect(stack, `${file}: blocks left open`).toEqual([]);
    }
    // One template per kind of the plain manifests, and the usual notes.
    const kinds = readdirSync(path.join(repo, 'deploy/kubernetes')).filter((f) => f !== 'kustomization.yaml');
    expect([...templates.keys()].sort()).toEqual(['NOTES.txt', '_helpers.tpl', ...kinds].sort());
  });

  it('defaults to what the plain manifests of deploy/kubernetes say', () => {
    const deployment = plain('deployment.yaml');
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    const template = templates.get('deployment.yaml') ?? '';

    expect(`${values.image.repository}:${values.image.tag || chart.appVersion}`).toBe(container.image);
    expect(values.image.pullPolicy).toBe(container.imagePullPolicy);
    expect(values.port).toBe(container.ports[0].containerPort);
    expect(values.service.port).toBe(plain('service.yaml').spec.ports[0].port);
    expect(values.resources).toEqual(container.resources);
    expect(values.podSecurityContext).toEqual(pod.securityContext);
    expect(values.securityContext).toEqual(container.securityContext);
    expect(values.terminationGracePeriodSeconds).toBe(pod.terminationGracePeriodSeconds);
    const emptyDir = (name: string) => pod.volumes.find((v: { name: string }) => v.name === name).emptyDir;
    expect(values.tmpSizeLimit).toBe(emptyDir('tmp').sizeLimit);
    expect(values.homeSizeLimit).toBe(emptyDir('home').sizeLimit);
    expect(values.logLevel).toBe(container.env.find((e: { name: string }) => e.name === 'LOG_LEVEL').value);

    // Probes: the same paths, literally in the template, and the same timings, in values.
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      const { httpGet, ...timing } = container[probe];
      const match = new RegExp(
        `${probe}:\\s*\\n\\s*httpGet:\\s*\\n\\s*path: (\\S+)\\s*\\n\\s*port: (\\S+)`,
      ).exec(template);
      expect(match?.slice(1), probe).toEqual([httpGet.path, httpGet.port]);
      expect(values[probe], probe).toEqual(timing);
    }
    // The parts of the pod spec that hold no template action are the plain manifest's, word for word.
    const literal = (pattern: RegExp) => parse(pattern.exec(template)?.[1] ?? 'null');
    expect(literal(/\n(\s+args: .*)\n/)).toEqual({ args: container.args });
    expect(literal(/\n(\s+volumeMounts:\n[\s\S]*?)\n\s+volumes:/)).toEqual({
      volumeMounts: container.volumeMounts,
    });
    for (const line of [
      'replicas: 1',
      'type: Recreate',
      'enableServiceLinks: false',
      'automountServiceAccountToken: false',
    ]) {
      expect(template).toContain(line);
    }
    expect(template).toMatch(/envFrom:\n\s+- secretRef:/);

    const pvc = plain('pvc.yaml');
    expect(values.persistence.size).toBe(pvc.spec.resources.requests.storage);
    expect(values.persistence.accessModes).toEqual(pvc.spec.accessModes);

    const monitor = plain('servicemonitor.yaml').spec.endpoints[0];
    expect(values.serviceMonitor).toMatchObject({
      interval: monitor.interval,
      scrapeTimeout: monitor.scrapeTimeout,
    });
    const smTemplate = templates.get('servicemonitor.yaml') ?? '';
    expect(smTemplate).toContain(`path: ${monitor.path}`);
    expect(smTemplate).toContain(`key: ${monitor.authorization.credentials.key}`);
    // The chart's Secret offers the variables the plain one sets for mcpwatch itself.
    const secretKeys = Object.keys(plain('secret.yaml').stringData).filter((k) => k.startsWith('MCPWATCH_'));
    expect(Object.keys(values.secret.values)).toEqual(expect.arrayContaining(secretKeys));
    // The default config starts with no secrets to fill in: a fresh install is ready as it is.
    expect(parse(values.config)).toEqual({ monitors: [] });
  });
});
