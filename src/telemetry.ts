import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

/**
 * Installs the Temporal runtime once per process: log level, and a Prometheus endpoint serving the
 * SDK's metrics and Retriever's own (records, pages, bytes, retries, 429s, rate-limit waits).
 */
export function installRuntime(options: { metricsAddress?: string; logLevel?: LogLevel }): void {
  Runtime.install({
    logger: new DefaultLogger(options.logLevel ?? 'INFO'),
    telemetryOptions: options.metricsAddress ? { metrics: { prometheus: { bindAddress: options.metricsAddress } } } : undefined,
  });
}
