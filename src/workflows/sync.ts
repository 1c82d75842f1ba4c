import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  condition,
  isCancellation,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { Activities } from '../activities';
import type { SyncRequestInput } from '../config/request';
import { DURATION_PATTERN, parseDuration } from '../config/duration';
import { FAILURE, NON_RETRYABLE } from '../shared/failure-types';
import { DEFAULT_MAX_OUTAGE } from '../shared/outage';
import { secretFieldsIn, secretProblem } from '../shared/secrets';
import { bucketOf, takeNextTask } from './buckets';
import { outlast, type OutageState } from './outage';
import { parentNotCompleted, syncDetails } from './progress';
import { progressQuery, streamEndedSignal } from './queries';
import { streamSync } from './stream';
import type { StreamProgress, StreamTask, SyncPlan, SyncResult } from './types';

/** Set by Temporal on runs a Schedule starts; a backfilled run reads only up to its scheduled time. */
const SCHEDULED_START = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

const { planSync } = proxyActivities<Activities>({
  startToCloseTimeout: '2m',
  retry: { initialInterval: '1s', maximumInterval: '10s', maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE },
});
const { recordSync, resetStreams } = proxyActivities<Activities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 20 },
});

/**
 * One sync run: plan (validate, check keys, read bookmarks), reset the streams the request reads from
 * scratch (`full_refresh`), then one `streamSync` child per stream, at most `max_parallel_streams`
 * at a time (by default one per rate-limit bucket), the next one always from the bucket with the
 * fewest running (buckets.ts), each with ID `<syncId>/<stream>`.
 */
export async function datadogSync(request: SyncRequestInput): Promise<SyncResult> {
  const syncId = workflowInfo().workflowId;
  refuseSecrets(request);
  const scheduledAt = workflowInfo().typedSearchAttributes.get(SCHEDULED_START)?.getTime();
  const plan = await planOutlasting({ syncId, request, scheduledAt });
  // Part of the run, before any child: a crash after it resumes here with the bookmarks forgotten,
  // one before it leaves them untouched. Only syncs that ask schedule it, so histories of syncs that
  // did not (every one recorded before it existed) replay unchanged.
  if (plan.reset) await resetStreams({ syncId, ...plan.reset });
  const progress = new Map<string, StreamProgress>(
    plan.tasks.map((t) => [t.stream, { stream: t.stream, status: 'pending', records: 0, pages: 0, bookmark: t.mode === 'incremental' ? t.window.from : undefined }]),
  );
  const warnings: string[] = [];
  const failures: string[] = [];
  setHandler(progressQuery, () => [...progress.values()]);
  setHandler(streamEndedSignal, (ended) => {
    const entry = progress.get(ended.stream);
    if (entry) Object.assign(entry, { records: ended.records, pages: ended.pages });
  });
  const report = () => setCurrentDetails(syncDetails(plan.summary, [...progress.values()]));
  report();

  let running = 0;
  /** Children running per rate-limit bucket. */
  const inBucket = new Map<string, number>();
  /** A child ended (or never started): its place and its bucket's are free again. */
  function release(task: StreamTask): void {
    running--;
    inBucket.set(bucketOf(task), inBucket.get(bucketOf(task))! - 1);
    report();
  }
  /** Follows one child to its end; a failed stream is noted, and the others go on. */
  async function follow(task: StreamTask, child: ChildWorkflowHandle<typeof streamSync>): Promise<void> {
    const entry = progress.get(task.stream)!;
    try {
      const result = await child.result();
      Object.assign(entry, { status: result.status, records: result.records, pages: result.pages, bookmark: result.bookmark ?? entry.bookmark });
      if (result.warning) {
        entry.message = result.warning;
        warnings.push(result.warning);
      }
    } catch (err) {
      if (isCancellation(err)) {
        entry.status = 'cancelled';
        throw err;
      }
      entry.status = 'failed';
      entry.message = failureMessage(err);
      failures.push(`${task.stream}: ${entry.message}`);
    } finally {
      release(task);
    }
  }

  /** A child that could not start ends the sync, as an error of its own loop would. */
  function notStarted(task: StreamTask, err: unknown): never {
    progress.get(task.stream)!.status = isCancellation(err) ? 'cancelled' : 'failed';
    release(task);
    throw err;
  }

  try {
    const children: Promise<void>[] = [];
    const upstreamDone = (task: StreamTask) => !task.after || FINISHED.includes(progress.get(task.after)?.status ?? 'completed');
    const waiting = [...plan.tasks];
    while (waiting.length > 0) {
      const task = await nextTask(waiting, { upstreamDone, inBucket, hasRoom: () => running < plan.maxParallelStreams });
      const upstream = task.after ? progress.get(task.after) : undefined;
      if (upstream && upstream.status !== 'completed') {
        const message = parentNotCompleted(task.stream, upstream);
        Object.assign(progress.get(task.stream)!, { status: 'skipped', message });
        warnings.push(message);
        report();
        continue;
      }
      await condition(() => running < plan.maxParallelStreams);
      running++;
      inBucket.set(bucketOf(task), (inBucket.get(bucketOf(task)) ?? 0) + 1);
      progress.get(task.stream)!.status = 'running';
      report();
      const started = startChild(streamSync, { workflowId: `${syncId}/${task.stream}`, args: [task], staticSummary: `${task.stream} · ${task.mode}` });
      // Children that may start now start in one workflow task, not one task each. Syncs that
      // began before this waited for each child to start before the next (replayed that way).
      if (patched('start-children-together')) children.push(started.then((child) => follow(task, child), (err) => notStarted(task, err)));
      else children.push(follow(task, await started));
    }
    await Promise.all(children);
  } catch (err) {
    if (isCancellation(err)) {
      // Windows already finished keep their bookmarks; the next sync resumes from there.
      await CancellationScope.nonCancellable(() => recordSync({ syncId, organization: plan.organization, status: 'cancelled', streams: streamTotals(progress) }));
    }
    throw err;
  }

  const status = failures.length > 0 ? 'failed' : 'completed';
  let recordOutage: OutageState | undefined;
  await outlast(
    { get: () => recordOutage, set: (o) => (recordOutage = o), show: (m) => (m ? setCurrentDetails(m) : report()), maxOutageMs: plan.maxOutageMs },
    () => recordSync({ syncId, organization: plan.organization, status, streams: streamTotals(progress) }),
  );
  return syncResult(syncId, [...progress.values()], warnings, failures);
}

/**
 * Takes the next task to start from `waiting`, once it may start: the one whose rate-limit bucket has
 * the fewest streams running. Syncs that began before streams were started by bucket go on in plan order.
 */
async function nextTask(
  waiting: StreamTask[],
  { upstreamDone, inBucket, hasRoom }: { upstreamDone: (task: StreamTask) => boolean; inBucket: Map<string, number>; hasRoom: () => boolean },
): Promise<StreamTask> {
  if (patched('start-by-rate-limit-bucket')) {
    // A dependent or derived stream waits for its parent's sync to finish; the others start meanwhile.
    await condition(() => hasRoom() && waiting.some(upstreamDone));
    return takeNextTask(waiting, inBucket, upstreamDone)!;
  }
  // A dependent or derived stream reads its parent's table: only once the parent's sync has finished
  // it. planSync puts these streams after all the others, so waiting here holds up no other stream.
  const task = waiting.shift()!;
  await condition(() => upstreamDone(task));
  return task;
}

/** Plans the sync. Datadog (checking the keys) or the destination (bookmarks) down, it waits for them. */
function planOutlasting(input: { syncId: string; request: SyncRequestInput; scheduledAt?: number }): Promise<SyncPlan> {
  let outage: OutageState | undefined;
  return outlast(
    { get: () => outage, set: (o) => (outage = o), show: (m) => setCurrentDetails(m ?? 'planning'), maxOutageMs: requestedMaxOutage(input.request) },
    () => planSync(input),
  ).catch(surfaceCause);
}

/** The sync's result; when streams failed, a failure that names them and carries the result. */
function syncResult(syncId: string, streams: StreamProgress[], warnings: string[], failures: string[]): SyncResult {
  const status = failures.length > 0 ? 'failed' : 'completed';
  const result: SyncResult = { syncId, status, streams, records: streams.reduce((n, p) => n + p.records, 0), warnings };
  if (failures.length === 0) return result;
  const message = `${failures.length} of ${streams.length} streams failed:\n${failures.join('\n')}`;
  throw ApplicationFailure.create({ message, type: 'SyncFailed', nonRetryable: true, details: [result] });
}

/**
 * A key given in the workflow input is refused here, before any activity is scheduled with it, so it
 * is not copied into history a second time (planSync's input). The message names where it was, never its value.
 */
function refuseSecrets(request: unknown): void {
  const found = secretFieldsIn(request);
  if (found.length === 0) return;
  throw ApplicationFailure.create({
    message: `sync request: ${found.map(secretProblem).join('; ')}`,
    type: FAILURE.secretInRequest,
    nonRetryable: true,
  });
}

/** The request's max_outage when it is a duration, for waiting before the plan has validated it. */
function requestedMaxOutage(request: unknown): number {
  const value = (request as { max_outage?: unknown } | null)?.max_outage;
  return typeof value === 'string' && DURATION_PATTERN.test(value) ? parseDuration(value) : parseDuration(DEFAULT_MAX_OUTAGE);
}
/** A stream that will not change any more. */
const FINISHED: readonly StreamProgress['status'][] = ['completed', 'skipped', 'failed', 'cancelled'];

/** Fails the sync with the activity's own message (bad request, rejected key), not "Activity task failed". */
function surfaceCause(err: unknown): never {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) {
    const cause = err.cause;
    throw ApplicationFailure.create({ message: cause.message, type: cause.type ?? undefined, nonRetryable: true, details: cause.details as unknown[] });
  }
  throw err;
}

function streamTotals(progress: Map<string, StreamProgress>): Record<string, { records: number; status: string }> {
  return Object.fromEntries([...progress.values()].map((p) => [p.stream, { records: p.records, status: p.status }]));
}

/** The innermost message: a child's failure wraps an activity's, which wraps the real cause. */
function failureMessage(err: unknown): string {
  let current: unknown = err;
  while ((current instanceof ChildWorkflowFailure || (current as { cause?: unknown })?.cause) && (current as { cause?: unknown }).cause) {
    current = (current as { cause: unknown }).cause;
  }
  return current instanceof Error ? current.message : String(current);
}
