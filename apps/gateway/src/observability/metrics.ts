import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { OperationType } from './graphql-operation.util';

// Process metrics (CPU, memory, event loop, GC) are per process: collected once, whatever the number of gateways in it.
let processRegistry: Registry | null = null;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

// An error code as a label: the contract's codes are UPPER_SNAKE; anything else is counted as OTHER.
const CODE = /^[A-Z][A-Z0-9_]{0,39}$/;

/**
 * The gateway's Prometheus metrics: HTTP requests by method, route and status (count and latency),
 * GraphQL requests by operation type, and GraphQL errors by `extensions.code` and operation type.
 * Labels are bounded: routes are route patterns (`unmatched` for a 404), never URLs.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'http_requests_total', help: 'HTTP requests answered, by method, route and status code.',
    labelNames: ['method', 'route', 'status_code'] as const, registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'http_request_duration_seconds', help: 'Time to answer an HTTP request, by method, route and status code.',
    labelNames: ['method', 'route', 'status_code'] as const, registers: [this.registry],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  });
  private readonly operations = new Counter({
    name: 'graphql_requests_total', help: 'GraphQL requests over HTTP, by operation type and outcome (ok, or error when the answer has errors).',
    labelNames: ['operation_type', 'outcome'] as const, registers: [this.registry],
  });
  private readonly operationDuration = new Histogram({
    name: 'graphql_request_duration_seconds', help: 'Time to answer a GraphQL request over HTTP, by operation type.',
    labelNames: ['operation_type'] as const, registers: [this.registry],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  });
  private readonly errors = new Counter({
    name: 'graphql_errors_total', help: 'GraphQL errors answered, by extensions.code and operation type.',
    labelNames: ['code', 'operation_type'] as const, registers: [this.registry],
  });

  get contentType(): string {
    return this.registry.contentType;
  }

  httpRequest(method: string, route: string, statusCode: number, seconds: number): void {
    const labels = { method, route, status_code: String(statusCode) };
    this.requests.inc(labels);
    this.duration.observe(labels, seconds);
  }

  graphqlRequest(operationType: OperationType, errorCodes: readonly unknown[], seconds: number): void {
    this.operations.inc({ operation_type: operationType, outcome: errorCodes.length > 0 ? 'error' : 'ok' });
    this.operationDuration.observe({ operation_type: operationType }, seconds);
    for (const code of errorCodes) this.errors.inc({ code: typeof code === 'string' && CODE.test(code) ? code : 'OTHER', operation_type: operationType });
  }

  /** The text exposition: process metrics, then the gateway's. */
  async render(): Promise<string> {
    return `${await processMetrics().metrics()}\n${await this.registry.metrics()}`;
  }
}

/** The `extensions.code` of each error in a GraphQL response body (none when it has no errors or is not JSON). */
export function errorCodesOf(payload: unknown): unknown[] {
  const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null;
  // Only an answer with errors is parsed: most answers are data alone.
  if (text === null || !text.includes('"errors"')) return [];
  try {
    const body = JSON.parse(text) as { errors?: { extensions?: { code?: unknown } }[] };
    return Array.isArray(body.errors) ? body.errors.map((e) => e?.extensions?.code) : [];
  } catch {
    return [];
  }
}
