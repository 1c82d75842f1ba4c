/**
 * Values that cross Temporal: workflow inputs and results, activity inputs and results, query
 * answers. All small, all JSON; never a record, never a secret.
 */
import type { DatadogSite } from '../config/sites';
import type { PageState } from '../datadog/pagination';
import type { Window } from '../datadog/request';
import type { QueryDefinition } from '../datadog/streams/types';
import type { RateLimitInfo } from '../shared/rate-limit';
import type { OutageState } from './outage';
import type { PacingState } from './pacing';

export type { PageState, Window };

/** What every stream task carries, whatever its mode. */
interface StreamTaskBase {
  syncId: string;
  /** The Datadog organisation read; its keys are the worker's. */
  organization: string;
  stream: string;
  site: DatadogSite;
  pageSize: number;
  /** The stream's search filter, for streams that take one. */
  search?: string;
  /** The Datadog permission the stream's endpoint needs, for messages when it is refused. */
  permission: string;
  /** The endpoint serves parent-level organisations only, for messages when it is refused. */
  parentOrgOnly?: boolean;
  /** A stream with a fan-out: the values of its parameter it reads, one per request (config or the row's defaults). */
  fanOutValues?: string[];
  /** Streams with `since` in their row: the time they ask from (epoch ms), fixed when the sync was planned. */
  since?: number;
  /** Fail instead of skipping when the stream is not readable (403/404). */
  strict: boolean;
  /** How long the stream may wait, in all, for Datadog or the destination to come back. */
  maxOutageMs: number;
  /** Set for a timeseries query stream: the query it reads (no secret in it). */
  timeseriesQuery?: QueryDefinition;
  /** The Datadog rate-limit bucket its requests count against, as the stream table knows it (buckets.ts). */
  rateLimitBucket?: string;
  /**
   * A dependent or derived stream: the stream of this sync whose table it reads its parents (or
   * source records) from. It starts once that stream has completed, and is skipped if it did not.
   */
  after?: string;
  /** A dependent stream with `refreshAfter`: how old (ms) what was read for a parent may grow before it is read again. */
  refreshMs?: number;
}

/**
 * A stream read by time: [from, to) in windows of `size` ms, each ending on a multiple of `size`;
 * or, with `calendarMonths`, one calendar month per window (endpoints precise to the month).
 */
export interface IncrementalTask extends StreamTaskBase {
  mode: 'incremental';
  window: Window & { size: number; calendarMonths?: boolean };
}

/** A stream read whole each time; rows no longer listed are removed at the end. */
export interface FullRefreshTask extends StreamTaskBase {
  mode: 'full_refresh';
}

/** One stream's share of a sync, as planned by `planSync` and run by a `streamSync` child. */
export type StreamTask = IncrementalTask | FullRefreshTask;

export interface SyncPlan {
  organization: string;
  tasks: StreamTask[];
  /** One line for the Web UI. */
  summary: string;
  maxParallelStreams: number;
  /** The request's max_outage, for the sync's own activities (its record of the run). */
  maxOutageMs: number;
  /**
   * Streams to reset before any is read (the request's `full_refresh`); planned from `start_date`
   * already. Absent when there are none, so syncs that ask for none schedule nothing more.
   */
  reset?: ResetRequest;
}

/** Streams whose bookmarks (and, with `dropRows`, rows) a sync forgets before reading them. */
export interface ResetRequest {
  /** The organisation whose bookmarks and rows are forgotten; DEFAULT_ORGANIZATION unless given. */
  organization?: string;
  streams: string[];
  dropRows: boolean;
}

/** A `streamSync` child's durable position, carried across continue-as-new. */
export interface StreamPosition {
  /** Start of the window being read (incremental streams). */
  windowFrom?: number;
  page: PageState;
  /** Pages read in the current window. */
  pageInWindow: number;
  pages: number;
  records: number;
  windowsDone: number;
  /** What the stream knows about its rate-limit bucket. */
  pacing?: PacingState;
  /** Set while the stream waits for Datadog or the destination to come back. */
  outage?: OutageState;
  /**
   * Set while the current window is read in parts because a full answer split it: the ends of the
   * part being read and of the parts after it, ascending (the last part ends where the window does).
   */
  splitEnds?: number[];
  /** What pages said the run must report (a cap Datadog applies silently, reached), each once. */
  warnings?: string[];
}

export type StreamStatus = 'pending' | 'running' | 'completed' | 'skipped' | 'failed' | 'cancelled';

export interface StreamProgress {
  stream: string;
  status: StreamStatus;
  records: number;
  pages: number;
  /** The window being read, for incremental streams. */
  window?: Window;
  windowsDone?: number;
  windowsTotal?: number;
  /** Where the stream's bookmark stands (epoch ms). */
  bookmark?: number;
  message?: string;
}

export interface StreamResult {
  stream: string;
  status: 'completed' | 'skipped';
  records: number;
  pages: number;
  bookmark?: number;
  /** Rows removed by a full refresh because they are gone upstream. */
  removed?: number;
  warning?: string;
}

export interface SyncResult {
  syncId: string;
  status: 'completed' | 'failed';
  streams: StreamProgress[];
  records: number;
  warnings: string[];
}

/** What `fetchPage` is asked for: one page of one stream. */
export interface FetchPageInput {
  syncId: string;
  /** Absent in inputs scheduled before there were several organisations: the default one. */
  organization?: string;
  stream: string;
  site: DatadogSite;
  window?: Window;
  /** The stream's planned `since` time (StreamTask.since). */
  since?: number;
  page: PageState;
  pageSize: number;
  search?: string;
  /** The stream's fan-out values (StreamTask.fanOutValues). */
  fanOutValues?: string[];
  /** 1-based page number within the window, for messages. */
  pageNumber: number;
  /** Set for a timeseries query stream: the query it reads. */
  timeseriesQuery?: QueryDefinition;
  /** The stream's planned `refreshMs` (StreamTask.refreshMs). */
  refreshMs?: number;
}

/** What `fetchPage` returns: a summary, never the records themselves. */
export interface PageSummary {
  /** Records the page held, and wrote. */
  recordCount: number;
  nextPage: PageState | null;
  /** The rate-limit headers of the page's (last) response; the stream paces on them. */
  rateLimit?: RateLimitInfo;
  /**
   * The answer held the most one call returns, so nothing was written: read the window as
   * [from, splitAt) and [splitAt, to) instead.
   */
  splitAt?: number;
  /** What the run must report about this page (a cap Datadog applies silently, reached). */
  warnings?: string[];
}
