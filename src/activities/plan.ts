import { parseDuration } from '../config/duration';
import { parseSyncRequest, queryDefinitions, selectedStreams, streamLookback, streamSearch } from '../config/request';
import { DatadogApiError } from '../datadog/errors';
import type { Send } from '../datadog/client';
import { checkApiKey, checkApplicationKey } from '../datadog/keys';
import { effectivePageSize } from '../datadog/pagination';
import { sinceFor } from '../datadog/request';
import { getStream, tableSpec } from '../datadog/streams/table';
import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { FAILURE } from '../shared/failure-types';
import { defaultParallelStreams } from '../workflows/buckets';
import type { StreamTask, SyncPlan } from '../workflows/types';
import type { ActivityDeps } from './deps';
import { toFailure } from './failures';

/** Incremental streams without a bookmark or start_date read this far back. */
export const DEFAULT_HISTORY_MS = 7 * 86_400_000;

export function createPlanActivities({ datadog, destination, now = Date.now }: ActivityDeps) {
  /** Checks both keys (datadog/keys.ts): only a 401 or 403 fails the sync at once; other faults are retried. */
  async function checkKeys(site: Parameters<ActivityDeps['datadog']>[0]): Promise<void> {
    const client = datadog(site);
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
      await checkKeys(request.site);
      const current = now();
      const lag = parseDuration(request.lag);
      // A run started by a Schedule reads up to its scheduled time, so a backfill walks history in steps.
      const end = Math.min(current - lag, request.end_date ? Date.parse(request.end_date) : Infinity, input.scheduledAt ?? Infinity);
      const start = request.start_date ? Date.parse(request.start_date) : current - DEFAULT_HISTORY_MS;
      const tasks: StreamTask[] = [];
      const queries = queryDefinitions(request);
      for (const name of selectedStreams(request)) {
        const def = getStream(name, queries);
        const timeseriesQuery = queries.find((q) => q.name === name);
        await destination.ensureTable(tableSpec(def));
        const common = {
          syncId: input.syncId,
          stream: name,
          site: request.site,
          // A dependent stream's pages are pages of its parent, a few parents at a time.
          pageSize: def.parent
            ? Math.min(def.parent.batchSize, effectivePageSize(getStream(def.parent.stream).pagination, request.max_records_per_request))
            : effectivePageSize(def.pagination, request.max_records_per_request),
          search: streamSearch(request, name),
          ...(def.since ? { since: sinceFor(def, current) } : {}),
          permission: def.permission,
          // Endpoints the table names no shared bucket for are taken to have one each: started side by side.
          rateLimitBucket: def.rateLimitBucket ?? def.path,
          strict: request.strict,
          ...(timeseriesQuery ? { timeseriesQuery } : {}),
        };
        if (!def.window) {
          tasks.push({ ...common, mode: 'full_refresh' });
          continue;
        }
        const bookmark = await destination.readBookmark(name);
        // Datadog indexes (and revises) records after their own time: each run reads the stream's
        // lookback before its bookmark again, never before start_date.
        let from = bookmark ? Math.max(bookmark.cursor - streamLookback(request, def), request.start_date ? start : -Infinity) : start;
        let to = end;
        if (timeseriesQuery) {
          // Windows that start and end on multiples of the interval never split one point between two reads.
          from = Math.floor(from / timeseriesQuery.interval) * timeseriesQuery.interval;
          to = Math.floor(to / timeseriesQuery.interval) * timeseriesQuery.interval;
        }
        tasks.push({ ...common, mode: 'incremental', window: { from, to, size: parseDuration(request.window_size) } });
      }
      await destination.recordSync({ syncId: input.syncId, status: 'running' });
      const since = request.start_date ? ` · since ${request.start_date.slice(0, 10)}` : '';
      return {
        tasks,
        summary: `Datadog sync · ${tasks.length} stream${tasks.length === 1 ? '' : 's'} · ${request.site}${since}`,
        maxParallelStreams: request.max_parallel_streams ?? defaultParallelStreams(tasks),
      };
    },
  };
}
