import { Context } from '@temporalio/activity';
/**
 * Retriever's own counters, emitted through Temporal's metric meter so they appear on the worker's
 * Prometheus endpoint beside the SDK's metrics, tagged by stream.
 */
export function recordPageMetrics(stream: string, page: { records: number; bytes: number }): void {
  const meter = Context.current().metricMeter.withTags({ stream });
  meter.createCounter('retriever_records', 'records', 'records written to the destination').add(page.records);
  meter.createCounter('retriever_pages', 'pages', 'pages fetched and written').add(1);
  meter.createCounter('retriever_bytes', 'bytes', 'response bytes read from Datadog').add(page.bytes);
}

/** A failed page attempt, by failure type; 429s are also counted on their own. */
export function recordFailureMetrics(stream: string, failureType: string, rateLimited: boolean): void {
  const meter = Context.current().metricMeter.withTags({ stream });
  meter.createCounter('retriever_page_failures', 'attempts', 'page attempts that failed, by failure type').add(1, { failure_type: failureType });
  if (rateLimited) meter.createCounter('retriever_rate_limited', 'responses', 'HTTP 429 responses from Datadog').add(1);
}

/** Counted once per retry: an attempt after the first. */
export function recordRetryMetrics(stream: string): void {
  if (Context.current().info.attempt > 1) {
    Context.current().metricMeter.withTags({ stream }).createCounter('retriever_retries', 'attempts', 'page attempts after the first').add(1);
  }
}
