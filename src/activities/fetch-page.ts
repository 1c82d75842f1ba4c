import { extractRecords } from '../datadog/page';
import { getPath } from '../datadog/paths';
import { nextPageState } from '../datadog/pagination';
import { buildPageRequest } from '../datadog/request';
import { getStream } from '../datadog/streams/table';
import type { FetchPageInput, PageSummary } from '../workflows/types';
import type { ActivityDeps } from './deps';
import { toFailure } from './failures';
import { withHeartbeat } from './heartbeat';

export function describePage(input: Pick<FetchPageInput, 'stream' | 'window' | 'pageNumber'>): string {
  const window = input.window ? ` · ${new Date(input.window.from).toISOString()}→${new Date(input.window.to).toISOString()}` : '';
  return `${input.stream}${window} · page ${input.pageNumber}`;
}

export function createFetchPageActivities({ datadog, destination }: ActivityDeps) {
  return {
    /**
     * Fetches one page, writes its records to the destination (idempotently, by primary key) and
     * returns only a summary. Records never leave this activity.
     */
    async fetchPage(input: FetchPageInput): Promise<PageSummary> {
      const def = getStream(input.stream);
      try {
        return await withHeartbeat(async (signal) => {
          const request = buildPageRequest(def, { window: input.window, page: input.page, pageSize: input.pageSize, query: input.query });
          const response = await datadog(input.site).send(request, { signal });
          const records = extractRecords(def, response.body);
          await destination.writePage(def, records, input.syncId);
          let maxCursor: number | undefined;
          if (def.window) {
            for (const record of records) {
              const time = Date.parse(String(getPath(record, def.window.cursorField)));
              if (!Number.isNaN(time) && (maxCursor === undefined || time > maxCursor)) maxCursor = time;
            }
          }
          const { remaining, reset, limit, name } = response.rateLimit ?? {};
          return {
            records: records.length,
            bytes: response.bytes,
            nextPage: nextPageState(def.pagination, input.page, response.body, records.length, input.pageSize),
            maxCursor,
            rateLimit: response.rateLimit ? { remaining, reset, limit, name } : undefined,
          };
        });
      } catch (err) {
        throw toFailure(err, describePage(input));
      }
    },
  };
}
