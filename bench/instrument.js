// What @mcpwatch/instrument costs a tool call, in-process: the v1 SDK's McpServer with one tool, called
// through an in-memory transport pair with raw JSON-RPC (no client, so the SDK's server-side dispatch is
// the whole baseline), bare and instrumented, in interleaved blocks in one process so drift hits both
// alike. Three pairs, each in its own child process (an OpenTelemetry SDK, once registered, is global):
//   - ours: bare vs instrument() as shipped, no OpenTelemetry SDK (metrics, log line built, span no-op);
//   - ours + SDK: bare vs instrument() with a recording OpenTelemetry tracer (batch processor, discarding
//     exporter) and meter registered, so spans and the histogram are really made;
//   - shinzo: bare vs @shinzolabs/instrumentation-mcp 1.1.0 (its NodeSDK, exporting OTLP/HTTP to a loopback
//     sink in the parent process).
// Log lines go to a discarding destination: their JSON is built, the terminal's cost is not counted.
// `node bench/instrument.js [--quick] [--json]`, or measureInstrument/describeInstrument from bench/run.js.
import { fork } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const VARIANTS = ['ours', 'ours-sdk', 'shinzo'];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

/**
 * A v1 McpServer with one tool, connected to one end of an in-memory pair; returns `call()`, which times one
 * tools/call round trip in µs. `hooks.before` sees the server before the tool is added (shinzo wraps
 * `server.tool`), `hooks.after` once it is.
 */
async function makeServer(hooks = {}) {
  const { McpServer } = await import('@modelcontextprotocol/sdk/server/mcp.js');
  const { InMemoryTransport } = await import('@modelcontextprotocol/sdk/inMemory.js');
  const server = new McpServer({ name: 'bench-instrument', version: '1.0.0' });
  hooks.before?.(server);
  server.tool('hello', 'answers hello', async () => ({ content: [{ type: 'text', text: 'hello' }] }));
  hooks.after?.(server);
  const [client, serverEnd] = InMemoryTransport.createLinkedPair();
  const waiting = new Map();
  client.onmessage = (m) => {
    const w = waiting.get(m.id);
    if (w) {
      waiting.delete(m.id);
      w(m);
    }
  };
  await server.connect(serverEnd);
  await client.start();
  let id = 0;
  const ask = (method, params) =>
    new Promise((resolve) => {
      waiting.set(++id, resolve);
      client.send({ jsonrpc: '2.0', id, method, params });
    });
  const init = await ask('initialize', {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'bench', version: '1' },
  });
  if (init.error) throw new Error(`initialize failed: ${init.error.message}`);
  await client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  const params = { name: 'hello', arguments: {} };
  return async () => {
    const t0 = performance.now();
    const r = await ask('tools/call', params);
    const t1 = performance.now();
    if (r.error || r.result?.content?.[0]?.text !== 'hello')
      throw new Error(`bad answer: ${JSON.stringify(r)}`);
    return (t1 - t0) * 1000;
  };
}

/** The hooks that instrument a server for one variant (and, for ours-sdk, the SDK registration). */
async function hooksFor(variant, sinkUrl) {
  if (variant === 'shinzo') {
    const { instrumentServer } = await import('@shinzolabs/instrumentation-mcp');
    return {
      before: (server) =>
        instrumentServer(server, {
          serverName: 'bench-instrument',
          serverVersion: '1.0.0',
          exporterEndpoint: `${sinkUrl}/v1`,
          exporterType: 'otlp-http',
          enableTracing: true,
          enableMetrics: true,
        }),
    };
  }
  const { instrument } = await import('../packages/instrument/dist/index.js');
  if (variant === 'ours-sdk') {
    const { trace, metrics } = await import('@opentelemetry/api');
    const { BasicTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
    const { MeterProvider, PeriodicExportingMetricReader, AggregationTemporality } = await import(
      '@opentelemetry/sdk-metrics'
    );
    const discard = {
      export: (_items, done) => done({ code: 0 }),
      shutdown: async () => {},
      forceFlush: async () => {},
      selectAggregationTemporality: () => AggregationTemporality.CUMULATIVE,
    };
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(discard)] }),
    );
    metrics.setGlobalMeterProvider(
      new MeterProvider({
        readers: [new PeriodicExportingMetricReader({ exporter: discard, exportIntervalMillis: 5_000 })],
      }),
    );
  }
  const destination = { write: () => {} };
  return { after: (server) => instrument(server, { logDestination: destination, logLevel: 'info' }) };
}

/** In a child: bare and one variant, in alternating blocks; per-call latencies in µs. */
async function child(variant, sinkUrl, quick) {
  const blocks = quick ? 20 : 60;
  const perBlock = quick ? 500 : 1000;
  const warmup = quick ? 3000 : 10000;
  const bare = await makeServer();
  const inst = await makeServer(await hooksFor(variant, sinkUrl));
  for (let i = 0; i < warmup; i++) {
    await bare();
    await inst();
  }
  const samples = { bare: [], inst: [] };
  const blockMeans = { bare: [], inst: [] };
  for (let b = 0; b < blocks; b++) {
    for (const which of b % 2 ? ['inst', 'bare'] : ['bare', 'inst']) {
      const call = which === 'bare' ? bare : inst;
      let sum = 0;
      for (let i = 0; i < perBlock; i++) {
        const us = await call();
        samples[which].push(us);
        sum += us;
      }
      blockMeans[which].push(sum / perBlock);
    }
  }
  const bareMedian = median(samples.bare);
  const instMedian = median(samples.inst);
  return {
    variant,
    calls: samples.bare.length,
    bareMedianUs: bareMedian,
    instMedianUs: instMedian,
    overheadUs: instMedian - bareMedian,
    // The median over blocks of (block mean instrumented - neighbouring block mean bare): a second view
    // that also counts the occasional slow call (GC) the instrumentation causes.
    blockOverheadUs: median(blockMeans.inst.map((m, i) => m - blockMeans.bare[i])),
  };
}

/** A loopback OTLP/HTTP sink for shinzo's exporter: accepts anything, answers 200. */
async function sink() {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((r) => server.close(r)),
  };
}

function runChild(variant, sinkUrl, quick) {
  return new Promise((resolve, reject) => {
    const p = fork(SELF, ['--child', variant, sinkUrl, quick ? '--quick' : ''], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    let result;
    p.on('message', (m) => {
      result = m;
    });
    p.on('error', reject);
    p.on('exit', (code) => {
      if (result?.error) reject(new Error(`${variant}: ${result.error}`));
      else if (result) resolve(result);
      else reject(new Error(`${variant}: the bench child exited with ${code} and no figures`));
    });
  });
}

export async function measureInstrument({ quick = false } = {}) {
  const s = await sink();
  try {
    const figures = { node: process.version, quick, variants: {} };
    for (const variant of VARIANTS) {
      try {
        figures.variants[variant] = await runChild(variant, s.url, quick);
      } catch (err) {
        figures.variants[variant] = { variant, error: err.message };
      }
    }
    return figures;
  } finally {
    await s.close();
  }
}

const LABELS = {
  ours: '@mcpwatch/instrument, no OpenTelemetry SDK (as shipped)',
  'ours-sdk': '@mcpwatch/instrument, recording OpenTelemetry SDK',
  shinzo: '@shinzolabs/instrumentation-mcp 1.1.0 (its NodeSDK)',
};

export function describeInstrument(figures) {
  const f = (x) => x.toFixed(1);
  const lines = [
    `Instrumented tool call overhead, in-process (v1 McpServer, in-memory transport, raw JSON-RPC; ${figures.node}):`,
  ];
  for (const variant of VARIANTS) {
    const v = figures.variants[variant];
    if (!v || v.error) {
      lines.push(`  ${LABELS[variant]}: not measured (${v?.error ?? 'missing'})`);
      continue;
    }
    lines.push(
      `  ${LABELS[variant]}: +${f(v.overheadUs)} µs median per call ` +
        `(bare ${f(v.bareMedianUs)} µs → ${f(v.instMedianUs)} µs; block means +${f(v.blockOverheadUs)} µs; ${v.calls} calls each)`,
    );
  }
  const ours = figures.variants.ours;
  if (ours && !ours.error) {
    lines.push(
      `  target: under 5 µs median for @mcpwatch/instrument as shipped: ${ours.overheadUs < 5 ? 'met' : 'NOT met'}`,
    );
  }
  return lines;
}

if (process.argv[1] === SELF) {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    const [, variant, sinkUrl, q] = args;
    child(variant, sinkUrl, q === '--quick').then(
      (r) => process.send(r, () => process.exit(0)),
      (err) => process.send({ error: err.stack ?? String(err) }, () => process.exit(1)),
    );
  } else {
    const figures = await measureInstrument({ quick: args.includes('--quick') });
    if (args.includes('--json')) console.log(JSON.stringify(figures, null, 2));
    else for (const line of describeInstrument(figures)) console.log(line);
  }
}
