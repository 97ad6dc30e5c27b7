import { describe, expect, it } from 'vitest';
import { tracingConfig } from './config.js';

const ENDPOINT = 'http://collector:4318';

describe('whether traces are sent, from the OpenTelemetry variables', () => {
  it('is off without an endpoint', () => {
    expect(tracingConfig({})).toEqual({ enabled: false, why: 'no OTLP endpoint is set' });
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' })).toMatchObject({ enabled: false });
  });

  it('sends protobuf by default, as the specification sets, to either endpoint variable', () => {
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT })).toEqual({
      enabled: true,
      protocol: 'http/protobuf',
      endpoint: `${ENDPOINT}/`,
    });
    expect(
      tracingConfig({
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${ENDPOINT}/v1/traces`,
        OTEL_TRACES_EXPORTER: 'otlp',
      }),
    ).toMatchObject({ enabled: true, protocol: 'http/protobuf' });
  });

  it('takes the traces protocol over the general one', () => {
    expect(
      tracingConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      }),
    ).toMatchObject({ enabled: true, protocol: 'http/json' });
  });

  it('is off when the SDK is disabled or the traces exporter is none', () => {
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_SDK_DISABLED: 'TRUE' })).toEqual({
      enabled: false,
      why: 'OTEL_SDK_DISABLED is true',
    });
    expect(
      tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_SDK_DISABLED: 'false' }),
    ).toMatchObject({ enabled: true });
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_TRACES_EXPORTER: 'none' })).toEqual({
      enabled: false,
      why: 'OTEL_TRACES_EXPORTER is none',
    });
  });

  it('says what to use instead of grpc, an unknown protocol, another exporter or a bad URL', () => {
    expect(
      tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }),
    ).toEqual({
      enabled: false,
      error:
        "OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported: set it to http/protobuf (or http/json) and point the endpoint at the Collector's OTLP/HTTP port, usually 4318",
    });
    expect(
      tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'thrift' }),
    ).toEqual({
      enabled: false,
      error:
        'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=thrift is not a protocol mcpwatch knows: use http/protobuf or http/json',
    });
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_TRACES_EXPORTER: 'zipkin' })).toEqual({
      enabled: false,
      error:
        'OTEL_TRACES_EXPORTER=zipkin is not supported: mcpwatch exports traces over OTLP only; set it to otlp or unset it',
    });
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'collector:4318' })).toEqual({
      enabled: false,
      error:
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is not an http(s) URL: give the Collector's OTLP/HTTP address, like http://localhost:4318",
    });
  });

  it('keeps a password or a query out of the endpoint it reports', () => {
    expect(
      tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://u:p@collector.example:4318/otlp?key=k' }),
    ).toMatchObject({ endpoint: 'https://collector.example:4318/otlp' });
  });
});
