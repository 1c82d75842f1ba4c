/**
 * Values that cross Temporal: workflow inputs and results, activity inputs and results, query
 * answers. All small, all JSON; never a record, never a secret.
 */
import type { DatadogSite } from '../config/sites';
import type { PageState } from '../datadog/pagination';
import type { Window } from '../datadog/request';
import type { QueryDefinition } from '../datadog/streams/types';
import type { RateLimitInfo } from '../shared/rate-limit';
import type { PacingState } from './pacing';

export type { PageState, Window };

/** What every stream task carries, whatever its mode. */
interface StreamTaskBase {
  syncId: string;
  stream: string;
  site: DatadogSite;
  pageSize: number;
  /** The stream's search filter, for streams that take one. */
  search?: string;
  /** The Datadog permission the stream's endpoint needs, for messages when it is refused. */
  permission: string;
  /** Streams with `since` in their row: the time they ask from (epoch ms), fixed when the sync was planned. */
  since?: number;
  /** Fail instead of skipping when the stream is not readable (403/404). */
  strict: boolean;
  /** Set for a timeseries query stream: the query it reads (no secret in it). */
  timeseriesQuery?: QueryDefinition;
  /** The Datadog rate-limit bucket its requests count against, as the stream table knows it (buckets.ts). */
  rateLimitBucket?: string;
}

/** A stream read by time: [from, to) in windows of `size` ms, each ending on a multiple of `size`. */
export interface IncrementalTask extends StreamTaskBase {
  mode: 'incremental';
  window: Window & { size: number };
}

/** A stream read whole each time; rows no longer listed are removed at the end. */
export interface FullRefreshTask extends StreamTaskBase {
  mode: 'full_refresh';
}

/** One stream's share of a sync, as planned by `planSync` and run by a `streamSync` child. */
export type StreamTask = IncrementalTask | FullRefreshTask;

export interface SyncPlan {
  tasks: StreamTask[];
  /** One line for the Web UI. */
  summary: string;
  maxParallelStreams: number;
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
  stream: string;
  site: DatadogSite;
  window?: Window;
  /** The stream's planned `since` time (StreamTask.since). */
  since?: number;
  page: PageState;
  pageSize: number;
  search?: string;
  /** 1-based page number within the window, for messages. */
  pageNumber: number;
  /** Set for a timeseries query stream: the query it reads. */
  timeseriesQuery?: QueryDefinition;
}

/** What `fetchPage` returns: a summary, never the records themselves. */
export interface PageSummary {
  /** Records the page held, and wrote. */
  recordCount: number;
  nextPage: PageState | null;
  /** The rate-limit headers of the page's (last) response; the stream paces on them. */
  rateLimit?: RateLimitInfo;
}
