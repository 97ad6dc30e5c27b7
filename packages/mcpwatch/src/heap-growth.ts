import v8 from 'node:v8';

/** The heap may grow to 1.5 times what is live before V8 collects it in full. */
const GROWING_PERCENT = 50;

/**
 * When full collections are cheap, V8 lets the heap grow to up to four times its live size before the next
 * one. `mcpwatch serve` with 10,000 monitors keeps about 80 MB live, and every scrape of /metrics (17 MB of
 * text, made of short-lived strings) pushed the heap to about 320 MB of garbage before a collection: RSS
 * 430–470 MB (bench/service.js with --trace-gc). Capping the growth at half the live size: RSS 254 MB, with
 * CPU and scheduler lag unchanged (27% of a core, lag p99 4.5 ms). An operator who passes their own
 * `--heap-growing-percent` to node keeps it.
 */
export function boundHeapGrowth(): void {
  if (process.execArgv.some((arg) => /^--heap[-_]growing[-_]percent/.test(arg))) return;
  v8.setFlagsFromString(`--heap-growing-percent=${GROWING_PERCENT}`);
}
