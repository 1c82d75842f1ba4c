/**
 * The software catalog and what is built around it: catalog entities and relations, service
 * definitions, Case Management, scorecards, status pages, RUM configuration and powerpacks. Each
 * pages as its endpoint does, end-of-list signals included, misleading ones too (Datadog's own
 * recorded responses).
 */
import { ok, Params, refuse, slice, type Route, type SimRequest } from '../http';
import type { Json } from '../datasets/catalog';
import type { Listed, StoredCase } from '../datasets/software-catalog';
import type { World } from '../world';

/** A boolean query parameter as Datadog takes it: `true` or `false`. */
function flag(params: Params, name: string, fallback: boolean): boolean {
  return params.oneOf(name, ['true', 'false'] as const, fallback ? 'true' : 'false') === 'true';
}

/** A URL of this endpoint with these query parameters, written as Datadog writes its links (brackets escaped). */
function link(req: SimRequest, query: Record<string, string | number>): string {
  const text = Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return `${req.baseUrl}${req.path}?${text}`;
}

/**
 * GET /api/v2/catalog/entity and /relation: `page[offset]`, `page[limit]` (default 100, no stated
 * maximum). `meta.count` is the count on this page, not the total the spec describes, and
 * `links.next` is left out on the last page (both as recorded). Discovered items only with `includeDiscovered=true`.
 */
function catalogList(defined: (world: World) => Json[], discovered: (world: World) => Json[]): Route {
  return (world, req) => {
    const params = new Params(req.query);
    const offset = params.int('page[offset]', 0);
    const limit = params.int('page[limit]', 100, { min: 1 });
    const withDiscovered = flag(params, 'includeDiscovered', false);
    const problem = refuse(params);
    if (problem) return problem;
    const items = withDiscovered ? [...defined(world), ...discovered(world)] : defined(world);
    const page = slice(items, offset, limit);
    const query = (o: number) => ({ 'page[offset]': o, 'page[limit]': limit });
    return ok({
      data: page,
      links: { self: link(req, query(offset)), ...(offset + limit < items.length ? { next: link(req, query(offset + limit)) } : {}) },
      meta: { count: page.length, includeCount: 0 },
    });
  };
}

export const listCatalogEntities = catalogList(
  (w) => w.softwareCatalog.entities,
  (w) => w.softwareCatalog.discoveredEntities,
);
export const listCatalogRelations = catalogList(
  (w) => w.softwareCatalog.relations,
  (w) => w.softwareCatalog.discoveredRelations,
);

/** GET /api/v2/services/definitions: `page[number]` from 0, `page[size]` at most 100 (default 10); `{data}` only, no meta or links. */
export const listServiceDefinitions: Route = (world, req) => {
  const params = new Params(req.query);
  const number = params.int('page[number]', 0);
  const size = params.int('page[size]', 10, { min: 1, max: 100 });
  // Accepted but not converted: each definition is served in the version it was written in.
  params.oneOf('schema_version', ['v1', 'v2', 'v2.1', 'v2.2'] as const, 'v2');
  return refuse(params) ?? ok({ data: slice(world.softwareCatalog.serviceDefinitions, number * size, size) });
};

const PRIORITY_ORDER = ['P1', 'P2', 'P3', 'P4', 'P5', 'NOT_DEFINED'];
const STATUS_ORDER = ['OPEN', 'IN_PROGRESS', 'CLOSED'];

/**
 * GET /api/v2/cases: `page[number]` counts from 1 (the spec's `pageStart: 1`, the official client, a
 * recorded exchange); `page[number]=0`, which the parameter's default names, is served as page 1.
 * `page[size]` at most 100 (default 10). `meta.page`: `current`, `size` = the count on this page,
 * `total` = the number of pages; `meta.total_cases` (not in the spec) the number of cases.
 * Sorted by `sort[field]` (default `created_at`), newest first unless `sort[asc]=true`.
 */
export const searchCases: Route = (world, req) => {
  const params = new Params(req.query);
  const number = Math.max(1, params.int('page[number]', 1));
  const size = params.int('page[size]', 10, { min: 1, max: 100 });
  const field = params.oneOf('sort[field]', ['created_at', 'priority', 'status'] as const, 'created_at');
  const ascending = flag(params, 'sort[asc]', false);
  const problem = refuse(params);
  if (problem) return problem;
  const rank = (c: StoredCase) => (field === 'created_at' ? c.created : field === 'priority' ? PRIORITY_ORDER.indexOf(c.priority) : STATUS_ORDER.indexOf(c.status));
  const sorted = [...world.softwareCatalog.cases].sort((a, b) => (rank(a) - rank(b) || a.created - b.created) * (ascending ? 1 : -1));
  const page = slice(sorted, (number - 1) * size, size).map((c) => c.record);
  return ok({
    data: page,
    meta: { page: { current: number, size: page.length, total: Math.ceil(sorted.length / size) }, total_cases: sorted.length },
  });
};

/** GET /api/v2/cases/projects: every project in one response. */
export const listCaseProjects: Route = (world) => ok({ data: world.softwareCatalog.caseProjects });

/**
 * GET /api/v2/scorecard/rules and /outcomes: `page[offset]`, `page[size]` at most 100. No meta. As
 * recorded, `links.next` is on every page, empty and last ones included, and names `page[limit]`
 * beside `page[size]`; without paging parameters it reads `page[limit]=100`, so 100 is the default
 * the endpoint applies (the spec says 10).
 */
function scorecardList(items: (world: World) => Json[]): Route {
  return (world, req) => {
    const params = new Params(req.query);
    const offset = params.int('page[offset]', 0);
    const size = params.int('page[size]', 100, { min: 1, max: 100 });
    const problem = refuse(params);
    if (problem) return problem;
    const next = link(req, { 'page[limit]': size, 'page[offset]': offset + size, 'page[size]': size });
    return ok({ data: slice(items(world), offset, size), links: { next } });
  };
}

export const listScorecardRules = scorecardList((w) => w.softwareCatalog.scorecardRules);
export const listScorecardOutcomes = scorecardList((w) => w.softwareCatalog.scorecardOutcomes);

/** The `meta.page` of the status-page lists (`PaginationMeta`): offset_limit, with or without a total. */
function offsetMeta(offset: number, limit: number, received: number, total: number | null) {
  const full = received === limit;
  const more = total === null ? full : offset + limit < total;
  return {
    page: {
      type: 'offset_limit',
      offset,
      limit,
      total,
      first_offset: 0,
      prev_offset: offset > 0 ? Math.max(0, offset - limit) : null,
      next_offset: more ? offset + limit : null,
      last_offset: total === null ? null : Math.max(0, Math.floor((total - 1) / limit) * limit),
    },
  };
}

/** `page[offset]`, `page[limit]` (default 50, no stated maximum), as the three status-page lists take them. */
function offsetLimit(params: Params): { offset: number; limit: number } {
  return { offset: params.int('page[offset]', 0), limit: params.int('page[limit]', 50, { min: 1 }) };
}

/** GET /api/v2/statuspages: `meta.page.total` is null on this list (recorded), `next_offset` set on a full page. */
export const listStatusPages: Route = (world, req) => {
  const params = new Params(req.query);
  const { offset, limit } = offsetLimit(params);
  const problem = refuse(params);
  if (problem) return problem;
  const page = slice(world.softwareCatalog.statusPages, offset, limit);
  return ok({ data: page, meta: offsetMeta(offset, limit, page.length, null) });
};

/**
 * GET /api/v2/statuspages/degradations and /maintenances: org-wide, `filter[page_id]` and
 * `filter[status]` narrow them; `sort` by creation (or `modified_at` / `start_date`), `-` for
 * descending, newest first by default. `meta.page.total` is set on these lists.
 */
function statusEvents(items: (world: World) => Listed[], otherSort: string): Route {
  const sorts = ['created_at', '-created_at', otherSort, `-${otherSort}`] as const;
  return (world, req) => {
    const params = new Params(req.query);
    const { offset, limit } = offsetLimit(params);
    const sort = params.oneOf('sort', sorts, '-created_at');
    const pageId = params.string('filter[page_id]');
    const status = params.string('filter[status]');
    const problem = refuse(params);
    if (problem) return problem;
    const key = (item: Listed) => (sort.endsWith('created_at') ? item.created : item.other);
    const sign = sort.startsWith('-') ? -1 : 1;
    const matching = items(world)
      .filter((item) => pageId === null || ((item.record.relationships as Json).status_page as { data: { id: string } }).data.id === pageId)
      .filter((item) => status === null || status.split(',').includes(String((item.record.attributes as Json).status)))
      .sort((a, b) => sign * (key(a) - key(b) || (String(a.record.id) < String(b.record.id) ? -1 : 1)));
    const page = slice(matching, offset, limit).map((item) => item.record);
    return ok({ data: page, meta: offsetMeta(offset, limit, page.length, matching.length) });
  };
}

export const listDegradations = statusEvents((w) => w.softwareCatalog.degradations, 'modified_at');
export const listMaintenances = statusEvents((w) => w.softwareCatalog.maintenances, 'start_date');

/** GET /api/v2/rum/applications: every application in one response, without client tokens. */
export const listRumApplications: Route = (world) => ok({ data: world.softwareCatalog.rumApplications });

/** GET /api/v2/rum/config/metrics: every RUM-based metric in one response. */
export const listRumMetrics: Route = (world) => ok({ data: world.softwareCatalog.rumMetrics });

/**
 * GET /api/v2/powerpacks: `page[offset]`, `page[limit]` at most 1000 (default 25). As recorded,
 * `meta.pagination` has no `total` and `last_offset: null`, and `links.next` is there on the last page too.
 */
export const listPowerpacks: Route = (world, req) => {
  const params = new Params(req.query);
  const offset = params.int('page[offset]', 0);
  const limit = params.int('page[limit]', 25, { min: 1, max: 1000 });
  const problem = refuse(params);
  if (problem) return problem;
  const catalog = world.softwareCatalog;
  const page = slice(catalog.powerpacks, offset, limit);
  const authors = new Set(page.map((p) => ((p.relationships as Json).author as { data: { id: string } }).data.id));
  const at = (o: number) => link(req, { 'page[offset]': o, 'page[limit]': limit });
  return ok({
    data: page,
    included: catalog.powerpackAuthors.filter((u) => authors.has(String(u.id))),
    links: { self: at(offset), first: at(0), last: null, next: at(offset + limit), prev: offset > 0 ? at(Math.max(0, offset - limit)) : null },
    meta: {
      pagination: { type: 'offset_limit', offset, limit, first_offset: 0, last_offset: null, next_offset: offset + limit, prev_offset: Math.max(0, offset - limit) },
    },
  });
};
