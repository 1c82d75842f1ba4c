import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { DatadogClient } from '../datadog/client';
import type { ApiRequest } from '../datadog/request';
import { pageFromResponse, pageRequest, type PageAt, type PageRead } from '../datadog/pages';
import { getStream, tableSpec } from '../datadog/streams/table';
import type { StreamDef } from '../datadog/streams/types';
import type { Destination, PreparedPage } from '../destinations/destination';
import { FAILURE } from '../shared/failure-types';
import { DEFAULT_ORGANIZATION } from '../shared/organization';
import type { FetchPageInput, PageSummary } from '../workflows/types';
import type { ActivityDeps } from './deps';
import { toFailure } from './failures';
import { writeDependentPage, writeDerivedPage } from './dependent-pages';
import { withHeartbeat } from './heartbeat';
import { recordFailureMetrics, recordPageMetrics, recordRetryMetrics } from './metrics';
import { ReadAhead, roomToReadAhead, type AheadLink, type WrittenAhead } from './read-ahead';
import { DEFAULT_FETCH_RETRY, RetryBudget, type FetchRetryPolicy } from './retry-budget';

export function describePage(input: Pick<FetchPageInput, 'stream' | 'window' | 'pageNumber'>): string {
  const window = input.window ? ` · ${new Date(input.window.from).toISOString()}→${new Date(input.window.to).toISOString()}` : '';
  return `${input.stream}${window} · page ${input.pageNumber}`;
}

/** A page read and prepared for its write; nothing to write when its window is to be split (`read.splitAt`). */
interface ReadyPage {
  read: PageRead;
  prepared?: PreparedPage;
  /** The page's write, when the fetchPage before it started it. */
  written?: WrittenAhead;
  /** The request for the page after it, when that is being read ahead. */
  next?: ApiRequest;
}

/**
 * One page of a stream that has its own pages: the answer read ahead for it when there is one, else
 * sent now. Once its body is in, the pages after it in the same window are read ahead (read-ahead.ts).
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
  /** The request for the page after `read` (at `from`), while the window has one and the bucket room. */
  const after = (from: PageAt, page: PageRead): AheadLink | undefined => {
    if (!page.nextPage || def.method !== 'GET' || page.splitAt !== undefined || !roomToReadAhead(page.rateLimit)) return undefined;
    const next = { ...from, page: page.nextPage };
    return {
      request: pageRequest(def, next),
      follow: (response) => {
        const ahead = pageFromResponse(def, next, response);
        // A full answer is not written (its window is read again in halves), so neither prepared nor written ahead.
        const prepared = ahead.splitAt === undefined ? destination.prepare(table, ahead.records, { yielding: true, json: ahead.json }) : Promise.resolve(undefined);
        return { prepared, next: after(next, ahead) };
      },
    };
  };
  const link = after(at, read);
  if (link) readAhead.start(client, chainOf(def, at), link);
  if (read.splitAt !== undefined) return { read };
  const prepared = (await early?.prepared) ?? (await destination.prepare(table, read.records, { json: read.json }));
  return { read, prepared, written: early?.written, next: link?.request };
}

/**
 * Writes a page of a stream's own: unless the fetchPage before it already did for the same sync.
 * Then it starts writing the next page, when that is read ahead, so that page's write goes on
 * while this page's result travels to the workflow and its fetchPage comes back.
 */
async function writeOwnPage(
  client: DatadogClient,
  { prepared, written, next }: ReadyPage & { prepared: PreparedPage },
  { destination, readAhead }: { destination: Destination; readAhead: ReadAhead },
  syncId: string,
  organization: string,
): Promise<void> {
  const writer = `${syncId} ${organization}`;
  // Another sync's write of the same page is waited for too, so that this sync's rows are the last written.
  const writtenAhead = written !== undefined && (await written.done) && written.writer === writer;
  if (!writtenAhead) await destination.writePage(prepared, syncId, organization);
  if (next) readAhead.writeAhead(client, next, writer, (page) => destination.writePage(page, syncId, organization));
}

/** The pages of one stream's window (with its query): what reads ahead together. */
function chainOf(def: StreamDef, at: PageAt): string {
  return `${def.name} ${at.window?.from}-${at.window?.to} ${at.search ?? ''}`;
}

/** Parents earlier attempts of this page wrote, and their records, from the heartbeat details. */
function parentsDoneBefore(details: unknown): { keys: Set<string>; records: number } {
  const { parentsDone: done, parentRecords } = (details as { parentsDone?: unknown; parentRecords?: unknown } | undefined) ?? {};
  const keys = new Set(Array.isArray(done) ? done.filter((key): key is string => typeof key === 'string') : []);
  return { keys, records: keys.size > 0 && typeof parentRecords === 'number' ? parentRecords : 0 };
}

/** fetchPage's dependencies: the common ones, and how it retries a failing page. */
export function createFetchPageActivities({ datadog, destination, fetchRetry, readAhead = new ReadAhead(), now = Date.now }: ActivityDeps) {
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
      // A dependent page's parents already written: a retry asks Datadog only for the others.
      const before = parentsDoneBefore(heartbeatDetails);
      const parentsDone = before.keys;
      let parentRecords = before.records;
      const details = () => (parentsDone.size > 0 ? { ...ledger, parentsDone: [...parentsDone], parentRecords } : ledger);
      const spent = budget.spent(describePage(input));
      if (spent) throw spent;
      recordRetryMetrics(input.stream);
      try {
        const def = getStream(input.stream, input.timeseriesQuery ? [input.timeseriesQuery] : []);
        const at: PageAt = { window: input.window, since: input.since, page: input.page, pageSize: input.pageSize, search: input.search, fanOutValues: input.fanOutValues };
        return await withHeartbeat(
          async (signal) => {
            const organization = input.organization ?? DEFAULT_ORGANIZATION;
            const client = datadog(input.site, organization);
            let page: Pick<PageRead, 'nextPage' | 'bytes' | 'rateLimit' | 'warnings' | 'splitAt'> & { records: number };
            if (def.parent || def.derivedFrom) {
              const context = {
                client,
                destination,
                syncId: input.syncId,
                organization,
                now: now(),
                refreshMs: input.refreshMs,
                signal,
                done: parentsDone,
                recordsDone: before.records,
                parentWritten: (key: string, records: number) => {
                  parentsDone.add(key);
                  parentRecords += records;
                  Context.current().heartbeat(details());
                },
              };
              page = def.parent ? await writeDependentPage(def, at, context) : await writeDerivedPage(def, at, context);
            } else {
              const ready = await readOwnPage(client, def, at, { destination, readAhead }, signal);
              const { read, prepared } = ready;
              // A full answer of an endpoint without paging may lack records: its window is read again in halves, which hold all it held.
              if (prepared) await writeOwnPage(client, { ...ready, prepared }, { destination, readAhead }, input.syncId, organization);
              page = { ...read, records: prepared ? read.records.length : 0 };
            }
            recordPageMetrics(input.stream, { records: page.records, bytes: page.bytes });
            const { remaining, reset, limit, period, name } = page.rateLimit ?? {};
            for (const warning of page.warnings ?? []) log.warn(warning);
            return {
              recordCount: page.records,
              nextPage: page.nextPage,
              rateLimit: page.rateLimit ? { remaining, reset, limit, period, name } : undefined,
              ...(page.splitAt !== undefined ? { splitAt: page.splitAt } : {}),
              ...(page.warnings?.length ? { warnings: page.warnings } : {}),
            };
          },
          { details },
        );
      } catch (err) {
        const failure = toFailure(err, describePage(input));
        const type = failure instanceof ApplicationFailure ? (failure.type ?? 'Error') : 'Cancelled';
        recordFailureMetrics(input.stream, type, type === FAILURE.rate_limited);
        throw budget.settle(failure, (next) => {
          ledger = next;
          Context.current().heartbeat(details());
        });
      }
    },
  };
}
