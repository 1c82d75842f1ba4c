/**
 * The v2 event-search family (logs, audit, events, RUM, spans): `filter[from]` inclusive,
 * `filter[to]` exclusive (default: the last 15 minutes), `filter[query]`, `sort`, and an opaque
 * cursor in `meta.page.after`, at most 1000 records a page.
 */
import type { Timed } from '../data';
import type { SearchRecord } from '../datasets/events';
import { decodeCursor, encodeCursor, jsonText, Params, type Route } from '../http';
import { lowerBound, lowerBoundKey, upperBoundKey, type SortedRecords } from '../search-records';
import type { SearchStream, World } from '../world';

interface SearchCursor {
  ts: number;
  id: string;
}

const isCursor = (c: unknown): c is SearchCursor =>
  typeof c === 'object' && c !== null && typeof (c as SearchCursor).ts === 'number' && typeof (c as SearchCursor).id === 'string';

/** `service:web status:error` style queries: every term must match; `*` matches all. */
function matches(record: SearchRecord, query: string | null): boolean {
  if (!query || query.trim() === '*') return true;
  const attributes = record.attributes;
  return query
    .trim()
    .split(/\s+/)
    .every((term) => {
      const [key, value] = term.split(':', 2);
      if (value === undefined) {
        const text = String(attributes.message ?? attributes.resource_name ?? '');
        return text.includes(term);
      }
      return attributes[key] === value || attributes.tags.includes(term);
    });
}

export function searchRoute(stream: SearchStream): Route {
  return searchRouteOver((world) => world.searchIndex(stream));
}

/** Where a search route's records are: sorted by (time, id), and the end of what is visible now. */
export type SearchIndex = (world: World) => { records: SortedRecords; visibleBefore: number };

/**
 * The search family's route over any sorted records. `emptyPageCursor`: an empty page still carries
 * a cursor, as CI Visibility's does (recorded): only the empty page ends the results.
 */
export function searchRouteOver(index: SearchIndex, options: { emptyPageCursor?: boolean } = {}): Route {
  return (world, req) => {
    const params = new Params(req.query);
    const now = world.clock();
    const from = params.time('filter[from]', now - 15 * 60_000, now);
    const to = params.time('filter[to]', now, now);
    const limit = params.int('page[limit]', 10, { min: 1, max: 1000 });
    const sort = params.oneOf('sort', ['timestamp', '-timestamp'], '-timestamp');
    const cursorRaw = params.string('page[cursor]');
    const cursor = cursorRaw === null ? null : decodeCursor(cursorRaw, isCursor);
    if (cursorRaw !== null && !cursor) params.problems.push('page[cursor] is not a valid cursor');
    if (params.problems.length > 0) return { status: 400, body: { errors: params.problems } };

    // Positions [first, end) hold the records in the time filter; a page walks them from the cursor on,
    // in the order asked for, and builds only the records it returns.
    const { records, visibleBefore } = index(world);
    const first = lowerBound(records, from);
    const end = Math.max(first, lowerBound(records, Math.min(to, visibleBefore)));
    const ascending = sort === 'timestamp';
    let i = ascending ? (cursor ? Math.max(first, upperBoundKey(records, cursor)) : first) : (cursor ? Math.min(end, lowerBoundKey(records, cursor)) : end) - 1;
    const query = params.string('filter[query]');
    const everything = !query || query.trim() === '*';
    // Like Datadog's time-partitioned search, a page may stop at a partition boundary and say so with a
    // cursor: a short page is not the end of the results.
    const size = world.searchPartitionMs;
    const partition = (ts: number) => (size ? Math.floor(ts / size) : 0);
    const page: Timed<SearchRecord>[] = [];
    let truncated = false;
    for (; ascending ? i < end : i >= first; i += ascending ? 1 : -1) {
      const ts = records.time(i);
      const record = records.record(i);
      if (!everything && !matches(record, query)) continue;
      if (page.length > 0 && partition(ts) !== partition(page[0].ts)) {
        truncated = true;
        break;
      }
      page.push({ ts, record });
      if (page.length === limit) break;
    }
    const last = page[page.length - 1];
    // Like Datadog, a full page carries a cursor even when nothing follows: the next page is then empty.
    const after = last
      ? page.length === limit || truncated
        ? encodeCursor({ ts: last.ts, id: last.record.id })
        : undefined
      : options.emptyPageCursor
        ? encodeCursor(cursor ?? { ts: from, id: '' })
        : undefined;
    const meta = { elapsed: 1, request_id: `sim-${now}`, status: 'done', ...(after ? { page: { after } } : {}) };
    let links: { next: string } | undefined;
    if (after) {
      const next = new URLSearchParams(req.query);
      next.set('page[cursor]', after);
      links = { next: `${req.baseUrl}${req.path}?${next.toString()}` };
    }
    // Written as text here, record by record: a 1000-record page is serialised without a second walk.
    const text = `{"data":[${page.map((r) => JSON.stringify(r.record)).join(',')}],"meta":${JSON.stringify(meta)}${links ? `,"links":${JSON.stringify(links)}` : ''}}`;
    return jsonText(200, text);
  };
}
