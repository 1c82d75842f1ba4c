import { compareLogs, type StoredLog } from './data';
import type { World } from './world';

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The simulator's public base URL, for `links.next`. */
  baseUrl: string;
}

export interface SimResponse {
  status: number;
  body: unknown;
}

export type Route = (world: World, req: SimRequest) => SimResponse;

export function badRequest(...errors: string[]): SimResponse {
  return { status: 400, body: { errors } };
}

function intParam(query: URLSearchParams, name: string, fallback: number): number | string {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  return Number.isInteger(value) && value >= 0 ? value : `${name} must be a non-negative integer, got ${JSON.stringify(raw)}`;
}

function timeParam(query: URLSearchParams, name: string, fallback: number): number | string {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  return Number.isNaN(value) ? `${name} must be an ISO-8601 date-time or epoch milliseconds, got ${JSON.stringify(raw)}` : value;
}

/** `service:web status:error` style queries: every term must match; `*` matches all. */
function matchesQuery(log: StoredLog, query: string | null): boolean {
  if (!query || query.trim() === '*') return true;
  return query
    .trim()
    .split(/\s+/)
    .every((term) => {
      const [key, value] = term.split(':', 2);
      if (value === undefined) return log.record.attributes.message.includes(term);
      const field = (log.record.attributes as unknown as Record<string, unknown>)[key];
      return field === value || log.record.attributes.tags.includes(term);
    });
}

interface LogCursor {
  ts: number;
  id: string;
}

const encodeCursor = (c: LogCursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(raw: string): LogCursor | null {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    return typeof c.ts === 'number' && typeof c.id === 'string' ? c : null;
  } catch {
    return null;
  }
}

/** GET /api/v2/logs/events: filter[from] inclusive, filter[to] exclusive, cursor paging, at most 1000 a page. */
const listLogs: Route = (world, req) => {
  const { query } = req;
  const now = world.clock();
  const from = timeParam(query, 'filter[from]', now - 15 * 60_000);
  const to = timeParam(query, 'filter[to]', now);
  const limit = intParam(query, 'page[limit]', 10);
  const sort = query.get('sort') ?? '-timestamp';
  const problems = [from, to, limit].filter((v): v is string => typeof v === 'string');
  if (typeof limit === 'number' && limit > 1000) problems.push('page[limit] must be at most 1000');
  if (sort !== 'timestamp' && sort !== '-timestamp') problems.push(`sort must be timestamp or -timestamp, got ${JSON.stringify(sort)}`);
  const cursorRaw = query.get('page[cursor]');
  const cursor = cursorRaw === null ? null : decodeCursor(cursorRaw);
  if (cursorRaw !== null && !cursor) problems.push('page[cursor] is not a valid cursor');
  if (problems.length > 0) return badRequest(...problems);

  let logs = world.logsBetween(from as number, to as number).filter((l) => matchesQuery(l, query.get('filter[query]')));
  if (sort === '-timestamp') logs = logs.reverse();
  const ascending = sort === 'timestamp';
  const isAfterCursor = (l: StoredLog) => {
    const order = compareLogs(l, { ts: cursor!.ts, record: { id: cursor!.id } } as StoredLog);
    return ascending ? order > 0 : order < 0;
  };
  const start = cursor ? logs.findIndex(isAfterCursor) : 0;
  const page = start < 0 ? [] : logs.slice(start, start + (limit as number));
  const last = page[page.length - 1];
  // Like Datadog, a full page carries a cursor even when nothing follows: the next page is then empty.
  const after = last && page.length === limit ? encodeCursor({ ts: last.ts, id: last.record.id }) : undefined;
  const body: Record<string, unknown> = {
    data: page.map((l) => l.record),
    meta: { elapsed: 1, request_id: `sim-${now}`, status: 'done', ...(after ? { page: { after } } : {}) },
  };
  if (after) {
    const next = new URLSearchParams(query);
    next.set('page[cursor]', after);
    body.links = { next: `${req.baseUrl}${req.path}?${next.toString()}` };
  }
  return { status: 200, body };
};

/** GET /api/v1/dashboard: `start` offset and `count` page size. */
const listDashboards: Route = (world, req) => {
  const start = intParam(req.query, 'start', 0);
  const count = intParam(req.query, 'count', 100);
  const problems = [start, count].filter((v): v is string => typeof v === 'string');
  if (problems.length > 0) return badRequest(...problems);
  return { status: 200, body: { dashboards: world.dashboards.slice(start as number, (start as number) + (count as number)) } };
};

const currentUser: Route = () => ({
  status: 200,
  body: { data: { id: '00000000-0000-0000-0000-000000000001', type: 'users', attributes: { handle: 'simulator@example.com', name: 'Simulator' } } },
});

/** Routes that need both keys, by "METHOD path". `/api/v1/validate` is served by the server itself. */
export const ROUTES: Record<string, { route: Route; stream?: string }> = {
  'GET /api/v1/dashboard': { route: listDashboards, stream: 'dashboards' },
  'GET /api/v2/logs/events': { route: listLogs, stream: 'logs' },
  'GET /api/v2/current_user': { route: currentUser },
};
