import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  continueAsNew,
  ContinueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { NON_RETRYABLE, STREAM_UNAVAILABLE } from '../shared/failure-types';
import { outlast } from './outage';
import { INITIAL_PACING, pace } from './pacing';
import { currentWindow, isLastPage, pageWritten, startPosition, windowFinished, windowSplit, windowsLeft } from './position';
import { pageLabel, skipWarning, streamDetails, streamProgress } from './progress';
import { progressQuery, streamEndedSignal } from './queries';
import { waitForBucket } from './rate-limit-wait';
import type { StreamPosition, StreamProgress, StreamResult, StreamStatus, StreamTask } from './types';

/** One page per activity: a crashed worker costs at most one page, re-fetched and re-written idempotently. */
const FETCH_PAGE_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '2m',
  // fetchPage heartbeats every 2 s while it works, so a dead worker is noticed in seconds.
  heartbeatTimeout: '10s',
  // fetchPage picks each retry's delay itself (`nextRetryDelay`: the reset for a 429, jittered backoff
  // otherwise) and gives up after a bounded number of failed attempts, not counting rate-limit waits
  // (activities/retry-budget.ts). So no maximumAttempts here: it would count 429s too. These intervals
  // apply only to attempts that end without the activity's say (a timeout, a lost worker).
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', nonRetryableErrorTypes: NON_RETRYABLE },
};

const { fetchPage } = proxyActivities<Activities>(FETCH_PAGE_OPTIONS);
const { commitBookmark, completeFullRefresh } = proxyActivities<Activities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 20 },
});

/**
 * Reads one stream: time windows (incremental streams) and pages within them. Its position is
 * workflow state, so after a worker crash it resumes at the page it was on.
 */
export async function streamSync(task: StreamTask, resumeFrom?: StreamPosition): Promise<StreamResult> {
  const position = resumeFrom ?? startPosition(task);
  let status: StreamStatus = 'running';
  /** What the stream is waiting for, while it waits. */
  let waiting: string | undefined;
  setHandler(progressQuery, () => [streamProgress(task, position, status, waiting)]);
  const report = () => setCurrentDetails(streamDetails(streamProgress(task, position, status, waiting)));
  /** Datadog or the destination down: the call is made again after a durable wait, up to max_outage. */
  const available = <T>(call: () => Promise<T>) =>
    outlast(
      {
        get: () => position.outage,
        set: (outage) => (position.outage = outage),
        show: (message) => ((waiting = message), report()),
        maxOutageMs: task.maxOutageMs,
      },
      call,
    );

  try {
    while (windowsLeft(task, position)) {
      const window = currentWindow(task, position);
      const pageNumber = position.pageInWindow + 1;
      const { syncId, organization, stream, site, since, pageSize, search, fanOutValues, timeseriesQuery, refreshMs } = task;
      const summary = await available(() =>
        fetchPage.executeWithOptions({ ...FETCH_PAGE_OPTIONS, summary: pageLabel(stream, window, pageNumber) }, [
          { syncId, organization, stream, site, window, since, page: position.page, pageSize, search, fanOutValues, pageNumber, timeseriesQuery, refreshMs },
        ]),
      );
      pageWritten(position, summary);
      report();
      const paced = pace(position.pacing ?? INITIAL_PACING, summary.rateLimit);
      position.pacing = paced.state;
      if (paced.waitMs !== undefined && !isLastPage(task, window, summary)) {
        waiting = paced.reason;
        report();
        await waitForBucket(stream, paced.waitMs, paced.reason ?? 'rate limit');
        waiting = undefined;
        report();
      }
      if (summary.nextPage) {
        position.page = summary.nextPage;
      } else if (window && summary.splitAt !== undefined) {
        // A full answer of an endpoint without paging: nothing was written, its halves are read instead.
        windowSplit(position, window, summary.splitAt);
        report();
      } else if (window) {
        // Only now is every page of the window written: the bookmark may move past it.
        await available(() => commitBookmark({ organization, stream, cursor: window.to, syncId }));
        windowFinished(position, window);
        report();
      } else {
        break; // a full refresh's last page
      }
      if (!windowsLeft(task, position)) break;
      // History stays bounded whatever the volume; the position carries over exactly.
      if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof streamSync>(task, position);
    }
    const removed = task.mode === 'full_refresh' ? await available(() => completeFullRefresh({ organization: task.organization, stream: task.stream, syncId: task.syncId })) : undefined;
    status = 'completed';
    report();
    const warning = position.warnings?.length ? { warning: position.warnings.join('; ') } : {};
    return { stream: task.stream, status, records: position.records, pages: position.pages, ...completion(task, position, removed), ...warning };
  } catch (err) {
    // Continuing as new is how continueAsNew ends this run: not a failure, and nothing to report.
    if (err instanceof ContinueAsNew) throw err;
    const refusal = unavailable(err);
    if (refusal && !task.strict) {
      status = 'skipped';
      const warning = skipWarning(task, refusal);
      setCurrentDetails(`**${task.stream}** · skipped · ${warning}`);
      return { stream: task.stream, status, records: position.records, pages: position.pages, warning };
    }
    status = isCancellation(err) ? 'cancelled' : 'failed';
    report();
    await tellParent(streamProgress(task, position, status));
    throw err;
  }
}

/** Tells the parent sync what this stream wrote before it failed or was cancelled. */
async function tellParent(progress: StreamProgress): Promise<void> {
  const parent = workflowInfo().parent;
  if (!parent) return;
  try {
    await CancellationScope.nonCancellable(() => getExternalWorkflowHandle(parent.workflowId, parent.runId).signal(streamEndedSignal, progress));
  } catch (err) {
    // The parent is gone (terminated, or ended first): nobody is left to tell.
    log.warn('could not tell the parent sync what this stream wrote', { error: String(err) });
  }
}

/** What a completed stream reports beyond its counts: its bookmark, or the rows its full refresh removed. */
function completion(task: StreamTask, position: StreamPosition, removed: number | undefined): Pick<StreamResult, 'bookmark' | 'removed'> {
  return task.mode === 'incremental' ? { bookmark: position.windowFrom ?? task.window.from } : { removed };
}

/** The refusal, when the stream failed because Datadog will not serve it with these keys (403/404). */
function unavailable(err: unknown): ApplicationFailure | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  return cause instanceof ApplicationFailure && STREAM_UNAVAILABLE.includes(cause.type as never) ? cause : undefined;
}
