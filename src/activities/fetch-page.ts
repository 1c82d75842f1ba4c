import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { DatadogClient } from '../datadog/client';
import type { Destination } from '../destinations/destination';
import { DatadogApiError } from '../datadog/errors';
import { extractRecords, type ApiRecord } from '../datadog/page';
import { getPath } from '../datadog/paths';
import { nextPageState, type PageState } from '../datadog/pagination';
import { buildPageRequest, parseTime } from '../datadog/request';
import { getStream, queryStreamDef } from '../datadog/streams/table';
import type { StreamDef } from '../datadog/streams/types';
import type { RateLimitInfo } from '../datadog/errors';
import type { FetchPageInput, PageSummary } from '../workflows/types';
import type { ActivityDeps } from './deps';
import { toFailure } from './failures';
import { withHeartbeat } from './heartbeat';
import { recordFailureMetrics, recordPageMetrics, recordRetryMetrics } from './metrics';
import { FAILURE } from '../workflows/failure-types';
import { DEFAULT_FETCH_RETRY, RetryBudget, type FetchRetryPolicy } from './retry-budget';

export function describePage(input: Pick<FetchPageInput, 'stream' | 'window' | 'pageNumber'>): string {
  const window = input.window ? ` · ${new Date(input.window.from).toISOString()}→${new Date(input.window.to).toISOString()}` : '';
  return `${input.stream}${window} · page ${input.pageNumber}`;
}

/** What one page produced, before it is summarised for the workflow. */
interface PageRead {
  records: ApiRecord[];
  bytes: number;
  nextPage: PageState | null;
  rateLimit?: RateLimitInfo;
}

/**
 * Whether the next page may be requested before the workflow asks for it: only while the bucket has
 * clearly more left than pacing keeps in reserve (at most a quarter of the limit), so reading ahead
 * never spends a request pacing would have held back.
 */
function roomToReadAhead(rateLimit: RateLimitInfo | undefined): boolean {
  const { remaining, limit } = rateLimit ?? {};
  return remaining !== undefined && limit !== undefined && remaining > Math.ceil(limit / 4) + 1;
}

/**
 * One page of a stream that has its own pages. Once its body is in, the request for the next page
 * of the same window is sent ahead (one page at most), so it travels while this page is written and
 * while Temporal schedules the next fetchPage, which then finds the answer waiting (on this worker).
 */
async function readPage(client: DatadogClient, def: StreamDef, input: FetchPageInput, signal: AbortSignal, destination: Destination): Promise<PageRead> {
  const pageRequest = (page: PageState) => buildPageRequest(def, { window: input.window, since: input.since, page, pageSize: input.pageSize, query: input.query });
  const response = await client.send(pageRequest(input.page), { signal });
  const records = extractRecords(def, response.body);
  const nextPage = nextPageState(def.pagination, input.page, response.body, records.length, input.pageSize);
  if (nextPage && def.method === 'GET' && roomToReadAhead(response.rateLimit)) {
    // When the next page arrives, its records are handed to the destination to convert while this
    // page is still being written. Its own fetchPage extracts the very same array from the same body
    // (for a list of records, extractRecords returns the body's own), so the destination finds it
    // converted; a page shaped otherwise is simply converted again at its write.
    client.readAhead(pageRequest(nextPage))?.then((next) => {
      try {
        destination.prewrite?.(def, extractRecords(def, next.body));
      } catch {
        // A malformed page: its own fetchPage meets the same error and reports it.
      }
    }, () => undefined);
  }
  return { records, bytes: response.bytes, nextPage, rateLimit: response.rateLimit };
}

/**
 * One page of a dependent stream: a page of its parent (e.g. a few SLOs), then one request per parent
 * for the current window. The page state is the parent's, so a retried page repeats only these parents.
 */
async function readChildPage(client: DatadogClient, def: StreamDef, input: FetchPageInput, signal: AbortSignal): Promise<PageRead> {
  const link = def.parent!;
  const parentDef = getStream(link.stream);
  const parentResponse = await client.send(buildPageRequest(parentDef, { page: input.page, pageSize: input.pageSize }), { signal });
  const parents = extractRecords(parentDef, parentResponse.body);
  const records: ApiRecord[] = [];
  let bytes = parentResponse.bytes;
  let rateLimit = parentResponse.rateLimit;
  for (const parent of parents) {
    const id = String(getPath(parent, link.key));
    const request = buildPageRequest(def, { window: input.window, page: {}, pageSize: 0, query: input.query, pathParams: { [link.pathParam]: id } });
    let response;
    try {
      response = await client.send(request, { signal });
    } catch (err) {
      // The parent was listed a moment ago: a 404 now means it was deleted since, not that the stream is unavailable.
      if (err instanceof DatadogApiError && err.kind === 'not_found') continue;
      throw err;
    }
    records.push(...extractRecords(def, response.body, { fields: { [link.field]: id } }));
    bytes += response.bytes;
    rateLimit = response.rateLimit ?? rateLimit;
  }
  return {
    records,
    bytes,
    nextPage: nextPageState(parentDef.pagination, input.page, parentResponse.body, parents.length, input.pageSize),
    rateLimit,
  };
}

/** fetchPage's dependencies: the common ones, and how it retries a failing page. */
export function createFetchPageActivities({ datadog, destination, fetchRetry }: ActivityDeps) {
  const retryPolicy: FetchRetryPolicy = { ...DEFAULT_FETCH_RETRY, ...fetchRetry };
  return {
    /**
     * Fetches one page, writes its records to the destination (idempotently, by primary key) and
     * returns only a summary. Records never leave this activity.
     */
    async fetchPage(input: FetchPageInput): Promise<PageSummary> {
      const { attempt, heartbeatDetails } = Context.current().info;
      const budget = new RetryBudget(attempt, heartbeatDetails, retryPolicy);
      let ledger = budget.ledger;
      const spent = budget.spent(describePage(input));
      if (spent) throw spent;
      recordRetryMetrics(input.stream);
      try {
        const def = input.queryStream ? queryStreamDef(input.queryStream) : getStream(input.stream);
        return await withHeartbeat(async (signal) => {
          const client = datadog(input.site);
          const page = def.parent ? await readChildPage(client, def, input, signal) : await readPage(client, def, input, signal, destination);
          await destination.writePage(def, page.records, input.syncId);
          let maxCursor: number | undefined;
          if (def.window) {
            for (const record of page.records) {
              const time = parseTime(getPath(record, def.window.cursorField), def.window.cursorUnit ?? 'iso');
              if (!Number.isNaN(time) && (maxCursor === undefined || time > maxCursor)) maxCursor = time;
            }
          }
          const { remaining, reset, limit, period, name } = page.rateLimit ?? {};
          recordPageMetrics(input.stream, { records: page.records.length, bytes: page.bytes });
          return {
            records: page.records.length,
            bytes: page.bytes,
            nextPage: page.nextPage,
            maxCursor,
            rateLimit: page.rateLimit ? { remaining, reset, limit, period, name } : undefined,
          };
        }, { details: () => ledger });
      } catch (err) {
        const failure = toFailure(err, describePage(input));
        const type = failure instanceof ApplicationFailure ? (failure.type ?? 'Error') : 'Cancelled';
        recordFailureMetrics(input.stream, type, type === FAILURE.rate_limited);
        throw budget.settle(failure, (next) => {
          ledger = next;
          Context.current().heartbeat(next);
        });
      }
    },
  };
}
