import { parseDuration } from '../config/duration';
import { parseSyncRequest, queryDefinitions, selectedStreams, streamFanOut, streamLookback, streamSearch } from '../config/request';
import { DatadogApiError } from '../datadog/errors';
import type { Send } from '../datadog/client';
import { checkApiKey, checkApplicationKey } from '../datadog/keys';
import { effectivePageSize } from '../datadog/pagination';
import { sinceFor } from '../datadog/request';
import { getStream, tableSpec, upstreamOf } from '../datadog/streams/table';
import type { QueryDefinition } from '../datadog/streams/types';
import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { FAILURE } from '../shared/failure-types';
import { defaultParallelStreams } from '../workflows/buckets';
import { organizationNote } from '../shared/organization';
import type { TimeWindow } from '../datadog/streams/types';
import { HOUR_MS, shiftMonths, startOfHour, startOfMonth } from '../shared/calendar';
import type { IncrementalTask, StreamTask, SyncPlan } from '../workflows/types';
import type { ActivityDeps } from './deps';
import { SOURCE_RECORDS_PER_PAGE } from './dependent-pages';
import { toFailure } from './failures';

/** Incremental streams without a bookmark or start_date read this far back. */
export const DEFAULT_HISTORY_MS = 7 * 86_400_000;

/**
 * Fits an incremental stream's range [from, to) to what its endpoint serves: nothing older than its
 * retention (`retainedFrom` says when that moved `from`); whole hours for endpoints precise to the
 * hour; calendar months for those precise to the month (the last one read to date: a month-precise
 * endpoint returns the month so far); windows no longer than one request may span.
 */
export function fitRange(
  window: Pick<TimeWindow, 'unit' | 'maxSpan' | 'retentionMonths'>,
  range: { from: number; to: number; size: number },
  now: number,
): { window: IncrementalTask['window']; retainedFrom?: number } {
  let { from, to, size } = range;
  let earliest: number | undefined;
  if (window.retentionMonths !== undefined) {
    const limit = shiftMonths(now, -window.retentionMonths);
    earliest = window.unit === 'month' ? startOfMonth(limit) : window.unit === 'hour' ? startOfHour(limit + HOUR_MS - 1) : limit;
  }
  if (window.unit === 'hour') {
    from = startOfHour(from);
    to = startOfHour(to);
    size = Math.max(HOUR_MS, startOfHour(size));
  }
  if (window.unit === 'month') from = startOfMonth(from);
  if (window.maxSpan !== undefined) size = Math.min(size, parseDuration(window.maxSpan));
  const retainedFrom = earliest !== undefined && earliest > from ? earliest : undefined;
  const fitted: IncrementalTask['window'] = { from: retainedFrom ?? from, to, size };
  if (window.unit === 'month') fitted.calendarMonths = true;
  return { window: fitted, ...(retainedFrom !== undefined ? { retainedFrom } : {}) };
}

/**
 * The streams a sync runs, in the order it starts them: the selected ones, each dependent or derived
 * stream's parent too (its table is where the parents come from, and only a sync of it in the same
 * run keeps that list current), and the streams that wait for a parent after all the others.
 */
export function withUpstreams(selected: readonly string[], queries: readonly QueryDefinition[] = []): string[] {
  const names: string[] = [];
  const add = (name: string) => {
    if (names.includes(name)) return;
    const upstream = upstreamOf(getStream(name, queries));
    if (upstream) add(upstream);
    names.push(name);
  };
  selected.forEach(add);
  const depth = (name: string): number => {
    const upstream = upstreamOf(getStream(name, queries));
    return upstream ? 1 + depth(upstream) : 0;
  };
  // Stable: within one depth, the order of selection.
  return names.map((name, i) => ({ name, i, depth: depth(name) })).sort((a, b) => a.depth - b.depth || a.i - b.i).map((e) => e.name);
}

export function createPlanActivities({ datadog, destination, now = Date.now }: ActivityDeps) {
  /** Checks both keys (datadog/keys.ts): only a 401 or 403 fails the sync at once; other faults are retried. */
  async function checkKeys(site: Parameters<ActivityDeps['datadog']>[0], organization: string): Promise<void> {
    let client;
    try {
      client = datadog(site, organization);
    } catch (err) {
      // No keys for that organisation in the worker's environment: say which variables to set.
      throw toFailure(err, `organization ${organization}`);
    }
    const send: Send = (request, options) => client.send(request, options);
    let api;
    try {
      api = await checkApiKey(send);
    } catch (err) {
      if (err instanceof DatadogApiError && (err.kind === 'network' || err.kind === 'timeout')) {
        // Retried (the network may come back), but with what to check if it does not.
        throw toFailure(err, `cannot reach Datadog at ${client.baseUrl} (site ${site}${client.baseUrl.includes(site) ? '' : ', DD_BASE_URL'}); check the worker's network and proxy settings`);
      }
      throw toFailure(err, 'checking the API key');
    }
    if (api.outcome === 'rejected') {
      throw ApplicationFailure.nonRetryable(
        `Datadog rejected the API key (DD_API_KEY) at ${client.baseUrl}: check the key and that it belongs to site ${site}`,
        FAILURE.invalidApiKey,
      );
    }
    let application;
    try {
      application = await checkApplicationKey(send);
    } catch (err) {
      throw toFailure(err, 'checking the application key');
    }
    if (application.outcome === 'rejected') {
      throw ApplicationFailure.nonRetryable(
        `Datadog rejected the application key (DD_APP_KEY) at ${client.baseUrl} (${application.detail}): check the key and that it belongs to the same organisation as the API key`,
        FAILURE.invalidAppKey,
      );
    }
    if (application.outcome === 'unchecked') {
      log.warn(`the application key (DD_APP_KEY) could not be checked at ${client.baseUrl}: ${application.detail}; going on, each stream will say whether it is readable`);
    }
  }

  return {
    /**
     * Validates the request, checks the keys, reads bookmarks and decides each stream's windows.
     * "Now" is read here, in an activity, so the workflow replays the same plan.
     */
    async planSync(input: { syncId: string; request: unknown; scheduledAt?: number }): Promise<SyncPlan> {
      let request;
      try {
        request = parseSyncRequest(input.request, now(), 'sync request');
      } catch (err) {
        throw toFailure(err, 'sync request');
      }
      await checkKeys(request.site, request.organization);
      const current = now();
      const lag = parseDuration(request.lag);
      // A run started by a Schedule reads up to its scheduled time, so a backfill walks history in steps.
      const end = Math.min(current - lag, request.end_date ? Date.parse(request.end_date) : Infinity, input.scheduledAt ?? Infinity);
      const start = request.start_date ? Date.parse(request.start_date) : current - DEFAULT_HISTORY_MS;
      const tasks: StreamTask[] = [];
      const queries = queryDefinitions(request);
      const selected = selectedStreams(request);
      const names = withUpstreams(selected, queries);
      const added = names.filter((name) => !selected.includes(name));
      if (added.length > 0) log.info(`also syncing ${added.join(', ')}: streams selected are read from their records`);
      for (const name of names) {
        const def = getStream(name, queries);
        const upstream = upstreamOf(def);
        const timeseriesQuery = queries.find((q) => q.name === name);
        await destination.ensureTable(tableSpec(def));
        const common = {
          syncId: input.syncId,
          organization: request.organization,
          stream: name,
          site: request.site,
          // A dependent stream's pages are its parents, a few at a time (a request each); a derived one's, its source records.
          pageSize: def.parent
            ? Math.min(def.parent.batchSize, request.max_records_per_request ?? Infinity)
            : def.derivedFrom
              ? Math.min(SOURCE_RECORDS_PER_PAGE, request.max_records_per_request ?? Infinity)
              : effectivePageSize(def.pagination, request.max_records_per_request),
          search: streamSearch(request, name),
          ...(def.since ? { since: sinceFor(def, current) } : {}),
          permission: def.permission,
          // Endpoints the table names no shared bucket for are taken to have one each: started side by side.
          rateLimitBucket: def.rateLimitBucket ?? def.path,
          ...(def.parentOrgOnly ? { parentOrgOnly: true } : {}),
          ...(def.fanOut ? { fanOutValues: streamFanOut(request, def) } : {}),
          strict: request.strict,
          maxOutageMs: parseDuration(request.max_outage),
          ...(timeseriesQuery ? { timeseriesQuery } : {}),
          ...(upstream ? { after: upstream } : {}),
          ...(def.parent?.refreshAfter ? { refreshMs: parseDuration(request.stream_options[name]?.refresh ?? def.parent.refreshAfter) } : {}),
        };
        if (!def.window) {
          tasks.push({ ...common, mode: 'full_refresh' });
          continue;
        }
        // A stream being reset is read from the start: its bookmark is forgotten before any page.
        const bookmark = request.full_refresh.includes(name) ? null : await destination.readBookmark(name, request.organization);
        // Datadog indexes (and revises) records after their own time: each run reads the stream's
        // lookback before its bookmark again, never before start_date.
        let from = bookmark ? Math.max(bookmark.cursor - streamLookback(request, def), request.start_date ? start : -Infinity) : start;
        let to = end;
        if (timeseriesQuery) {
          // Windows that start and end on multiples of the interval never split one point between two reads.
          from = Math.floor(from / timeseriesQuery.interval) * timeseriesQuery.interval;
          to = Math.floor(to / timeseriesQuery.interval) * timeseriesQuery.interval;
        }
        const fitted = fitRange(def.window, { from, to, size: parseDuration(request.window_size) }, current);
        if (fitted.retainedFrom !== undefined) {
          const months = def.window.retentionMonths;
          log.warn(`${name}: Datadog serves only the last ${months} month${months === 1 ? '' : 's'} of it: reading from ${new Date(fitted.retainedFrom).toISOString()}, not from ${new Date(from).toISOString()}`);
        }
        tasks.push({ ...common, mode: 'incremental', window: fitted.window });
      }
      await destination.recordSync({ syncId: input.syncId, organization: request.organization, status: 'running' });
      const since = request.start_date ? ` · since ${request.start_date.slice(0, 10)}` : '';
      const also = added.length > 0 ? ` · with ${added.join(', ')}` : '';
      return {
        organization: request.organization,
        tasks,
        summary: `Datadog sync · ${tasks.length} stream${tasks.length === 1 ? '' : 's'} · ${request.site}${organizationNote(request.organization)}${since}${also}`,
        maxParallelStreams: request.max_parallel_streams ?? defaultParallelStreams(tasks),
        maxOutageMs: parseDuration(request.max_outage),
        ...(request.full_refresh.length > 0 ? { reset: { organization: request.organization, streams: request.full_refresh, dropRows: request.full_refresh_drop_rows } } : {}),
      };
    },
  };
}
