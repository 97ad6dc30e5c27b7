// `mcpwatch wrap`'s cost: request/response round trips to a small stdio MCP server (the v1 SDK's McpServer
// with one tool) straight, and through `node packages/mcpwatch/bin/mcpwatch.js wrap -- node server`, in the
// same run, blocks interleaved so that drift hits both alike; then the wrapper process's own memory
// (/proc/<pid>/status VmRSS and VmHWM) beside the bare server's and an idle Node's.
// `node bench/wrap.js [--quick] [--json]`, or measureWrap/describeWrap from bench/run.js.
// `node bench/wrap.js --serve` is the server itself.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const BIN = fileURLToPath(new URL('../packages/mcpwatch/bin/mcpwatch.js', import.meta.url));
const TIMEOUT_MS = 10_000;

async function serve() {
  const { McpServer } = await import('@modelcontextprotocol/sdk/server/mcp.js');
  const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
  const server = new McpServer({ name: 'bench-wrap', version: '1.0.0' });
  server.registerTool('hello', { description: 'answers hello' }, async () => ({
    content: [{ type: 'text', text: 'hello' }],
  }));
  await server.connect(new StdioServerTransport());
}

/** A raw line client on a child's stdio: one request at a time, answers matched by id. */
function connect(command, args) {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  let buffer = '';
  let waiting;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text) => {
    buffer += text;
    for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      const message = JSON.parse(line);
      if (waiting && message.id === waiting.id) {
        const w = waiting;
        waiting = undefined;
        w.resolve(message);
      }
    }
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let id = 0;
  const ask = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${method} took more than ${TIMEOUT_MS} ms`)),
        TIMEOUT_MS,
      );
      waiting = {
        id: ++id,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    });
  return {
    child,
    ask,
    async init() {
      await ask('initialize', {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'bench-wrap', version: '1.0.0' },
      });
      child.stdin.write('{"jsonrpc":"2.0","method":"notifications/initialized"}\n');
    },
    /** Sequential round trips; returns each one's duration in µs. */
    async roundTrips(n, method, params) {
      const out = new Array(n);
      for (let i = 0; i < n; i++) {
        const t0 = process.hrtime.bigint();
        const answer = await ask(method, params);
        out[i] = Number(process.hrtime.bigint() - t0) / 1000;
        if (answer.error) throw new Error(`${method}: ${answer.error.message}`);
      }
      return out;
    },
    async close() {
      child.stdin.end();
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** VmRSS and VmHWM of a process, in kB. */
function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1]);
  return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
}

/** The server's pid under the wrapper: the wrapper's only child. */
function childOf(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0]);
  } catch {
    return undefined;
  }
}

const percentile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const summary = (samples) => {
  const s = [...samples].sort((a, b) => a - b);
  return {
    count: s.length,
    p50Us: percentile(s, 0.5),
    p90Us: percentile(s, 0.9),
    p99Us: percentile(s, 0.99),
  };
};

export async function measureWrap({
  quick = false,
  progress = (line) => process.stderr.write(`${line}\n`),
} = {}) {
  const plan = { blocks: quick ? 6 : 20, perBlock: quick ? 200 : 500, warmup: quick ? 300 : 1000 };
  const server = [process.execPath, SELF, '--serve'];
  const targets = {
    bare: connect(server[0], server.slice(1)),
    wrapped: connect(process.execPath, [BIN, 'wrap', '--', ...server]),
    wrappedMetrics: connect(process.execPath, [BIN, 'wrap', '--metrics-port', '0', '--', ...server]),
  };
  const idle = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
  try {
    for (const t of Object.values(targets)) await t.init();
    const call = ['tools/call', { name: 'hello', arguments: {} }];
    for (const [name, t] of Object.entries(targets)) {
      await t.roundTrips(plan.warmup, ...call);
      await t.roundTrips(plan.warmup / 10, 'ping', {});
      progress(`wrap: warmed up ${name}`);
    }
    const samples = Object.fromEntries(Object.keys(targets).map((k) => [k, { call: [], ping: [] }]));
    for (let b = 0; b < plan.blocks; b++) {
      for (const [name, t] of Object.entries(targets)) {
        samples[name].call.push(...(await t.roundTrips(plan.perBlock, ...call)));
        samples[name].ping.push(...(await t.roundTrips(plan.perBlock / 5, 'ping', {})));
      }
    }
    const out = { plan };
    for (const [name, t] of Object.entries(targets)) {
      const pid = t.child.pid;
      const serverPid = name === 'bare' ? pid : childOf(pid);
      out[name] = {
        call: summary(samples[name].call),
        ping: summary(samples[name].ping),
        process: memory(pid),
        ...(name === 'bare' ? {} : { server: serverPid ? memory(serverPid) : undefined }),
      };
    }
    out.idleNode = memory(idle.pid);
    for (const name of ['wrapped', 'wrappedMetrics']) {
      out[name].overheadP50Us = out[name].call.p50Us - out.bare.call.p50Us;
      out[name].pingOverheadP50Us = out[name].ping.p50Us - out.bare.ping.p50Us;
    }
    return out;
  } finally {
    idle.kill('SIGKILL');
    await Promise.all(Object.values(targets).map((t) => t.close()));
  }
}

const us = (x) => `${Math.round(x)} µs`;
const mb = (kb) => `${(kb / 1024).toFixed(1)} MB`;

export function describeWrap(w) {
  const line = (label, r) =>
    `  ${label}: tools/call p50 ${us(r.call.p50Us)} p99 ${us(r.call.p99Us)}, ping p50 ${us(r.ping.p50Us)}` +
    (r.overheadP50Us === undefined
      ? ''
      : `; adds ${us(r.overheadP50Us)} p50 (ping ${us(r.pingOverheadP50Us)})`) +
    `; process RSS ${mb(r.process.rssKb)}, peak ${mb(r.process.hwmKb)}`;
  return [
    `mcpwatch wrap, ${w.bare.call.count} sequential round trips per path to a v1 SDK stdio server (goal: adds < 200 µs p50, wrapper < 40 MB RSS)`,
    line('bare server                      ', w.bare),
    line('wrap (bin/mcpwatch.js)           ', w.wrapped),
    line('wrap --metrics-port 0            ', w.wrappedMetrics),
    `  an idle Node process: RSS ${mb(w.idleNode.rssKb)}; the wrapped servers: RSS ${mb(w.wrapped.server?.rssKb ?? Number.NaN)}`,
  ];
}

if (process.argv[2] === '--serve') {
  await serve();
} else if (process.argv[1] === SELF) {
  const result = await measureWrap({ quick: process.argv.includes('--quick') });
  for (const line of describeWrap(result)) console.log(line);
  if (process.argv.includes('--json')) console.log(JSON.stringify(result));
}
