import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  condition,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { Activities } from '../activities';
import type { SyncRequestInput } from '../config/request';
import { NON_RETRYABLE } from './failure-types';
import { progressQuery } from './queries';
import { streamSync } from './stream';
import type { StreamProgress, StreamResult, SyncResult } from './types';

/** Set by Temporal on runs a Schedule starts; a backfilled run reads only up to its scheduled time. */
const SCHEDULED_START = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

const { planSync } = proxyActivities<Activities>({
  startToCloseTimeout: '2m',
  retry: { initialInterval: '1s', maximumInterval: '10s', maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE },
});
const { recordSync } = proxyActivities<Activities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 20 },
});

/**
 * One sync run: plan (validate, check keys, read bookmarks), then one `streamSync` child per stream,
 * at most `max_parallel_streams` at a time, each with ID `<syncId>/<stream>`.
 */
export async function datadogSync(request: SyncRequestInput): Promise<SyncResult> {
  const syncId = workflowInfo().workflowId;
  const scheduledAt = workflowInfo().typedSearchAttributes.get(SCHEDULED_START)?.getTime();
  const plan = await planSync({ syncId, request, scheduledAt }).catch(surfaceCause);
  const progress = new Map<string, StreamProgress>(
    plan.tasks.map((t) => [t.stream, { stream: t.stream, status: 'pending', records: 0, pages: 0, bookmark: t.window?.from }]),
  );
  const warnings: string[] = [];
  const failures: string[] = [];
  setHandler(progressQuery, () => [...progress.values()]);

  const showDetails = () => {
    const rows = [...progress.values()].map((p) => `| ${p.stream} | ${p.status} | ${p.records} | ${p.pages} | ${p.message ?? ''} |`);
    setCurrentDetails([`${plan.summary}`, '', '| stream | state | records | pages | note |', '|---|---|---|---|---|', ...rows].join('\n'));
  };
  showDetails();

  let running = 0;
  const finished: Promise<void>[] = [];
  try {
    for (const task of plan.tasks) {
      await condition(() => running < plan.maxParallelStreams);
      running++;
      const entry = progress.get(task.stream)!;
      entry.status = 'running';
      showDetails();
      const child = await startChild(streamSync, { workflowId: `${syncId}/${task.stream}`, args: [task], staticSummary: `${task.stream} · ${task.mode}` });
      finished.push(
        child
          .result()
          .then((result: StreamResult) => {
            Object.assign(entry, { status: result.status, records: result.records, pages: result.pages, bookmark: result.bookmark ?? entry.bookmark });
            if (result.warning) {
              entry.message = result.warning;
              warnings.push(result.warning);
            }
          })
          .catch((err: unknown) => {
            if (isCancellation(err)) {
              entry.status = 'cancelled';
              throw err;
            }
            entry.status = 'failed';
            entry.message = failureMessage(err);
            failures.push(`${task.stream}: ${entry.message}`);
          })
          .finally(() => {
            running--;
            showDetails();
          }),
      );
    }
    await Promise.all(finished);
  } catch (err) {
    if (isCancellation(err)) {
      // Windows already finished keep their bookmarks; the next sync resumes from there.
      await CancellationScope.nonCancellable(() => recordSync({ syncId, status: 'cancelled', streams: streamTotals(progress) }));
    }
    throw err;
  }

  const status = failures.length > 0 ? 'failed' : 'completed';
  await recordSync({ syncId, status, streams: streamTotals(progress) });
  const result: SyncResult = {
    syncId,
    status,
    streams: [...progress.values()],
    records: [...progress.values()].reduce((n, p) => n + p.records, 0),
    warnings,
  };
  if (failures.length > 0) {
    throw ApplicationFailure.create({
      message: `${failures.length} of ${plan.tasks.length} streams failed:\n${failures.join('\n')}`,
      type: 'SyncFailed',
      nonRetryable: true,
      details: [result],
    });
  }
  return result;
}

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
