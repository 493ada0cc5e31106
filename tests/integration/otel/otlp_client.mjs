// Exports known telemetry to InfraSage with the real OpenTelemetry JS SDK, for
// tests/integration/otlp_test.cpp. Usage:
//   node otlp_client.mjs metrics <base-url> <api-key> <service-prefix>
//   node otlp_client.mjs traces <base-url> <api-key> <service-prefix> <proto|json>
// Prints one JSON line per export ({"signal","encoding","gzip","code","error", ids...}) and exits
// non-zero when any export failed.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

const [signal, baseUrl, apiKey, prefix, traceEncoding] = process.argv.slice(2);
const headers = { 'X-API-Key': apiKey };

// A reader the test drives: collect() once, then hand the result to the exporter itself, so the
// export's own result code is what this script reports.
class CollectOnce extends MetricReader {
  async onForceFlush() {}
  async onShutdown() {}
}

function exportWith(exporter, items) {
  return new Promise((resolve) => {
    exporter.export(items, (result) => resolve(result));
  });
}

async function exportMetrics(encoding, gzip) {
  const service = `${prefix}-${encoding}-${gzip ? 'gzip' : 'plain'}`;
  const reader = new CollectOnce();
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'deployment.environment': 'test' }),
    readers: [reader],
  });
  const meter = provider.getMeter('otlp-test-meter', '1.2.3');
  const counter = meter.createCounter('otel_test.requests');
  counter.add(5, { route: '/a' });
  counter.add(2, { route: '/a' });
  meter.createGauge('otel_test.temperature').record(21.5, { room: 'lab' });
  const histogram = meter.createHistogram('otel_test.latency', {
    advice: { explicitBucketBoundaries: [1, 5, 10] },
  });
  for (const v of [0.5, 3, 7]) histogram.record(v);

  const { resourceMetrics, errors } = await reader.collect();
  if (errors.length) throw new Error(`collect failed: ${errors}`);
  const options = { url: `${baseUrl}/v1/metrics`, headers, compression: gzip ? 'gzip' : 'none' };
  const exporter = encoding === 'proto' ? new ProtoMetricExporter(options) : new JsonMetricExporter(options);
  const result = await exportWith(exporter, resourceMetrics);
  await exporter.shutdown();
  await provider.shutdown();
  return { signal: 'metrics', service, encoding, gzip, code: result.code, error: result.error ? String(result.error) : null };
}

async function exportTraces(encoding) {
  const memory = new InMemorySpanExporter();
  const provider = (service) =>
    new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': service }),
      spanProcessors: [new SimpleSpanProcessor(memory)],
    });
  const serviceA = `${prefix}-a`;
  const serviceB = `${prefix}-b`;
  const a = provider(serviceA).getTracer('tracer-a');
  const b = provider(serviceB).getTracer('tracer-b');
  const parent = a.startSpan('GET /checkout', { kind: SpanKind.SERVER, attributes: { 'http.method': 'GET' } });
  const child = b.startSpan('charge card', { kind: SpanKind.SERVER }, trace.setSpan(ROOT_CONTEXT, parent));
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
  child.end();
  parent.end();

  const spans = memory.getFinishedSpans();
  const options = { url: `${baseUrl}/v1/traces`, headers, compression: 'gzip' };
  const exporter = encoding === 'json' ? new JsonTraceExporter(options) : new ProtoTraceExporter(options);
  const result = await exportWith(exporter, spans);
  await exporter.shutdown();
  return {
    signal: 'traces', encoding, gzip: true, code: result.code,
    error: result.error ? String(result.error) : null,
    trace_id: parent.spanContext().traceId,
    parent_span_id: parent.spanContext().spanId,
    child_span_id: child.spanContext().spanId,
    service_a: serviceA, service_b: serviceB,
  };
}

const results = [];
if (signal === 'metrics') {
  for (const encoding of ['proto', 'json']) {
    for (const gzip of [false, true]) results.push(await exportMetrics(encoding, gzip));
  }
} else if (signal === 'traces') {
  results.push(await exportTraces(traceEncoding));
} else {
  console.error(`unknown signal ${signal}`);
  process.exit(2);
}
for (const r of results) console.log(JSON.stringify(r));
process.exit(results.every((r) => r.code === 0) ? 0 : 1);
