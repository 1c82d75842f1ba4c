import { ApplicationFailure } from '@temporalio/common';
import type { Activities } from '../../src/activities';
import type { RateLimitInfo } from '../../src/shared/rate-limit';
import type { FetchPageInput, PageSummary, StreamTask, SyncPlan } from '../../src/workflows/types';

/** What a fake Datadog holds for one stream: pages per window (or in all, for a full refresh). */
export interface FakeStream {
  pages: number;
  recordsPerPage?: number;
  /** Answers the page with this failure instead (e.g. a 403). */
  fail?: (input: FetchPageInput) => ApplicationFailure | undefined;
  /** Rate-limit headers the page's response carries. */
  rateLimit?: (input: FetchPageInput) => RateLimitInfo | undefined;
  /**
   * For a stream whose full answers split their window: where to split this page's window (nothing
   * written), or undefined to answer it. Its log lines then name the window's end too.
   */
  split?: (input: FetchPageInput) => number | undefined;
  /** Records the page holds, instead of `recordsPerPage`. */
  records?: (input: FetchPageInput) => number;
}

/**
 * Activities with the real names and shapes, answering from memory, and a log of every call in the
 * order the workflows made them: `page logs@<window from> #<page>`, `bookmark logs <cursor>`, …
 */
export function fakeActivities(plan: SyncPlan, streams: Record<string, FakeStream>): { activities: Partial<Activities>; log: string[] } {
  const log: string[] = [];
  /** Pages already answered: a workflow that asks for one again after it was written has lost its position. */
  const answered = new Set<string>();
  const activities = {
    async planSync(): Promise<SyncPlan> {
      return plan;
    },
    async fetchPage(input: FetchPageInput): Promise<PageSummary> {
      const stream = streams[input.stream];
      const offset = input.page.offset ?? 0;
      const window = input.window ? `@${input.window.from}${stream.split ? `-${input.window.to}` : ''}` : '';
      const page = `page ${input.stream}${window} #${offset + 1}`;
      log.push(page);
      const failure = stream.fail?.(input);
      if (failure) throw failure;
      const splitAt = stream.split?.(input);
      if (splitAt !== undefined) return { recordCount: 0, nextPage: null, splitAt, rateLimit: stream.rateLimit?.(input) };
      if (answered.has(page)) throw ApplicationFailure.nonRetryable(`${page} was asked for twice`, 'PageReadTwice');
      answered.add(page);
      return {
        recordCount: stream.records?.(input) ?? stream.recordsPerPage ?? 10,
        nextPage: offset + 1 < stream.pages ? { offset: offset + 1 } : null,
        rateLimit: stream.rateLimit?.(input),
      };
    },
    async commitBookmark(input: { stream: string; cursor: number }): Promise<void> {
      log.push(`bookmark ${input.stream} ${input.cursor}`);
    },
    async completeFullRefresh(input: { stream: string }): Promise<number> {
      log.push(`complete ${input.stream}`);
      return 0;
    },
    async resetStreams(input: { streams: string[]; dropRows: boolean }): Promise<[]> {
      log.push(`reset ${input.streams.join(',')}${input.dropRows ? ' dropping rows' : ''}`);
      return [];
    },
    async recordSync(input: { status: string }): Promise<void> {
      log.push(`sync ${input.status}`);
    },
  };
  return { activities, log };
}

/** A plan of tasks for the fake activities to hand the parent workflow. */
export function fakePlan(tasks: StreamTask[], maxParallelStreams = 4): SyncPlan {
  return { organization: 'default', tasks, summary: `test sync · ${tasks.length} streams`, maxParallelStreams, maxOutageMs: 6 * 3_600_000 };
}

const base = { syncId: 'sync-1', organization: 'default', site: 'datadoghq.com' as const, pageSize: 10, strict: false, maxOutageMs: 6 * 3_600_000 };

export function fullRefreshTask(stream: string, extra: Partial<StreamTask> = {}): StreamTask {
  return { ...base, stream, permission: `${stream}_read`, mode: 'full_refresh', ...extra } as StreamTask;
}

export function incrementalTask(stream: string, window: { from: number; to: number; size: number }, extra: Partial<StreamTask> = {}): StreamTask {
  return { ...base, stream, permission: `${stream}_read`, mode: 'incremental', window, ...extra } as StreamTask;
}
