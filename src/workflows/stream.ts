import {
  ActivityFailure,
  ApplicationFailure,
  continueAsNew,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { NON_RETRYABLE, STREAM_UNAVAILABLE } from '../shared/failure-types';
import { INITIAL_PACING, pace } from './pacing';
import { currentWindow, isLastPage, pageWritten, startPosition, windowFinished, windowsLeft } from './position';
import { pageLabel, skipWarning, streamDetails, streamProgress } from './progress';
import { progressQuery } from './queries';
import { waitForBucket } from './rate-limit-wait';
import type { StreamPosition, StreamResult, StreamStatus, StreamTask } from './types';

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

  try {
    while (windowsLeft(task, position)) {
      const window = currentWindow(task, position);
      const pageNumber = position.pageInWindow + 1;
      const { syncId, stream, site, since, pageSize, search, timeseriesQuery, refreshMs } = task;
      const summary = await fetchPage.executeWithOptions({ ...FETCH_PAGE_OPTIONS, summary: pageLabel(stream, window, pageNumber) }, [
        { syncId, stream, site, window, since, page: position.page, pageSize, search, pageNumber, timeseriesQuery, refreshMs },
      ]);
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
      } else if (window) {
        // Only now is every page of the window written: the bookmark may move past it.
        await commitBookmark({ stream, cursor: window.to, syncId });
        windowFinished(position, window);
        report();
      } else {
        break; // a full refresh's last page
      }
      if (!windowsLeft(task, position)) break;
      // History stays bounded whatever the volume; the position carries over exactly.
      if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof streamSync>(task, position);
    }
    const removed = task.mode === 'full_refresh' ? await completeFullRefresh({ stream: task.stream, syncId: task.syncId }) : undefined;
    status = 'completed';
    report();
    const warning = position.warnings?.length ? { warning: position.warnings.join('; ') } : {};
    return { stream: task.stream, status, records: position.records, pages: position.pages, ...completion(task, position, removed), ...warning };
  } catch (err) {
    const refusal = unavailable(err);
    if (refusal && !task.strict) {
      status = 'skipped';
      const warning = skipWarning(task, refusal);
      setCurrentDetails(`**${task.stream}** · skipped · ${warning}`);
      return { stream: task.stream, status, records: position.records, pages: position.pages, warning };
    }
    status = isCancellation(err) ? 'cancelled' : 'failed';
    report();
    throw err;
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
