// The OpenTelemetry SDK side of traces: loaded only when an OTLP endpoint is set, so a service without
// traces never loads the SDK and exporters (a few hundred modules).
import { createRequire } from 'node:module';
import type { ProbeResult } from '@mcpwatch/probe';
import type { Tracer } from '@opentelemetry/api';
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { Logger } from 'pino';
import type { OtlpProtocol } from './config.js';
import { type CheckSubject, recordCheck } from './spans.js';

export interface TracingSdk {
  tracer: Tracer;
  /** Records one finished check; never throws into the check that produced it. */
  record(subject: CheckSubject, result: ProbeResult): void;
  /** Sends what is queued, waiting at most `timeoutMs`; what is still unsent then is dropped. */
  shutdown(timeoutMs: number): Promise<void>;
}

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** How often, at most, a failing export is logged: a collector that is down must not flood the log. */
const FAILURE_LOG_INTERVAL_MS = 60_000;

export async function createTracingSdk(
  protocol: OtlpProtocol,
  endpoint: string,
  log: Logger,
): Promise<TracingSdk> {
  // Each exporter reads OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT, _HEADERS, _TIMEOUT, _COMPRESSION and the
  // certificate variables itself; only the one the protocol names is loaded.
  const { OTLPTraceExporter } =
    protocol === 'http/json'
      ? await import('@opentelemetry/exporter-trace-otlp-http')
      : await import('@opentelemetry/exporter-trace-otlp-proto');
  const exporter = new LoggedExporter(new OTLPTraceExporter(), log, endpoint);
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over mcpwatch's own defaults, as the spec asks.
  const resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'mcpwatch', [ATTR_SERVICE_VERSION]: version }))
    .merge(detectResources({ detectors: [envDetector] }));
  // Our own provider, never registered as the global one: a user's SDK (preloaded with --require, say)
  // keeps its place. The batch processor reads OTEL_BSP_* for its queue and delay.
  const provider = new BasicTracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('mcpwatch', version);
  let recordFailed = false;
  return {
    tracer,
    record(subject, result) {
      try {
        recordCheck(tracer, subject, result);
      } catch (error) {
        // A bug in building the spans: said once, and the checks go on untraced rather than failing.
        if (!recordFailed)
          log.error({ err: error }, `A check's trace could not be recorded: ${String(error)}`);
        recordFailed = true;
      }
    },
    async shutdown(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const flushed = await Promise.race([
        provider.shutdown().then(
          () => true,
          () => true,
        ),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), timeoutMs);
          timer.unref();
        }),
      ]);
      clearTimeout(timer);
      if (!flushed) {
        log.warn(`Traces still unsent to ${endpoint} ${timeoutMs} ms after stopping are dropped`);
      }
    },
  };
}

/** ExportResultCode.SUCCESS of @opentelemetry/core, which the SDK depends on and mcpwatch does not. */
const EXPORT_SUCCESS = 0;

/**
 * The OTLP exporter, with its failures logged: the batch processor only hands them to OpenTelemetry's
 * diagnostic logger, which mcpwatch leaves alone (registering it is global). At most one line a minute
 * while the collector fails, and one when it answers again.
 */
class LoggedExporter implements SpanExporter {
  private lastLoggedAt = 0;
  private failedSinceLog = 0;
  private failing = false;

  constructor(
    private readonly inner: SpanExporter,
    private readonly log: Logger,
    private readonly endpoint: string,
  ) {}

  export(spans: ReadableSpan[], done: Parameters<SpanExporter['export']>[1]): void {
    this.inner.export(spans, (result) => {
      if (result.code === EXPORT_SUCCESS) this.succeeded();
      else this.failed(result.error, spans.length);
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  private succeeded(): void {
    if (!this.failing) return;
    this.failing = false;
    this.failedSinceLog = 0;
    this.log.info(`Traces reach ${this.endpoint} again`);
  }

  private failed(error: Error | undefined, spans: number): void {
    this.failing = true;
    this.failedSinceLog += spans;
    const now = Date.now();
    if (now - this.lastLoggedAt < FAILURE_LOG_INTERVAL_MS) return;
    this.lastLoggedAt = now;
    this.log.warn(
      { droppedSpans: this.failedSinceLog },
      `Traces could not be sent to ${this.endpoint} (${error?.message ?? 'export failed'}): ${this.failedSinceLog} span(s) dropped; checks go on, and this is said at most once a minute`,
    );
    this.failedSinceLog = 0;
  }
}
