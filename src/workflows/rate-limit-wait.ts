import { metricMeter, sleep } from '@temporalio/workflow';

/**
 * Waits for a rate-limit bucket's next period on a durable, named timer: the stream holds no activity
 * slot meanwhile, and the Web UI shows the timer with its reason. The wait is counted before it
 * starts, so a metrics scrape during it shows where the time goes.
 */
export async function waitForBucket(stream: string, waitMs: number, reason: string): Promise<void> {
  metricMeter.withTags({ stream }).createCounter('retriever_rate_limit_wait', 'ms', 'time spent waiting for a rate-limit period to reset').add(waitMs);
  await sleep(waitMs, { summary: reason });
}
