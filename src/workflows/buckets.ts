import type { StreamTask } from './types';

/**
 * Which stream starts next. Datadog's rate limits are per bucket (an endpoint family), so a sync is
 * as fast as its buckets allow only when every bucket has a stream reading from it: the next stream
 * is the first one waiting whose bucket has the fewest streams running. Streams on one bucket then
 * run one after another, sharing its pace, while streams on other buckets run beside them.
 * Pure, so it replays alike.
 */

/** The bucket a task's requests count against, as far as the plan knows; a task without one is a bucket of its own. */
export function bucketOf(task: StreamTask): string {
  return task.rateLimitBucket ?? `stream:${task.stream}`;
}

/**
 * Removes and returns the task to start next from `waiting` (in plan order), given the streams running
 * per bucket; only a task `ready` accepts is taken (a dependent stream waits for its parent's).
 */
export function takeNextTask(waiting: StreamTask[], running: ReadonlyMap<string, number>, ready: (task: StreamTask) => boolean = () => true): StreamTask | undefined {
  let best = -1;
  for (let i = 0; i < waiting.length; i++) {
    if (!ready(waiting[i])) continue;
    if (best < 0 || (running.get(bucketOf(waiting[i])) ?? 0) < (running.get(bucketOf(waiting[best])) ?? 0)) best = i;
  }
  return best < 0 ? undefined : waiting.splice(best, 1)[0];
}

/** How many streams a sync reads at once unless told: one per bucket its streams use (at most 64). */
export function defaultParallelStreams(tasks: StreamTask[]): number {
  return Math.max(1, Math.min(64, new Set(tasks.map(bucketOf)).size));
}
