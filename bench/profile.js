// Profiles one client in steady state, the server in a child process:
//   node bench/profile.js [mcpwatch|sdk|raw] [modern|legacy] [v2|v1] [saturation|monitor] [seconds] [warm-up probes] [out]
// Prints CPU ms per probe (inflated by the profiler itself) and writes a .cpuprofile for Chrome DevTools.
// A monitor-pace profile after 30 warm-up probes shows the JIT-cold costs the bench's monitor figure carries.
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { makeProbe } from './probers.js';
import { startServer } from './servers.js';

const [
  client = 'mcpwatch',
  era = 'modern',
  kind = 'v2',
  pace = 'saturation',
  seconds = '5',
  warmup = '200',
  out,
] = process.argv.slice(2);
const server = await startServer(kind);
const probe = await makeProbe(client, server.url, era);

/** Saturation: 20 loops back to back; monitor: one at a time with 100 ms idle after each. */
async function run(ms) {
  const until = performance.now() + ms;
  let done = 0;
  const loop = async () => {
    while (performance.now() < until) {
      await probe();
      done++;
      if (pace === 'monitor') await new Promise((r) => setTimeout(r, 100));
    }
  };
  await Promise.all(Array.from({ length: pace === 'monitor' ? 1 : 20 }, loop));
  return done;
}

for (let i = 0; i < Number(warmup); i++) await probe();
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
await session.post('Profiler.start');
const cpu0 = process.cpuUsage();
const done = await run(Number(seconds) * 1000);
const { user, system } = process.cpuUsage(cpu0);
const { profile } = await session.post('Profiler.stop');
const file = out ?? `${client}-${era}-${kind}-${pace}.cpuprofile`;
await writeFile(file, JSON.stringify(profile));
const each = ((user + system) / 1000 / done).toFixed(2);
console.log(`${client} ${era} ${kind} ${pace}: ${done} probes, ${each} ms CPU each while profiled; ${file}`);
await server.stop();
