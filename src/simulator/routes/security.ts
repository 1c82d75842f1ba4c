/**
 * Security monitoring, CI Visibility, Error Tracking, APM configuration and DORA: each endpoint with
 * its own paging, defaults, maxima and required parameters, as the spec and recorded answers show.
 */
import { badRequest, decodeCursor, encodeCursor, errorBody, ok, Params, parseTimeParam, refuse, slice, type Route, type SimResponse } from '../http';
import { issuePriority, type DoraStream, type SecuritySearchStream, type StoredIssue } from '../datasets/security';
import type { Json } from '../datasets/catalog';
import { searchRouteOver } from './search';

/** A 400 as Error Tracking and DORA write it (recorded; the DORA spec agrees): JSON:API error objects. Their 403s stay strings. */
const jsonApiBadRequest = (problems: string[]): SimResponse => ({ status: 400, body: errorBody('jsonapi', 400, problems) });
const isIndex = (c: unknown): c is { next: number } => typeof c === 'object' && c !== null && Number.isInteger((c as { next: number }).next);

/** `key:value` terms, all of which must match a field of `fields` or one of `tags`; `*` or nothing matches all. */
function matchesTerms(query: string | undefined | null, fields: Record<string, unknown>, tags: readonly string[] = []): boolean {
  if (!query || query.trim() === '*') return true;
  return query
    .trim()
    .split(/\s+(?:AND\s+)?/)
    .every((term) => {
      const [key, value] = term.replace(/^@/, '').split(':', 2);
      if (value === undefined) return JSON.stringify(fields).includes(term);
      const field = fields[key];
      const glob = new RegExp(`^${value.replace(/[.+?^$()|[\]\\{}]/g, '\\$&').replace(/\*/g, '.*')}$`);
      return (Array.isArray(field) ? field.some((f) => glob.test(String(f))) : field !== undefined && glob.test(String(field))) || tags.includes(term);
    });
}

// ── Search-style lists ────────────────────────────────────────────────────────────────────

/** GET /api/v2/security_monitoring/signals: the search family's paging (`meta.page.after`, at most 1000). */
export function signalsRoute(): Route {
  return searchRouteOver((world) => world.security.searchIndex('security_signals'));
}

/**
 * GET /api/v2/ci/pipelines/events and /api/v2/ci/tests/events: "paginated similarly to logs"; an
 * empty page still carries a cursor (recorded). A partial answer (`meta.status: "timeout"`) comes
 * every `ciPartialEvery` requests when the world asks for it.
 */
export function ciEventsRoute(stream: Extract<SecuritySearchStream, 'ci_pipeline_events' | 'ci_test_events'>): Route {
  const search = searchRouteOver((world) => world.security.searchIndex(stream), { emptyPageCursor: true });
  return (world, req) => {
    const answer = search(world, req);
    if (answer.status !== 200 || !world.security.ciAnswerIsPartial()) return answer;
    const { data, meta } = answer.body as { data: unknown[]; meta: Json };
    // What a search out of time answers: some of the page, no cursor, and a status saying so.
    return ok({ data: data.slice(0, Math.floor(data.length / 2)), meta: { elapsed: meta.elapsed, request_id: meta.request_id, status: 'timeout' } });
  };
}

// ── Security configuration ────────────────────────────────────────────────────────────────

/** GET /api/v2/security_monitoring/rules: `page[number]` from 0, `page[size]` (default 10, at most 100), `query` by type, source or tag. */
export const listSecurityRules: Route = (world, req) => {
  const params = new Params(req.query);
  const number = params.int('page[number]', 0);
  const size = params.int('page[size]', 10, { min: 1, max: 100 });
  const problem = refuse(params);
  if (problem) return problem;
  const query = params.string('query');
  const rules = world.security.rules.filter((r) => matchesTerms(query, { type: r.type, source: String((r.tags as string[])[0]).split(':')[1] }, r.tags as string[]));
  return ok({ data: slice(rules, number * size, size), meta: { page: { total_count: world.security.rules.length, total_filtered_count: rules.length } } });
};

/**
 * GET /api/v2/security/findings: a cursor (`meta.page.after`), `page[limit]` 1–150 (default 10),
 * newest detection first unless `sort` says otherwise; no time filter.
 */
export const listSecurityFindings: Route = (world, req) => {
  const params = new Params(req.query);
  const limit = params.int('page[limit]', 10, { min: 1, max: 150 });
  const sort = params.oneOf('sort', ['@detection_changed_at', '-@detection_changed_at'], '-@detection_changed_at');
  const cursorRaw = params.string('page[cursor]');
  const cursor = cursorRaw === null ? { next: 0 } : decodeCursor(cursorRaw, isIndex);
  if (!cursor) params.problems.push('page[cursor] is not a valid cursor');
  const problem = refuse(params);
  if (problem) return problem;
  const query = params.string('filter[query]');
  const all = sort === '-@detection_changed_at' ? world.security.findings : [...world.security.findings].reverse();
  const findings = all.filter((f) => {
    const custom = ((f.attributes as Json).attributes as { custom: Json }).custom;
    return matchesTerms(query, custom, (f.attributes as { tags: string[] }).tags);
  });
  const page = slice(findings, cursor!.next, limit);
  const end = cursor!.next + page.length;
  const after = page.length === limit && end <= findings.length ? encodeCursor({ next: end }) : undefined;
  const links = after ? { next: `${req.baseUrl}${req.path}?page[limit]=${limit}&page[cursor]=${after}` } : undefined;
  return ok({ data: page, meta: { elapsed: 12, request_id: `sim-${world.clock()}`, status: 'done', ...(after ? { page: { after } } : {}) }, ...(links ? { links } : {}) });
};

/** GET /api/v2/security_monitoring/configuration/suppressions: every suppression unless `page[size]` asks for pages (default -1, all). */
export const listSuppressions: Route = (world, req) => {
  const params = new Params(req.query);
  const size = params.int('page[size]', -1, { min: -1 });
  const number = params.int('page[number]', 0);
  if (size === 0) params.problems.push('page[size] must be -1 (all) or at least 1');
  const problem = refuse(params);
  if (problem) return problem;
  const all = world.security.suppressions.filter((s) => matchesTerms(params.string('query'), s.attributes as Json));
  const data = size === -1 ? all : slice(all, number * size, size);
  return ok({ data, meta: { page: { pageNumber: size === -1 ? 0 : number, pageSize: size === -1 ? all.length : size, totalCount: all.length } } });
};

/** GET /api/v2/security_monitoring/configuration/security_filters: all of them. */
export const listSecurityFilters: Route = (world) => ok({ data: world.security.securityFilters });

// ── APM configuration ─────────────────────────────────────────────────────────────────────

/** GET /api/v2/apm/config/retention-filters: all of them, in execution order. */
export const listRetentionFilters: Route = (world) => ok({ data: world.security.retentionFilters });

/** GET /api/v2/apm/config/metrics: all span-based metrics. */
export const listSpanMetrics: Route = (world) => ok({ data: world.security.spanMetrics });

/** GET /api/v2/apm/services: one object with the names of the services of `filter[env]` (required; `*` for all). */
export const listApmServices: Route = (world, req) => {
  const env = req.query.get('filter[env]');
  if (env === null || env === '') return badRequest('filter[env] is required (an environment, or * for all of them)');
  const services = world.security.servicesIn(env);
  return ok({
    data: {
      id: `services-${env === '*' ? 'all' : env}`,
      type: 'services_list',
      attributes: { services: services.map((s) => s.name), metadata: services.map((s) => ({ isTraced: s.traced, isUsm: s.usm })) },
    },
  });
};

// ── Error Tracking ────────────────────────────────────────────────────────────────────────

const INCLUDES = ['issue', 'issue.assignee', 'issue.case', 'issue.team_owners'];
const ORDER_BY = ['TOTAL_COUNT', 'FIRST_SEEN', 'IMPACTED_SESSIONS', 'PRIORITY'];
const PERSONAS: Record<string, (platform: string) => boolean> = {
  ALL: () => true,
  BACKEND: (p) => p === 'BACKEND',
  BROWSER: (p) => p === 'BROWSER',
  MOBILE: (p) => ['ANDROID', 'IOS', 'FLUTTER', 'REACT_NATIVE', 'ROKU'].includes(p),
};
/** "Limited to a maximum of 100 issues per request", with no paging and nothing saying more matched. */
export const ERROR_TRACKING_MAX = 100;

/**
 * POST /api/v2/error-tracking/issues/search: the issues with errors in [from, to) (epoch ms, from
 * inclusive, to exclusive), the first 100 in `order_by` order and silently no more; `include=issue`
 * adds the issues themselves in `included[]`.
 */
export const searchIssues: Route = (world, req) => {
  const problems: string[] = [];
  const include = (req.query.get('include') ?? '').split(',').filter(Boolean);
  for (const name of include) if (!INCLUDES.includes(name)) problems.push(`invalid include value: ${name}`);
  const data = (req.body as { data?: { type?: unknown; attributes?: Record<string, unknown> } } | undefined)?.data;
  if (data?.type !== 'search_request') problems.push(`got type "${String(data?.type ?? '')}" expected one of "search_request"`);
  const attributes = data?.attributes ?? {};
  const { from, to, query, track, persona, order_by: orderBy } = attributes as Record<string, unknown>;
  for (const [name, value] of [['from', from], ['to', to]] as const) {
    if (!Number.isSafeInteger(value)) problems.push(`data.attributes.${name} must be epoch milliseconds (an integer)`);
  }
  if (typeof query !== 'string') problems.push('data.attributes.query is required');
  if (track === undefined && persona === undefined) problems.push('either track(s) or persona(s) must be specified');
  if (track !== undefined && !['trace', 'logs', 'rum'].includes(String(track))) problems.push(`invalid json value for TrackType: ${String(track)}`);
  if (persona !== undefined && !(String(persona) in PERSONAS)) problems.push(`invalid json value for Persona: ${String(persona)}`);
  if (orderBy !== undefined && !ORDER_BY.includes(String(orderBy))) problems.push(`invalid json value for OrderBy: ${String(orderBy)}`);
  if (problems.length === 0 && (from as number) >= (to as number)) problems.push('data.attributes.from must be before to');
  if (problems.length > 0) return jsonApiBadRequest(problems);

  const matching = world.security
    .issuesBetween(from as number, to as number)
    .filter(({ issue }) => (track === undefined || issue.track === track) && (persona === undefined || PERSONAS[String(persona)](issue.attributes.platform)))
    .filter(({ issue }) => matchesTerms(query as string, { ...issue.attributes, track: issue.track }));
  const order = ORDER_KEYS[String(orderBy ?? 'TOTAL_COUNT')];
  const top = matching.sort((a, b) => order(b, world.security.issueResource(b.issue)) - order(a, world.security.issueResource(a.issue)) || (a.issue.id < b.issue.id ? -1 : 1)).slice(0, ERROR_TRACKING_MAX);
  const results = top.map(({ issue, count }) => ({
    id: issue.id,
    type: 'error_tracking_search_result',
    attributes: { total_count: count, impacted_sessions: Math.min(count, issue.sessions), impacted_users: Math.min(count, Math.ceil(issue.sessions / 3)) },
    relationships: { issue: { data: { id: issue.id, type: 'issue' } } },
  }));
  return ok({ data: results, ...(include.includes('issue') ? { included: top.map(({ issue }) => world.security.issueResource(issue)) } : {}) });
};

type Matched = { issue: StoredIssue; count: number };
const ORDER_KEYS: Record<string, (m: Matched, resource: Json) => number> = {
  TOTAL_COUNT: (m) => m.count,
  FIRST_SEEN: (_, resource) => Number((resource.attributes as Json).first_seen),
  IMPACTED_SESSIONS: (m) => Math.min(m.count, m.issue.sessions),
  PRIORITY: (m) => issuePriority(m.issue),
};

// ── DORA ──────────────────────────────────────────────────────────────────────────────────

/** "Maximum number of events in the response": default 10, at most 1000; no paging. */
export const DORA_MAX = 1000;

/**
 * POST /api/v2/dora/deployments and /api/v2/dora/failures: events whose start is in [from, to)
 * (ISO-8601; the spec states neither end's inclusiveness nor a default), filtered by `query`, sorted
 * by `sort` (`-` for descending; default newest first), the first `limit` of them and no more.
 */
export function doraRoute(stream: DoraStream): Route {
  const requestType = stream === 'dora_deployments' ? 'dora_deployments_list_request' : 'dora_failures_list_request';
  return (world, req) => {
    const data = (req.body as { data?: { type?: unknown; attributes?: Record<string, unknown> } } | undefined)?.data;
    const problems: string[] = [];
    if (data?.type !== requestType) problems.push(`got type "${String(data?.type ?? '')}" expected one of "${requestType}"`);
    const attributes = data?.attributes ?? {};
    const time = (name: 'from' | 'to', fallback: number): number => {
      const raw = attributes[name];
      if (raw === undefined) return fallback;
      const parsed = typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(raw) ? parseTimeParam(raw, world.clock()) : null;
      if (parsed === null) problems.push(`data.attributes.${name} must be an ISO-8601 date-time, got ${JSON.stringify(raw)}`);
      return parsed ?? fallback;
    };
    const from = time('from', 0);
    const to = time('to', world.clock() + 1);
    const limit = attributes.limit ?? 10;
    if (!Number.isInteger(limit) || (limit as number) < 1 || (limit as number) > DORA_MAX) problems.push(`data.attributes.limit must be an integer from 1 to ${DORA_MAX}`);
    const sort = attributes.sort === undefined ? '-started_at' : String(attributes.sort);
    const field = sort.replace(/^-/, '');
    if (!['started_at', 'finished_at'].includes(field)) problems.push(`invalid sort field: ${field}`);
    if (problems.length > 0) return jsonApiBadRequest(problems);
    const query = typeof attributes.query === 'string' ? attributes.query : undefined;
    const events = world.security
      .doraBetween(stream, from, to)
      .filter((e) => matchesTerms(query, e.attributes as Json, (e.attributes as { custom_tags?: string[] }).custom_tags))
      .sort((a, b) => (Number((a.attributes as Json)[field]) - Number((b.attributes as Json)[field])) * (sort.startsWith('-') ? -1 : 1) || (a.id < b.id ? -1 : 1));
    return ok({ data: events.slice(0, limit as number) });
  };
}
