import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { DatadogClient } from '../datadog/client';
import { pageFromResponse, pageRequest, readChildPage, type PageAt, type PageRead } from '../datadog/pages';
import { getStream, tableSpec } from '../datadog/streams/table';
import type { StreamDef } from '../datadog/streams/types';
import type { Destination, PreparedPage } from '../destinations/destination';
import { FAILURE } from '../shared/failure-types';
import type { FetchPageInput, PageSummary } from '../workflows/types';
import type { ActivityDeps } from './deps';
import { toFailure } from './failures';
import { withHeartbeat } from './heartbeat';
import { recordFailureMetrics, recordPageMetrics, recordRetryMetrics } from './metrics';
import { ReadAhead, roomToReadAhead } from './read-ahead';
import { DEFAULT_FETCH_RETRY, RetryBudget, type FetchRetryPolicy } from './retry-budget';

export function describePage(input: Pick<FetchPageInput, 'stream' | 'window' | 'pageNumber'>): string {
  const window = input.window ? ` · ${new Date(input.window.from).toISOString()}→${new Date(input.window.to).toISOString()}` : '';
  return `${input.stream}${window} · page ${input.pageNumber}`;
}

/** A page read and prepared for its write. */
interface ReadyPage {
  read: PageRead;
  prepared: PreparedPage;
}

/**
 * One page of a stream that has its own pages: the answer read ahead for it when there is one, else
 * sent now. Once its body is in, the next page of the same window is read ahead (read-ahead.ts).
 */
async function readOwnPage(
  client: DatadogClient,
  def: StreamDef,
  at: PageAt,
  { destination, readAhead }: { destination: Destination; readAhead: ReadAhead },
  signal: AbortSignal,
): Promise<ReadyPage> {
  const table = tableSpec(def);
  const request = pageRequest(def, at);
  const early = readAhead.take(client, request, signal);
  const read = pageFromResponse(def, at, await (early?.response ?? client.send(request, { signal })));
  if (read.nextPage && def.method === 'GET' && roomToReadAhead(read.rateLimit)) {
    const next = { ...at, page: read.nextPage };
    readAhead.start(client, pageRequest(def, next), (response) => {
      const ahead = pageFromResponse(def, next, response);
      return destination.prepare(table, ahead.records, { yielding: true, json: ahead.json });
    });
  }
  const prepared = (await early?.prepared) ?? (await destination.prepare(table, read.records, { json: read.json }));
  return { read, prepared };
}

/** One page of a dependent stream (a page of parents, a request each), prepared for its write. */
async function readDependentPage(client: DatadogClient, def: StreamDef, at: PageAt, destination: Destination, signal: AbortSignal): Promise<ReadyPage> {
  const read = await readChildPage((request, options) => client.send(request, options), def, at, signal);
  if (read.parentsGone) {
    log.warn(`${def.name}: ${read.parentsGone.length} ${def.parent!.stream} record(s) listed on this page were deleted before they could be read`, {
      parents: read.parentsGone,
    });
  }
  return { read, prepared: await destination.prepare(tableSpec(def), read.records) };
}

/** fetchPage's dependencies: the common ones, and how it retries a failing page. */
export function createFetchPageActivities({ datadog, destination, fetchRetry, readAhead = new ReadAhead() }: ActivityDeps) {
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
        const def = getStream(input.stream, input.timeseriesQuery ? [input.timeseriesQuery] : []);
        const at: PageAt = { window: input.window, since: input.since, page: input.page, pageSize: input.pageSize, search: input.search };
        return await withHeartbeat(
          async (signal) => {
            const client = datadog(input.site);
            const { read, prepared } = def.parent
              ? await readDependentPage(client, def, at, destination, signal)
              : await readOwnPage(client, def, at, { destination, readAhead }, signal);
            await destination.writePage(prepared, input.syncId);
            recordPageMetrics(input.stream, { records: read.records.length, bytes: read.bytes });
            const { remaining, reset, limit, period, name } = read.rateLimit ?? {};
            return {
              recordCount: read.records.length,
              nextPage: read.nextPage,
              rateLimit: read.rateLimit ? { remaining, reset, limit, period, name } : undefined,
            };
          },
          { details: () => ledger },
        );
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
