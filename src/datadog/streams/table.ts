import type { JsonSchema } from '../../shared/json';
import type { TableSpec } from '../../destinations/table-model';
import schemas from './schemas.json';
import type { Pagination, QueryDefinition, StreamDef, TimeWindow } from './types';

/**
 * Every stream Retriever reads, one row per Datadog list endpoint. Paths, parameters, page-size
 * maximums and permissions follow Datadog's official OpenAPI specs (v1 and v2); where the spec
 * states no maximum page size, the row says what it uses and why.
 */

/** The v2 event-search family (logs, audit, events, RUM, spans) pages alike: `meta.page.after`, at most 1000. */
const EVENTS_CURSOR: Pagination = {
  kind: 'cursor',
  cursorParam: 'page[cursor]',
  limitParam: 'page[limit]',
  nextCursorPath: 'meta.page.after',
  maxPageSize: 1000,
};

/** Their time filter: always sent, so Datadog's 15-minute default window never applies. Their records are events, each at its own time. */
function eventsWindow(unit: TimeWindow['unit'], cursorField = 'attributes.timestamp'): TimeWindow {
  return { fromParam: 'filter[from]', toParam: 'filter[to]', unit, cursorField, sort: { param: 'sort', value: 'timestamp' }, events: true };
}

/** JSON:API page-number lists (`page[number]` from 0, `page[size]` at most 100). */
const JSONAPI_PAGES: Pagination = { kind: 'page', pageParam: 'page[number]', sizeParam: 'page[size]', maxPageSize: 100 };

export const STREAMS: readonly StreamDef[] = [
  // ── Configuration objects (full refresh) ───────────────────────────────────────────────
  {
    name: 'dashboards',
    description: 'Custom dashboards (summaries), GET /api/v1/dashboard',
    method: 'GET',
    path: '/api/v1/dashboard',
    recordsPath: 'dashboards',
    primaryKey: 'id',
    // The spec states no maximum for `count`; 1000 keeps a page well under any response limit.
    pagination: { kind: 'offset', offsetParam: 'start', limitParam: 'count', maxPageSize: 1000 },
    rateLimitBucket: 'dashboards',
    permission: 'dashboards_read',
    schemaSource: { spec: 'v1', component: 'DashboardSummaryDefinition' },
  },
  {
    name: 'dashboard_lists',
    description: 'Manual dashboard lists, GET /api/v1/dashboard/lists/manual',
    method: 'GET',
    path: '/api/v1/dashboard/lists/manual',
    recordsPath: 'dashboard_lists',
    primaryKey: 'id',
    pagination: { kind: 'none' },
    rateLimitBucket: 'dashboards',
    permission: 'dashboards_read',
    schemaSource: { spec: 'v1', component: 'DashboardList' },
  },
  {
    name: 'monitors',
    description: 'Monitors, GET /api/v1/monitor',
    notes:
      'Always sends `page`: without it Datadog returns every monitor in one response.',
    method: 'GET',
    path: '/api/v1/monitor',
    recordsPath: '',
    primaryKey: 'id',
    // Sending `page` at all is what turns paging on: without it every monitor comes in one response.
    pagination: { kind: 'page', pageParam: 'page', sizeParam: 'page_size', maxPageSize: 1000 },
    permission: 'monitors_read',
    schemaSource: { spec: 'v1', component: 'Monitor' },
  },
  {
    name: 'downtimes',
    description: 'Downtimes (v2), GET /api/v2/downtime',
    method: 'GET',
    path: '/api/v2/downtime',
    recordsPath: 'data',
    primaryKey: 'id',
    // The spec states no maximum for `page[limit]` (default 30); 100 is what other connectors use safely.
    pagination: { kind: 'offset', offsetParam: 'page[offset]', limitParam: 'page[limit]', maxPageSize: 100 },
    permission: 'monitors_downtime',
    schemaSource: { spec: 'v2', component: 'DowntimeResponseData' },
  },
  {
    name: 'synthetic_tests',
    description: 'Synthetic tests, GET /api/v1/synthetics/tests',
    method: 'GET',
    path: '/api/v1/synthetics/tests',
    recordsPath: 'tests',
    primaryKey: 'public_id',
    // The spec states no maximum for `page_size`; its default, 100, is what the official client pages by.
    pagination: { kind: 'page', pageParam: 'page_number', sizeParam: 'page_size', maxPageSize: 100 },
    rateLimitBucket: 'synthetics',
    permission: 'synthetics_read',
    schemaSource: { spec: 'v1', component: 'SyntheticsTestDetailsWithoutSteps' },
  },
  {
    name: 'synthetic_global_variables',
    description: 'Synthetic global variables, GET /api/v1/synthetics/variables',
    method: 'GET',
    path: '/api/v1/synthetics/variables',
    recordsPath: 'variables',
    primaryKey: 'id',
    pagination: { kind: 'none' },
    rateLimitBucket: 'synthetics',
    permission: 'synthetics_global_variable_read or apm_api_catalog_read',
    schemaSource: { spec: 'v1', component: 'SyntheticsGlobalVariable' },
  },
  {
    name: 'notebooks',
    description: 'Notebooks, GET /api/v1/notebooks',
    method: 'GET',
    path: '/api/v1/notebooks',
    recordsPath: 'data',
    primaryKey: 'id',
    // The spec states no maximum for `count` (default 100); notebooks carry their cells, so pages stay at 100.
    pagination: { kind: 'offset', offsetParam: 'start', limitParam: 'count', maxPageSize: 100 },
    permission: 'notebooks_read',
    schemaSource: { spec: 'v1', component: 'NotebooksResponseData' },
  },
  {
    name: 'service_level_objectives',
    description: 'Service level objectives, GET /api/v1/slo',
    method: 'GET',
    path: '/api/v1/slo',
    recordsPath: 'data',
    primaryKey: 'id',
    // The spec states no maximum for `limit`; its default is 1000.
    pagination: { kind: 'offset', offsetParam: 'offset', limitParam: 'limit', maxPageSize: 1000 },
    permission: 'slos_read',
    schemaSource: { spec: 'v1', component: 'ServiceLevelObjective' },
  },
  {
    name: 'hosts',
    description: 'Every host Datadog lists (those that reported in the last 7 days), GET /api/v1/hosts',
    notes:
      'Sends `from`, 7 days before the sync started: Datadog keeps a host for 7 days after its last report but, without `from`, lists only those ' +
      'that reported in the last 3 hours (a host quiet for 3 hours would leave the table at the next refresh). The time is fixed once per sync, ' +
      'when it is planned, so every page of one refresh asks for the same hosts. Its key is `host_name`, not `id`: for an EC2 instance Datadog ' +
      'sends `aws_id` instead of `id`. `start` is read as a 0-based offset. The spec\'s example suggests it may be 1-based; if so, each page ' +
      'repeats one host, and the upsert absorbs that.',
    method: 'GET',
    path: '/api/v1/hosts',
    recordsPath: 'host_list',
    // Not `id`: for an EC2 instance Datadog replaces `id` with `aws_id`. The host name is what Datadog keys hosts by.
    primaryKey: 'host_name',
    // `start` is read as a 0-based offset. The spec's prose example reads 1-based; if it were, each page
    // would repeat one host, which idempotent writes absorb, whereas the opposite mistake would lose one.
    pagination: { kind: 'offset', offsetParam: 'start', limitParam: 'count', maxPageSize: 1000 },
    // Without `from` only hosts that reported in the last 3 hours are listed, so a host quiet for 3 hours
    // would drop out of the table. Datadog keeps a host for 7 days ("Retention is 7 days"): ask for all of them.
    since: { param: 'from', unit: 's', lookbackMs: 7 * 86_400_000 },
    permission: 'hosts_read',
    schemaSource: { spec: 'v1', component: 'Host' },
  },
  {
    name: 'metrics',
    description: 'Metrics reporting in the last 30 days, GET /api/v2/metrics',
    notes:
      'Sends `window[seconds]=2592000` (30 days, the maximum). With Datadog\'s one-hour default, a metric quiet for an hour would disappear from the table on each full refresh. ' +
      'Records are `Metric` or `MetricTagConfiguration`; the schema is the second one, which contains the first.',
    method: 'GET',
    path: '/api/v2/metrics',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: { kind: 'cursor', cursorParam: 'page[cursor]', limitParam: 'page[size]', nextCursorPath: 'meta.pagination.next_cursor', maxPageSize: 10_000 },
    // The default window is one hour: a metric quiet for an hour would vanish from a full refresh.
    params: { 'window[seconds]': '2592000' },
    permission: 'metrics_read',
    // Records are `Metric` or `MetricTagConfiguration`; the second is the superset (id, type, attributes).
    schemaSource: { spec: 'v2', component: 'MetricTagConfiguration' },
  },

  // ── Incidents, teams and access (full refresh) ────────────────────────────────────────
  {
    name: 'incidents',
    description: 'Incidents, GET /api/v2/incidents',
    method: 'GET',
    path: '/api/v2/incidents',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: { kind: 'offset', offsetParam: 'page[offset]', limitParam: 'page[size]', maxPageSize: 100 },
    permission: 'incident_read',
    schemaSource: { spec: 'v2', component: 'IncidentResponseData' },
  },
  {
    name: 'incident_teams',
    description: 'Teams, under the name older connectors gave them, GET /api/v2/team',
    notes:
      'Keeps the name older connectors used. Its old endpoint (`/api/v2/teams`) is deprecated and no longer in Datadog\'s spec, so it reads `GET /api/v2/team`, the same as `teams`.',
    method: 'GET',
    path: '/api/v2/team',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: JSONAPI_PAGES,
    permission: 'teams_read',
    schemaSource: { spec: 'v2', component: 'Team' },
  },
  {
    name: 'teams',
    description: 'Teams, GET /api/v2/team',
    method: 'GET',
    path: '/api/v2/team',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: JSONAPI_PAGES,
    permission: 'teams_read',
    schemaSource: { spec: 'v2', component: 'Team' },
  },
  {
    name: 'users',
    description: 'Users, including disabled and pending ones, GET /api/v2/users',
    method: 'GET',
    path: '/api/v2/users',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: JSONAPI_PAGES,
    permission: 'user_access_read',
    schemaSource: { spec: 'v2', component: 'User' },
  },
  {
    name: 'roles',
    description: 'Roles, GET /api/v2/roles',
    method: 'GET',
    path: '/api/v2/roles',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: JSONAPI_PAGES,
    rateLimitBucket: 'roles',
    permission: 'user_access_read',
    schemaSource: { spec: 'v2', component: 'Role' },
  },
  {
    name: 'permissions',
    description: 'Permissions that can be granted to roles, GET /api/v2/permissions',
    method: 'GET',
    path: '/api/v2/permissions',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: { kind: 'none' },
    rateLimitBucket: 'roles',
    permission: 'user_access_read',
    schemaSource: { spec: 'v2', component: 'Permission' },
  },

  // ── Events in time (incremental) ───────────────────────────────────────────────────────
  {
    name: 'logs',
    description: 'Indexed logs, GET /api/v2/logs/events',
    method: 'GET',
    path: '/api/v2/logs/events',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: EVENTS_CURSOR,
    window: eventsWindow('iso'),
    queryParam: 'filter[query]',
    topLevelQuery: true,
    permission: 'logs_read_data',
    schemaSource: { spec: 'v2', component: 'Log' },
  },
  {
    name: 'audit_logs',
    description: 'Audit Trail events, GET /api/v2/audit/events',
    method: 'GET',
    path: '/api/v2/audit/events',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: EVENTS_CURSOR,
    window: eventsWindow('iso'),
    queryParam: 'filter[query]',
    permission: 'audit_logs_read',
    schemaSource: { spec: 'v2', component: 'AuditLogsEvent' },
  },
  {
    name: 'events',
    description: 'Events (v2), GET /api/v2/events',
    method: 'GET',
    path: '/api/v2/events',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: EVENTS_CURSOR,
    // This endpoint documents its time filter "in milliseconds".
    window: eventsWindow('ms'),
    queryParam: 'filter[query]',
    permission: 'events_read',
    schemaSource: { spec: 'v2', component: 'EventResponse' },
  },
  {
    name: 'rum_events',
    description: 'RUM events, GET /api/v2/rum/events',
    method: 'GET',
    path: '/api/v2/rum/events',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: EVENTS_CURSOR,
    window: eventsWindow('iso'),
    queryParam: 'filter[query]',
    permission: 'rum_apps_read',
    schemaSource: { spec: 'v2', component: 'RUMEvent' },
  },
  {
    name: 'spans',
    description: 'Indexed APM spans, GET /api/v2/spans/events (Datadog allows 300 requests an hour)',
    notes:
      'Has no `x-permission` in the spec; the table names its OAuth scope, `apm_read`. Datadog allows it 300 requests an hour.',
    method: 'GET',
    path: '/api/v2/spans/events',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: EVENTS_CURSOR,
    window: eventsWindow('iso', 'attributes.start_timestamp'),
    queryParam: 'filter[query]',
    // The operation has no `x-permission`; its OAuth scope is `apm_read`.
    permission: 'apm_read',
    schemaSource: { spec: 'v2', component: 'Span' },
  },
  {
    name: 'slo_history',
    description: 'SLI history of each SLO, one row per SLO and window, GET /api/v1/slo/{slo_id}/history',
    notes:
      'Each page lists 10 SLOs and reads the history of each for the current window, one row per SLO and window, with the added fields `id` and `slo_id`. ' +
      'An SLO deleted between the listing and its history request (404) is passed over. With the default `window_size` of `1d` a row holds one day\'s SLI.',
    method: 'GET',
    path: '/api/v1/slo/{slo_id}/history',
    recordsPath: 'data',
    recordShape: 'object',
    primaryKey: 'id',
    derivedKey: { field: 'id', from: ['slo_id', 'from_ts'] },
    pagination: { kind: 'none' },
    window: { fromParam: 'from_ts', toParam: 'to_ts', unit: 's', cursorField: 'to_ts', cursorUnit: 's' },
    parent: { stream: 'service_level_objectives', key: 'id', pathParam: 'slo_id', field: 'slo_id', batchSize: 10 },
    permission: 'slos_read',
    schemaSource: {
      spec: 'v1',
      component: 'SLOHistoryResponseData',
      addedFields: {
        id: { type: 'string', description: 'SLO id and window start (epoch seconds), joined by ":".' },
        slo_id: { type: 'string', description: 'The SLO this history belongs to.' },
      },
    },
  },
];

export const STREAM_NAMES: readonly string[] = STREAMS.map((s) => s.name);

/** One row of a timeseries query stream: a series (its group tags) at one time. */
export const TIMESERIES_ROW_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'One point of one series of a timeseries query.',
  properties: {
    id: { type: 'string', description: 'Group (tags joined by ",", or "*") and timestamp, joined by "|".' },
    query: { type: 'string', description: 'Name of the configured query.' },
    group: { type: 'string', description: 'The series group tags, sorted and joined by ",", or "*" for an ungrouped series.' },
    group_tags: { type: 'array', items: { type: 'string' }, description: 'Tags that identify the series.' },
    timestamp: { type: 'string', format: 'date-time', description: 'Start of the interval the value covers (inclusive).' },
    value: { type: 'number', nullable: true, description: 'The value over the interval.' },
    unit: { type: 'string', nullable: true, description: 'Unit of the value, when Datadog states one.' },
  },
};

/** The endpoint of every configured query. */
export const TIMESERIES_ENDPOINT = { method: 'POST', path: '/api/v2/query/timeseries', permission: 'timeseries_query' } as const;

/**
 * The template every configured query follows: `POST /api/v2/query/timeseries` over one window at a
 * time (epoch ms, `from` inclusive, `to` exclusive), no paging, one row per series and timestamp.
 */
export function queryStreamDef(query: QueryDefinition): StreamDef {
  return {
    name: query.name,
    description: `Timeseries query "${query.query}" (${query.data_source}), POST /api/v2/query/timeseries`,
    method: TIMESERIES_ENDPOINT.method,
    path: TIMESERIES_ENDPOINT.path,
    recordsPath: 'data.attributes',
    recordShape: 'timeseries',
    primaryKey: 'id',
    pagination: { kind: 'none' },
    window: { fromParam: 'data.attributes.from', toParam: 'data.attributes.to', unit: 'ms', numeric: true, cursorField: 'timestamp' },
    body: {
      'data.type': 'timeseries_request',
      'data.attributes.interval': query.interval,
      'data.attributes.queries': [timeseriesQuery(query)],
    },
    permission: TIMESERIES_ENDPOINT.permission,
    schemaSource: { inline: TIMESERIES_ROW_SCHEMA },
  };
}

/** The name the query has inside the request, which series refer to by index anyway. */
export const TIMESERIES_QUERY_NAME = 'query1';

function timeseriesQuery(query: QueryDefinition): Record<string, unknown> {
  if (query.data_source === 'metrics' || query.data_source === 'cloud_cost') {
    return { data_source: query.data_source, query: query.query, name: TIMESERIES_QUERY_NAME };
  }
  // Logs and RUM are Events-platform sources: a search plus what to compute, optionally split by facets.
  return {
    data_source: query.data_source,
    search: { query: query.query },
    compute: { aggregation: query.compute?.aggregation ?? 'count', ...(query.compute?.metric ? { metric: query.compute.metric } : {}), interval: query.interval },
    ...(query.group_by?.length ? { group_by: query.group_by.map((facet) => ({ facet })) } : {}),
    name: TIMESERIES_QUERY_NAME,
  };
}

/** A stream by name: one of the configured timeseries queries, or a row of the table. */
export function getStream(name: string, queries: readonly QueryDefinition[] = []): StreamDef {
  const query = queries.find((q) => q.name === name);
  if (query) return queryStreamDef(query);
  const def = STREAMS.find((s) => s.name === name);
  if (!def) throw new Error(`unknown stream "${name}"; known streams: ${[...STREAM_NAMES, ...queries.map((q) => q.name)].join(', ')}`);
  return def;
}

/** A stream's record schema: from the spec (generated into schemas.json) or its inline one. */
export function streamSchema(def: StreamDef): JsonSchema {
  if ('inline' in def.schemaSource) return def.schemaSource.inline;
  const schema = (schemas as Record<string, JsonSchema>)[def.name];
  if (!schema) throw new Error(`no schema for stream "${def.name}": run scripts/generate-schemas.ts`);
  return schema;
}

/** What the destination is told about a stream's table: its name, key and record schema. */
export function tableSpec(def: StreamDef): TableSpec {
  return { name: def.name, primaryKey: def.primaryKey, schema: streamSchema(def), ...(def.window?.events ? { timeField: def.window.cursorField } : {}) };
}
