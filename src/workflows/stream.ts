import {
  ActivityFailure,
  ApplicationFailure,
  continueAsNew,
  isCancellation,
  metricMeter,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { FAILURE, NON_RETRYABLE, STREAM_UNAVAILABLE } from './failure-types';
import { INITIAL_PACING, pace } from './pacing';
import { progressQuery } from './queries';
import type { StreamPosition, StreamProgress, StreamResult, StreamTask, Window } from './types';
import { unreadableReason } from './unreadable';

/** One page per activity: a crashed worker costs at most one page, re-fetched and re-written idempotently. */
const FETCH_PAGE_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '2m',
  // fetchPage heartbeats every 2 s while it works, so a dead worker is noticed in seconds.
  heartbeatTimeout: '10s',
  // fetchPage picks each retry's delay itself (`nextRetryDelay`: the reset for a 429, jittered backoff
  // otherwise) and gives up after a bounded number of failed attempts, not counting rate-limit waits
  // (activities/retry-budget.ts). So no maximumAttempts here: it would count 429s too. These intervals
  // apply only to attempts that end without the activity's say (a timeout, a lost worker).
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '30s',
    nonRetryableErrorTypes: NON_RETRYABLE,
  },
};

const { fetchPage } = proxyActivities<Activities>(FETCH_PAGE_OPTIONS);
const { commitBookmark, completeFullRefresh } = proxyActivities<Activities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 20 },
});

/** The next window: from `from` to the next multiple of the window size, clipped to the end. */
function windowAt(from: number, task: StreamTask): Window {
  const { size, to } = task.window!;
  return { from, to: Math.min((Math.floor(from / size) + 1) * size, to) };
}

function isoMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * Reads one stream: time windows (incremental streams) and pages within them. Its position is
 * workflow state, so after a worker crash it resumes at the page it was on.
 */
export async function streamSync(task: StreamTask, resumeFrom?: StreamPosition): Promise<StreamResult> {
  const position: StreamPosition = resumeFrom ?? { windowFrom: task.window?.from, page: {}, pageInWindow: 0, pages: 0, records: 0, windowsDone: 0 };
  let status: StreamProgress['status'] = 'running';
  /** Why the stream is waiting, while it waits for its rate-limit bucket. */
  let waiting: string | undefined;
  const windowsTotal = task.window ? countWindows(task) : undefined;

  const progress = (): StreamProgress => ({
    stream: task.stream,
    status,
    records: position.records,
    pages: position.pages,
    window: task.window && position.windowFrom! < task.window.to ? windowAt(position.windowFrom!, task) : undefined,
    windowsDone: task.window ? position.windowsDone : undefined,
    windowsTotal,
    bookmark: task.window ? position.windowFrom : undefined,
    message: waiting,
  });
  setHandler(progressQuery, () => [progress()]);
  const showDetails = () => {
    const p = progress();
    const where = p.window ? ` · window ${isoMinute(p.window.from)} → ${isoMinute(p.window.to)} (${p.windowsDone}/${p.windowsTotal})` : '';
    setCurrentDetails(`**${task.stream}** · ${p.status} · ${p.records} records · ${p.pages} pages${where}${waiting ? ` · ${waiting}` : ''}`);
  };

  async function readPages(window: Window | undefined): Promise<void> {
    for (;;) {
      const pageNumber = position.pageInWindow + 1;
      const label = `${task.stream}${window ? ` · ${isoMinute(window.from)}→${isoMinute(window.to)}` : ''} · page ${pageNumber}`;
      const summary = await fetchPage.executeWithOptions({ ...FETCH_PAGE_OPTIONS, summary: label }, [
        { syncId: task.syncId, stream: task.stream, site: task.site, window, since: task.since, page: position.page, pageSize: task.pageSize, query: task.query, pageNumber, queryStream: task.queryStream },
      ]);
      position.pages++;
      position.pageInWindow++;
      position.records += summary.records;
      if (summary.maxCursor !== undefined) position.maxCursor = Math.max(position.maxCursor ?? 0, summary.maxCursor);
      showDetails();
      const paced = pace(position.pacing ?? INITIAL_PACING, summary.rateLimit);
      position.pacing = paced.state;
      const lastPage = !summary.nextPage && (!window || window.to >= task.window!.to);
      if (paced.waitMs !== undefined && !lastPage) {
        // A durable, named timer: the stream holds no activity slot while the bucket refills.
        waiting = paced.reason;
        showDetails();
        // Counted before the wait so a scrape during it shows where the time goes.
        metricMeter
          .withTags({ stream: task.stream })
          .createCounter('retriever_rate_limit_wait', 'ms', 'time spent waiting for a rate-limit period to reset')
          .add(paced.waitMs);
        await sleep(paced.waitMs, { summary: paced.reason });
        waiting = undefined;
        showDetails();
      }
      if (!summary.nextPage) return;
      position.page = summary.nextPage;
      if (workflowInfo().continueAsNewSuggested) {
        // History stays bounded whatever the volume; the position carries over exactly.
        await continueAsNew<typeof streamSync>(task, position);
      }
    }
  }

  try {
    if (task.window) {
      while (position.windowFrom! < task.window.to) {
        const window = windowAt(position.windowFrom!, task);
        await readPages(window);
        // Only now is every page of the window written: the bookmark may move past it.
        await commitBookmark({ stream: task.stream, cursor: window.to, syncId: task.syncId });
        position.windowFrom = window.to;
        position.page = {};
        position.pageInWindow = 0;
        position.windowsDone++;
        showDetails();
        if (workflowInfo().continueAsNewSuggested && position.windowFrom < task.window.to) {
          await continueAsNew<typeof streamSync>(task, position);
        }
      }
      status = 'completed';
      showDetails();
      return { stream: task.stream, status, records: position.records, pages: position.pages, bookmark: position.windowFrom };
    }
    await readPages(undefined);
    const removed = await completeFullRefresh({ stream: task.stream, syncId: task.syncId });
    status = 'completed';
    showDetails();
    return { stream: task.stream, status, records: position.records, pages: position.pages, removed };
  } catch (err) {
    const cause = err instanceof ActivityFailure ? err.cause : undefined;
    if (cause instanceof ApplicationFailure && STREAM_UNAVAILABLE.includes(cause.type as never) && !task.strict) {
      status = 'skipped';
      const reason = unreadableReason(cause.type === FAILURE.not_found ? 404 : 403, task.permission);
      const warning = `${task.stream} skipped: ${reason} (${cause.message}); set strict to fail instead.`;
      setCurrentDetails(`**${task.stream}** · skipped · ${warning}`);
      return { stream: task.stream, status: 'skipped', records: position.records, pages: position.pages, warning };
    }
    status = isCancellation(err) ? 'cancelled' : 'failed';
    showDetails();
    throw err;
  }
}

function countWindows(task: StreamTask): number {
  let count = 0;
  for (let from = task.window!.from; from < task.window!.to; from = windowAt(from, task).to) count++;
  return count;
}
