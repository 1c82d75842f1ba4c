/**
 * The v2 event-search family (logs, audit, events, RUM, spans): `filter[from]` inclusive,
 * `filter[to]` exclusive (default: the last 15 minutes), `filter[query]`, `sort`, and an opaque
 * cursor in `meta.page.after`, at most 1000 records a page.
 */
import type { Timed } from '../data';
import type { SearchRecord } from '../datasets/events';
import { decodeCursor, encodeCursor, Params, type Route } from '../http';
import type { SearchStream } from '../world';

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

function compare(a: { ts: number; id: string }, b: { ts: number; id: string }): number {
  return a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function searchRoute(stream: SearchStream): Route {
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

    let records: Timed<SearchRecord>[] = world.searchBetween(stream, from, to).filter((r) => matches(r.record, params.string('filter[query]')));
    const ascending = sort === 'timestamp';
    if (!ascending) records = [...records].reverse();
    let start = 0;
    if (cursor) {
      start = records.findIndex((r) => {
        const order = compare({ ts: r.ts, id: r.record.id }, cursor);
        return ascending ? order > 0 : order < 0;
      });
    }
    let page = start < 0 ? [] : records.slice(start, start + limit);
    // Like Datadog's time-partitioned search, a page may stop at a partition boundary and say so with a
    // cursor: a short page is not the end of the results.
    const size = world.searchPartitionMs;
    const partition = (r: Timed<SearchRecord>) => (size ? Math.floor(r.ts / size) : 0);
    const cut = page.findIndex((r) => partition(r) !== partition(page[0]));
    const truncated = cut > 0;
    if (truncated) page = page.slice(0, cut);
    const last = page[page.length - 1];
    // Like Datadog, a full page carries a cursor even when nothing follows: the next page is then empty.
    const after = last && (page.length === limit || truncated) ? encodeCursor({ ts: last.ts, id: last.record.id }) : undefined;
    const body: Record<string, unknown> = {
      data: page.map((r) => r.record),
      meta: { elapsed: 1, request_id: `sim-${now}`, status: 'done', ...(after ? { page: { after } } : {}) },
    };
    if (after) {
      const next = new URLSearchParams(req.query);
      next.set('page[cursor]', after);
      body.links = { next: `${req.baseUrl}${req.path}?${next.toString()}` };
    }
    return { status: 200, body };
  };
}
