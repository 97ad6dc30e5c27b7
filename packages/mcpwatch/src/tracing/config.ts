/** The OTLP encodings mcpwatch can send: both over HTTP, the Collector's port 4318. */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

export type TracingConfig =
  /** No endpoint, or switched off: nothing is loaded and nothing is sent. */
  | { enabled: false; why: string }
  /** Set up so that it cannot work: said once at start, and the service runs without traces. */
  | { enabled: false; error: string }
  | { enabled: true; protocol: OtlpProtocol; endpoint: string };

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Whether and how to export traces, from the standard OpenTelemetry variables. Only the decision is made
 * here: the exporter itself reads the endpoint, headers, timeout and compression from the same variables,
 * as every OpenTelemetry SDK does, so they mean what the OpenTelemetry docs say they mean.
 */
export function tracingConfig(env: Env): TracingConfig {
  if (value(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true') {
    return { enabled: false, why: 'OTEL_SDK_DISABLED is true' };
  }
  const exporters = value(env, 'OTEL_TRACES_EXPORTER')
    ?.split(',')
    .map((s) => s.trim().toLowerCase());
  if (exporters?.includes('none')) return { enabled: false, why: 'OTEL_TRACES_EXPORTER is none' };
  const endpointVar = value(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT')
    ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'
    : 'OTEL_EXPORTER_OTLP_ENDPOINT';
  const endpoint = value(env, endpointVar);
  if (endpoint === undefined) return { enabled: false, why: 'no OTLP endpoint is set' };
  if (exporters && !exporters.includes('otlp')) {
    return {
      enabled: false,
      error: `OTEL_TRACES_EXPORTER=${value(env, 'OTEL_TRACES_EXPORTER')} is not supported: mcpwatch exports traces over OTLP only; set it to otlp or unset it`,
    };
  }
  if (!isHttpUrl(endpoint)) {
    return {
      enabled: false,
      error: `${endpointVar} is not an http(s) URL: give the Collector's OTLP/HTTP address, like http://localhost:4318`,
    };
  }
  const protocolVar = value(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL')
    ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'
    : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  // http/protobuf is the default the OpenTelemetry specification sets for every SDK.
  const protocol = value(env, protocolVar) ?? 'http/protobuf';
  if (protocol === 'http/protobuf' || protocol === 'http/json') {
    return { enabled: true, protocol, endpoint: withoutSecrets(endpoint) };
  }
  if (protocol === 'grpc') {
    return {
      enabled: false,
      error: `${protocolVar}=grpc is not supported: set it to http/protobuf (or http/json) and point the endpoint at the Collector's OTLP/HTTP port, usually 4318`,
    };
  }
  return {
    enabled: false,
    error: `${protocolVar}=${protocol} is not a protocol mcpwatch knows: use http/protobuf or http/json`,
  };
}

function value(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** The endpoint as it may be logged: a password in it, or a token in its query, stays out of the log. */
function withoutSecrets(text: string): string {
  const url = new URL(text);
  url.username = '';
  url.password = '';
  url.search = '';
  return url.href;
}
