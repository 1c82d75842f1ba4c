import type { JsonSchema } from '../../shared/json';
import type { TableSpec } from '../../destinations/table-model';
import schemas from './schemas.json';
import { POSITION_FIELD, type Pagination, type QueryDefinition, type StreamDef, type TimeWindow } from './types';
import { DEFAULT_USAGE_ATTRIBUTION_TYPES, HOURLY_USAGE_ATTRIBUTION_TYPES } from './usage-types';

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

/** The key field a usage or cost stream derives from its records' fields (`derivedKey`). */
function keyField(description: string): JsonSchema {
  return { type: 'string', description };
}

/** One row of an ordered list (`recordShape: 'ordered'`): its position and the name or id there. */
function orderedRowSchema(description: string, valueField: string, valueDescription: string): JsonSchema {
  return {
    type: 'object',
    description,
    properties: {
      [POSITION_FIELD]: { type: 'integer', description: 'Place in the order, from 0 (the first).' },
      [valueField]: { type: 'string', description: valueDescription },
    },
  };
}
/** The DORA lists: no paging, at most 1000 events a call (`limit`); a full answer splits its window. */
const DORA_LIMIT = 1000;
const DORA_WINDOW: Omit<TimeWindow, 'cursorField'> = {
  fromParam: 'data.attributes.from',
  toParam: 'data.attributes.to',
  unit: 'iso',
  cursorUnit: 'ns',
  splitWhenFull: DORA_LIMIT,
};
const DORA_NOTES =
  'POST, with no paging and at most 1000 events a call: a window that returns 1000 is read again as two halves, split again while they come ' +
  'back full, so none is lost. `started_at` and `finished_at` are epoch nanoseconds, as the spec Retriever follows types them; Datadog\'s newer ' +
  'specs type them as ISO-8601 strings, which would leave those two columns empty and the values in `_raw`. The spec does not say which time ' +
  '`from`/`to` filter on: the windows partition whichever it is, so each event is read once.';

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
    rateLimitBucket: 'monitors',
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
    rateLimitBucket: 'slo',
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
      'Reads the history of every SLO for each window, one request per SLO and window, one row per SLO and window, with the added fields `id` and `slo_id`. ' +
      'The SLOs are not listed again per window: they are the rows of `service_level_objectives`, which the same sync refreshes first (selecting `slo_history` alone syncs it too). ' +
      'A failed history request is retried alone; the SLOs of its page already read are not asked for again. ' +
      'An SLO deleted between the listing and its history request (404) is logged and passed over. With the default `window_size` of `1d` a row holds one day\'s SLI.',
    method: 'GET',
    path: '/api/v1/slo/{slo_id}/history',
    rateLimitBucket: 'slo',
    recordsPath: 'data',
    recordShape: 'object',
    primaryKey: 'id',
    derivedKey: { field: 'id', from: ['slo_id', 'from_ts'] },
    pagination: { kind: 'none' },
    // No lookback: a row is the SLI over its whole window; a window started earlier would be another
    // row over an overlapping span, not a fresher copy of this one.
    window: { fromParam: 'from_ts', toParam: 'to_ts', unit: 's', cursorField: 'to_ts', cursorUnit: 's', lookback: '0s' },
    // 20 SLOs a page: a retried page asks again only for the histories it has not yet written.
    parent: { stream: 'service_level_objectives', key: 'id', pathParam: 'slo_id', field: 'slo_id', batchSize: 20 },
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
  // ── Software catalog, case management, scorecards, status pages, RUM configuration, powerpacks (full refresh) ──
  {
    name: 'catalog_entities',
    description: 'Software Catalog entities (services, datastores, queues, systems, APIs), GET /api/v2/catalog/entity',
    notes:
      'Defined entities only: services APM or USM discovered without a definition are left out, as Datadog does unless `includeDiscovered=true`. ' +
      '`meta.count` counts the page, not the catalog, and `links.next` is left out on the last page: the end is a short page. ' +
      'Has no `x-permission` in the spec; the table names its OAuth scope, `apm_service_catalog_read`.',
    method: 'GET',
    path: '/api/v2/catalog/entity',
    rateLimitBucket: 'software_catalog',
    recordsPath: 'data',
    primaryKey: 'id',
    // The spec states no maximum for `page[limit]`; its default, 100, is what the official client pages by.
    pagination: { kind: 'offset', offsetParam: 'page[offset]', limitParam: 'page[limit]', maxPageSize: 100 },
    permission: 'apm_service_catalog_read',
    schemaSource: { spec: 'v2', component: 'EntityData' },
  },
  {
    name: 'catalog_relations',
    description: 'Software Catalog relations between entities, GET /api/v2/catalog/relation',
    notes:
      'The key is `<from ref>:<relation type>:<to ref>` (e.g. `service:default/web:RelationTypeDependsOn:service:default/api`); ' +
      'each direction is a row of its own (`RelationTypeOwns` and `RelationTypeOwnedBy`). Relations APM or USM discovered are left out, as Datadog does by default.',
    method: 'GET',
    path: '/api/v2/catalog/relation',
    rateLimitBucket: 'software_catalog',
    recordsPath: 'data',
    primaryKey: 'id',
    // The spec states no maximum for `page[limit]`; its default, 100, is what the official client pages by.
    pagination: { kind: 'offset', offsetParam: 'page[offset]', limitParam: 'page[limit]', maxPageSize: 100 },
    permission: 'apm_service_catalog_read',
    schemaSource: { spec: 'v2', component: 'RelationResponse' },
  },
  {
    name: 'service_definitions',
    description: 'Service definitions, GET /api/v2/services/definitions',
    notes:
      'Each definition keeps the schema version it was written in (`schema_version` is not sent). The `meta` and `schema` columns hold JSON with ' +
      'hyphenated keys (`dd-service`, `last-modified-time`). The same services are also `catalog_entities` of kind `service`, the catalog\'s newer model.',
    method: 'GET',
    path: '/api/v2/services/definitions',
    rateLimitBucket: 'software_catalog',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: JSONAPI_PAGES,
    permission: 'apm_service_catalog_read',
    schemaSource: { spec: 'v2', component: 'ServiceDefinitionData' },
  },
  {
    name: 'cases',
    description: 'Case Management cases, GET /api/v2/cases',
    notes:
      'Pages count from 1: the spec\'s parameter default says 0, but its `x-pagination` (`pageStart: 1`), the official client and a recorded ' +
      'exchange all start at 1. Sorted oldest first (`sort[field]=created_at`, `sort[asc]=true`), so a case opened during the sync lands on a later page. ' +
      'Datadog sends `type` values the spec does not list (`ERROR_TRACKING_ISSUE`, besides `STANDARD`) and fields it does not describe (`comment_count`): ' +
      'kept as they come. Timestamps come with nanoseconds; columns keep microseconds, `_raw` all of them. Answers 404 where Case Management is not enabled.',
    method: 'GET',
    path: '/api/v2/cases',
    rateLimitBucket: 'case_management',
    recordsPath: 'data',
    primaryKey: 'id',
    // Pages start at 1 (`pageStart: 1`), though the parameter's default reads 0.
    pagination: { kind: 'page', pageParam: 'page[number]', sizeParam: 'page[size]', maxPageSize: 100, firstPage: 1 },
    // Oldest first: with the default (newest first) a case opened mid-sync would push one onto the next page twice.
    params: { 'sort[field]': 'created_at', 'sort[asc]': 'true' },
    // The operation has no `x-permission`; its OAuth scope is `cases_read`.
    permission: 'cases_read',
    schemaSource: { spec: 'v2', component: 'Case' },
  },
  {
    name: 'case_projects',
    description: 'Case Management projects, GET /api/v2/cases/projects',
    method: 'GET',
    path: '/api/v2/cases/projects',
    rateLimitBucket: 'case_management',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: { kind: 'none' },
    permission: 'cases_read',
    schemaSource: { spec: 'v2', component: 'Project' },
  },
  {
    name: 'scorecard_rules',
    description: 'Scorecard rules, GET /api/v2/scorecard/rules',
    notes:
      'Datadog sends `links.next` on every page, the last and empty ones too, written with `page[limit]` where the request says `page[size]`: ' +
      'it is not followed; the offset advances by the rules received and a short page ends the stream.',
    method: 'GET',
    path: '/api/v2/scorecard/rules',
    rateLimitBucket: 'scorecards',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: { kind: 'offset', offsetParam: 'page[offset]', limitParam: 'page[size]', maxPageSize: 100 },
    permission: 'apm_service_catalog_read',
    schemaSource: { spec: 'v2', component: 'ListRulesResponseDataItem' },
  },
  {
    name: 'scorecard_outcomes',
    description: 'Scorecard rule outcomes per service, GET /api/v2/scorecard/outcomes',
    notes:
      'The key is `<rule id>\\<service name>`, with a literal backslash. Paged like `scorecard_rules` (its `links.next` is not followed either).',
    method: 'GET',
    path: '/api/v2/scorecard/outcomes',
    rateLimitBucket: 'scorecards',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: { kind: 'offset', offsetParam: 'page[offset]', limitParam: 'page[size]', maxPageSize: 100 },
    permission: 'apm_service_catalog_read',
    schemaSource: { spec: 'v2', component: 'OutcomesResponseDataItem' },
  },
  {
    name: 'status_pages',
    description: 'Status pages, GET /api/v2/statuspages',
    notes:
      'Pages of 50, the default (the spec states no maximum): records may carry base64 images (`company_logo`, `favicon`, `email_header_image`). ' +
      '`meta.page.total` is null on this list; the end is a short page.',
    method: 'GET',
    path: '/api/v2/statuspages',
    rateLimitBucket: 'status_pages',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: { kind: 'offset', offsetParam: 'page[offset]', limitParam: 'page[limit]', maxPageSize: 50 },
    permission: 'status_pages_settings_read',
    schemaSource: { spec: 'v2', component: 'StatusPageData' },
  },
  {
    name: 'status_page_degradations',
    description: 'Degradations of every status page, GET /api/v2/statuspages/degradations',
    notes: 'Sorted oldest first (`sort=created_at`), so offsets stay put while new degradations are opened.',
    method: 'GET',
    path: '/api/v2/statuspages/degradations',
    rateLimitBucket: 'status_pages',
    recordsPath: 'data',
    primaryKey: 'id',
    // The spec states no maximum for `page[limit]`; its default is 50.
    pagination: { kind: 'offset', offsetParam: 'page[offset]', limitParam: 'page[limit]', maxPageSize: 50 },
    params: { sort: 'created_at' },
    permission: 'status_pages_settings_read',
    schemaSource: { spec: 'v2', component: 'DegradationData' },
  },
  {
    name: 'status_page_maintenances',
    description: 'Maintenances of every status page, GET /api/v2/statuspages/maintenances',
    notes: 'Sorted oldest first (`sort=created_at`, a time the records themselves do not carry).',
    method: 'GET',
    path: '/api/v2/statuspages/maintenances',
    rateLimitBucket: 'status_pages',
    recordsPath: 'data',
    primaryKey: 'id',
    // The spec states no maximum for `page[limit]`; its default is 50.
    pagination: { kind: 'offset', offsetParam: 'page[offset]', limitParam: 'page[limit]', maxPageSize: 50 },
    params: { sort: 'created_at' },
    permission: 'status_pages_settings_read',
    schemaSource: { spec: 'v2', component: 'MaintenanceData' },
  },
  {
    name: 'rum_applications',
    description: 'RUM applications, GET /api/v2/rum/applications',
    notes:
      '`created_at` and `updated_at` are epoch milliseconds (integer columns). The list leaves out each application\'s `client_token`. ' +
      'Answers 404 where RUM is not available.',
    method: 'GET',
    path: '/api/v2/rum/applications',
    rateLimitBucket: 'rum_config',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: { kind: 'none' },
    permission: 'rum_apps_read',
    schemaSource: { spec: 'v2', component: 'RUMApplicationList' },
  },
  {
    name: 'rum_metrics',
    description: 'RUM-based custom metrics, GET /api/v2/rum/config/metrics',
    notes: 'The key is the metric\'s name. The spec names no permission for this endpoint (neither `x-permission` nor an OAuth scope).',
    method: 'GET',
    path: '/api/v2/rum/config/metrics',
    rateLimitBucket: 'rum_config',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: { kind: 'none' },
    permission: '',
    schemaSource: { spec: 'v2', component: 'RumMetricResponseData' },
  },
  {
    name: 'powerpacks',
    description: 'Powerpacks (reusable groups of widgets), GET /api/v2/powerpacks',
    notes: '`links.next` and `meta.pagination.next_offset` are sent on the last page too, and there is no total: the end is a short page.',
    method: 'GET',
    path: '/api/v2/powerpacks',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: { kind: 'offset', offsetParam: 'page[offset]', limitParam: 'page[limit]', maxPageSize: 1000 },
    permission: 'dashboards_read',
    schemaSource: { spec: 'v2', component: 'PowerpackData' },
  },
  // ── Usage and cost (Usage Metering and Cloud Cost Management) ──────────────────────────
  {
    name: 'usage_hourly',
    description: 'Hourly usage of every product family, GET /api/v2/usage/hourly_usage',
    notes:
      'Asks for `filter[product_families]=all`, for the organisation of the keys (no `filter[include_descendants]`: one request may then span two months, ' +
      'so windows are at most 59 days). Windows start and end on whole hours: the hour in progress is read by the next run. Datadog revises usage for up ' +
      'to 72 hours, so every run reads the 72 hours before its bookmark again; it keeps 15 months, and nothing older is asked for. The key is ' +
      'organisation, product family and hour (`key`); Datadog\'s `id` is kept as sent.',
    method: 'GET',
    path: '/api/v2/usage/hourly_usage',
    rateLimitBucket: 'usage_metering',
    recordsPath: 'data',
    primaryKey: 'key',
    derivedKey: { field: 'key', from: ['attributes.public_id', 'attributes.product_family', 'attributes.timestamp'] },
    pagination: { kind: 'cursor', cursorParam: 'page[next_record_id]', limitParam: 'page[limit]', nextCursorPath: 'meta.pagination.next_record_id', maxPageSize: 500 },
    // "Up to two months of hourly usage data for a single organization in one request": two calendar months are at least 59 days.
    window: { fromParam: 'filter[timestamp][start]', toParam: 'filter[timestamp][end]', unit: 'hour', cursorField: 'attributes.timestamp', lookback: '72h', maxSpan: '59d', retentionMonths: 15 },
    params: { 'filter[product_families]': 'all' },
    permission: 'usage_read',
    schemaSource: { spec: 'v2', component: 'HourlyUsage', addedFields: { key: keyField('Organisation public id, product family and hour, joined by ":".') } },
  },
  {
    name: 'usage_summary',
    description: 'Usage across the account, one row per month, GET /api/v1/usage/summary',
    notes:
      'Parent organisations only. One row per month (`key` is its `YYYY-MM`); the current month holds its figures so far. The totals over the whole ' +
      'requested range at the top of the response are not rows. Datadog revises usage for 72 hours, so each run reads again the month the 72 hours ' +
      'before its bookmark fall in; `start_month` may be at most 15 months back. New billing dimensions come as new fields: scalars get columns of ' +
      'their own, everything stays in `_raw`.',
    method: 'GET',
    path: '/api/v1/usage/summary',
    rateLimitBucket: 'usage_metering',
    recordsPath: 'usage',
    primaryKey: 'key',
    derivedKey: { field: 'key', from: [{ path: 'date', as: 'month' }] },
    pagination: { kind: 'none' },
    window: { fromParam: 'start_month', toParam: 'end_month', unit: 'month', inclusiveTo: true, cursorField: 'date', lookback: '72h', retentionMonths: 15 },
    parentOrgOnly: true,
    permission: 'usage_read',
    schemaSource: { spec: 'v1', component: 'UsageSummaryDate', addedFields: { key: keyField('The month (YYYY-MM).') } },
  },
  {
    name: 'estimated_cost',
    description: 'Estimated cost of the current and previous month, per organisation, GET /api/v2/usage/estimated_cost',
    notes:
      'Parent organisations only. Reads `view=sub-org` (a row per organisation and month; `summary` would be the account total alone) by month. Datadog ' +
      'estimates only the current and the previous month, so nothing older is asked for, and every run reads the current month again (and the previous ' +
      'one for 72 hours after it ends). An estimate is re-dated as its data grows (`date`), so the key is organisation and month (`key`).',
    method: 'GET',
    path: '/api/v2/usage/estimated_cost',
    rateLimitBucket: 'usage_metering',
    recordsPath: 'data',
    primaryKey: 'key',
    derivedKey: { field: 'key', from: ['attributes.public_id', { path: 'attributes.date', as: 'month' }] },
    pagination: { kind: 'none' },
    window: { fromParam: 'start_month', toParam: 'end_month', unit: 'month', inclusiveTo: true, cursorField: 'attributes.date', lookback: '72h', retentionMonths: 1 },
    params: { view: 'sub-org' },
    parentOrgOnly: true,
    permission: 'usage_read and billing_read',
    schemaSource: { spec: 'v2', component: 'CostByOrg', addedFields: { key: keyField('Organisation public id and month (YYYY-MM), joined by ":".') } },
  },
  {
    name: 'historical_cost',
    description: 'Cost of each closed month, per organisation, GET /api/v2/usage/historical_cost',
    notes:
      'Parent organisations only. Reads `view=sub-org` by month. Datadog publishes a month\'s cost by the 16th of the next month, so each run reads ' +
      'again the month 17 days before its bookmark fall in: a month is read until its cost is final. Replaces the deprecated ' +
      '`GET /api/v2/usage/cost_by_org`, which answers the same records and is not a stream of its own.',
    method: 'GET',
    path: '/api/v2/usage/historical_cost',
    rateLimitBucket: 'usage_metering',
    recordsPath: 'data',
    primaryKey: 'key',
    derivedKey: { field: 'key', from: ['attributes.public_id', { path: 'attributes.date', as: 'month' }] },
    pagination: { kind: 'none' },
    window: { fromParam: 'start_month', toParam: 'end_month', unit: 'month', inclusiveTo: true, cursorField: 'attributes.date', lookback: '17d' },
    params: { view: 'sub-org' },
    parentOrgOnly: true,
    permission: 'usage_read and billing_read',
    schemaSource: { spec: 'v2', component: 'CostByOrg', addedFields: { key: keyField('Organisation public id and month (YYYY-MM), joined by ":".') } },
  },
  {
    name: 'projected_cost',
    description: 'Projected cost of the current month, per organisation, GET /api/v2/usage/projected_cost',
    notes:
      'Parent organisations only. The current month\'s projection (`view=sub-org`), which Datadog starts around the 12th: before that the table is ' +
      'empty, and a new month\'s projection replaces the last one.',
    method: 'GET',
    path: '/api/v2/usage/projected_cost',
    rateLimitBucket: 'usage_metering',
    recordsPath: 'data',
    primaryKey: 'key',
    derivedKey: { field: 'key', from: ['attributes.public_id', { path: 'attributes.date', as: 'month' }] },
    pagination: { kind: 'none' },
    params: { view: 'sub-org' },
    parentOrgOnly: true,
    permission: 'usage_read and billing_read',
    schemaSource: { spec: 'v2', component: 'ProjectedCost', addedFields: { key: keyField('Organisation public id and month (YYYY-MM), joined by ":".') } },
  },
  {
    name: 'monthly_cost_attribution',
    description: 'Monthly cost by organisation, with every cost field, GET /api/v2/cost_by_tag/monthly_cost_attribution',
    notes:
      'Parent organisations only, and not on the US1-FED site. Sends `fields=*` (every cost and share of every billing dimension, in `values`) and no ' +
      '`tag_breakdown_keys`: a row per organisation and month (child organisations included, Datadog\'s default). Datadog chooses the page size. ' +
      'A month\'s attribution is final by the 19th of the next month, so each run reads again the month 20 days before its bookmark fall in.',
    method: 'GET',
    path: '/api/v2/cost_by_tag/monthly_cost_attribution',
    rateLimitBucket: 'usage_metering',
    recordsPath: 'data',
    primaryKey: 'key',
    derivedKey: { field: 'key', from: ['attributes.public_id', { path: 'attributes.month', as: 'month' }] },
    pagination: { kind: 'cursor', cursorParam: 'next_record_id', nextCursorPath: 'meta.pagination.next_record_id' },
    window: { fromParam: 'start_month', toParam: 'end_month', unit: 'month', inclusiveTo: true, cursorField: 'attributes.month', lookback: '20d' },
    params: { fields: '*' },
    parentOrgOnly: true,
    permission: 'usage_read and billing_read',
    schemaSource: { spec: 'v2', component: 'MonthlyCostAttributionBody', addedFields: { key: keyField('Organisation public id and month (YYYY-MM), joined by ":".') } },
  },
  {
    name: 'hourly_usage_attribution',
    description: 'Hourly usage by organisation, one usage type per request, GET /api/v1/usage/hourly-attribution',
    notes:
      'The endpoint takes one `usage_type` per request, so each window is read once per usage type listed in ' +
      '`stream_options.hourly_usage_attribution.usage_types` (any of the spec\'s 89), by default the six nearly every organisation is billed on: ' +
      `${DEFAULT_USAGE_ATTRIBUTION_TYPES.map((t) => `\`${t}\``).join(', ')}. Child organisations are included (Datadog's default), so a request ` +
      'spans at most 24 hours. No `tag_breakdown_keys`: a row per organisation, hour and usage type (`key`). Datadog chooses the page size; like ' +
      '`usage_hourly`, every run reads the 72 hours before its bookmark again, and nothing older than 15 months is asked for.',
    method: 'GET',
    path: '/api/v1/usage/hourly-attribution',
    rateLimitBucket: 'usage_metering',
    recordsPath: 'usage',
    primaryKey: 'key',
    derivedKey: { field: 'key', from: ['public_id', 'hour', 'usage_type'] },
    pagination: { kind: 'cursor', cursorParam: 'next_record_id', nextCursorPath: 'metadata.pagination.next_record_id' },
    // `include_descendants` defaults to true: "up to 24 hours of hourly usage data for multiple organizations" a request.
    window: { fromParam: 'start_hr', toParam: 'end_hr', unit: 'hour', cursorField: 'hour', lookback: '72h', maxSpan: '24h', retentionMonths: 15 },
    fanOut: { param: 'usage_type', option: 'usage_types', defaults: DEFAULT_USAGE_ATTRIBUTION_TYPES, allowed: HOURLY_USAGE_ATTRIBUTION_TYPES },
    permission: 'usage_read',
    schemaSource: { spec: 'v1', component: 'HourlyUsageAttributionBody', addedFields: { key: keyField('Organisation public id, hour and usage type, joined by ":".') } },
  },
  {
    name: 'active_billing_dimensions',
    description: 'Billing dimensions active for cost attribution, GET /api/v2/cost_by_tag/active_billing_dimensions',
    notes: 'One row: the month Datadog reports on (a closed month) and the billing dimensions active in it; `key` is that month (`YYYY-MM`).',
    method: 'GET',
    path: '/api/v2/cost_by_tag/active_billing_dimensions',
    rateLimitBucket: 'usage_metering',
    recordsPath: 'data',
    recordShape: 'object',
    primaryKey: 'key',
    derivedKey: { field: 'key', from: [{ path: 'attributes.month', as: 'month' }] },
    pagination: { kind: 'none' },
    permission: 'usage_read',
    schemaSource: { spec: 'v2', component: 'ActiveBillingDimensionsBody', addedFields: { key: keyField('The month (YYYY-MM).') } },
  },
  {
    name: 'cloud_cost_aws_configs',
    description: 'Cloud Cost Management AWS CUR configurations, GET /api/v2/cost/aws_cur_config',
    method: 'GET',
    path: '/api/v2/cost/aws_cur_config',
    rateLimitBucket: 'cloud_cost_management',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: { kind: 'none' },
    permission: 'cloud_cost_management_read',
    schemaSource: { spec: 'v2', component: 'AwsCURConfig' },
  },
  {
    name: 'cloud_cost_azure_configs',
    description: 'Cloud Cost Management Azure configurations (actual and amortized exports per account), GET /api/v2/cost/azure_uc_config',
    method: 'GET',
    path: '/api/v2/cost/azure_uc_config',
    rateLimitBucket: 'cloud_cost_management',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: { kind: 'none' },
    permission: 'cloud_cost_management_read',
    schemaSource: { spec: 'v2', component: 'AzureUCConfigPair' },
  },
  {
    name: 'cloud_cost_gcp_configs',
    description: 'Cloud Cost Management Google Cloud usage cost configurations, GET /api/v2/cost/gcp_uc_config',
    method: 'GET',
    path: '/api/v2/cost/gcp_uc_config',
    rateLimitBucket: 'cloud_cost_management',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: { kind: 'none' },
    permission: 'cloud_cost_management_read',
    schemaSource: { spec: 'v2', component: 'GCPUsageCostConfig' },
  },
  {
    name: 'custom_costs',
    description: 'Custom Costs files uploaded to Cloud Cost Management, GET /api/v2/cost/custom_costs',
    notes:
      'The spec states neither the first page number nor a maximum `page[size]`: pages are counted from 0, as Datadog\'s other `page[number]` lists ' +
      'count them (were they 1-based, the first page would be read twice, which the upsert absorbs), 100 at a time, the spec\'s default.',
    method: 'GET',
    path: '/api/v2/cost/custom_costs',
    rateLimitBucket: 'cloud_cost_management',
    recordsPath: 'data',
    primaryKey: 'id',
    // No maximum stated for `page[size]`; 100 is its default.
    pagination: { kind: 'page', pageParam: 'page[number]', sizeParam: 'page[size]', maxPageSize: 100 },
    permission: 'cloud_cost_management_read',
    schemaSource: { spec: 'v2', component: 'CustomCostsFileMetadataHighLevel' },
  },
  {
    name: 'cost_budgets',
    description: 'Cloud Cost Management budgets, GET /api/v2/cost/budgets',
    notes: 'The spec names no permission (nor OAuth scope) for it.',
    method: 'GET',
    path: '/api/v2/cost/budgets',
    rateLimitBucket: 'cloud_cost_management',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: { kind: 'none' },
    permission: '',
    schemaSource: { spec: 'v2', component: 'Budget' },
  },
  // ── Infrastructure, synthetic results, SLO corrections, logs and monitor configuration ──
  {
    name: 'containers',
    description: 'Containers running or stopped within the last 36 hours, GET /api/v2/containers',
    notes:
      'The spec asks for no permission (`OPEN`): any valid key pair reads it. Datadog keeps a container 36 hours after it stops, so each full refresh holds ' +
      'what it lists then. `created_at` and `started_at` come without a zone and are stored as UTC timestamps. A short page with a cursor is not the end: ' +
      'the list ends with an empty page.',
    method: 'GET',
    path: '/api/v2/containers',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: { kind: 'cursor', cursorParam: 'page[cursor]', limitParam: 'page[size]', nextCursorPath: 'meta.pagination.next_cursor', maxPageSize: 10_000 },
    permission: '',
    schemaSource: { spec: 'v2', component: 'Container', timeFields: ['attributes.created_at', 'attributes.started_at'] },
  },
  {
    name: 'container_images',
    description: 'Container images, GET /api/v2/container_images',
    notes: 'The spec asks for no permission (`OPEN`). As with `containers`, a short page with a cursor is not the end; an empty page is.',
    method: 'GET',
    path: '/api/v2/container_images',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: { kind: 'cursor', cursorParam: 'page[cursor]', limitParam: 'page[size]', nextCursorPath: 'meta.pagination.next_cursor', maxPageSize: 10_000 },
    permission: '',
    schemaSource: { spec: 'v2', component: 'ContainerImage', timeFields: ['attributes.published_at'] },
  },
  {
    name: 'processes',
    description: 'Processes seen in each window (Datadog keeps 36 hours), GET /api/v2/processes',
    notes:
      'Incremental, because the endpoint lists the processes seen within a time window (`from`/`to`, epoch seconds; without them only the last 15 minutes) ' +
      'and keeps them only 36 hours: a full refresh would hold only what was seen lately and drop every process that ended, while windows read ' +
      'one after another keep each process seen since the start (a `start_date` older than 36 hours finds nothing before that). One row per process, ' +
      'upserted by `id`: its `timestamp` is the last time it was seen in the latest window read. `timestamp` and `start` come without a zone and are ' +
      'stored as UTC timestamps. `stream_options.processes.query` is sent as `search`. The spec asks for no permission (`OPEN`).',
    method: 'GET',
    path: '/api/v2/processes',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: { kind: 'cursor', cursorParam: 'page[cursor]', limitParam: 'page[limit]', nextCursorPath: 'meta.page.after', maxPageSize: 10_000 },
    window: { fromParam: 'from', toParam: 'to', unit: 's', cursorField: 'attributes.timestamp', cursorUnit: 'iso' },
    queryParam: 'search',
    permission: '',
    schemaSource: { spec: 'v2', component: 'ProcessSummary', timeFields: ['attributes.timestamp', 'attributes.start'] },
  },
  {
    name: 'synthetic_results',
    description: 'Results of every API and browser synthetic test, GET /api/v1/synthetics/tests/{public_id}/results (browser: /tests/browser/{public_id}/results)',
    notes:
      'Read per synthetic test, 5 tests a page: API tests at `/tests/{public_id}/results`, browser tests at `/tests/browser/{public_id}/results`. ' +
      'Mobile and network tests have no results endpoint in the spec: they are passed over, and the worker log says which on each page. ' +
      'Each call returns at most the newest 150 results in the window, so a window is read backwards: the next call asks up to ' +
      '`last_timestamp_fetched`, which Datadog cuts to the second, to the end of that second (results of that second are read again, none are lost), ' +
      'until a call returns fewer than 150. More than 150 results of one test in one second cannot be read without loss: the stream then fails and says so. ' +
      'Keyed by test and result (`id` = `public_id:result_id`); `result` holds the browser shape for browser tests. ' +
      'Datadog keeps successful results 15 days and failed ones a month unless they are viewed, so a `start_date` further back finds fewer.',
    method: 'GET',
    path: '/api/v1/synthetics/tests/{public_id}/results',
    rateLimitBucket: 'synthetics',
    recordsPath: 'results',
    primaryKey: 'id',
    derivedKey: { field: 'id', from: ['public_id', 'result_id'] },
    pagination: { kind: 'backward_time', toParam: 'to_ts', nextToPath: 'last_timestamp_fetched', cap: 150, nextToResolutionMs: 1000 },
    window: { fromParam: 'from_ts', toParam: 'to_ts', unit: 'ms', cursorField: 'check_time', cursorUnit: 'ms' },
    parent: {
      stream: 'synthetic_tests',
      key: 'public_id',
      pathParam: 'public_id',
      field: 'public_id',
      // A test may take several calls per window (150 results each): fewer tests per page keep a retried page small.
      batchSize: 5,
      where: { field: 'type', in: ['api', 'browser'] },
      paths: { field: 'type', byValue: { browser: '/api/v1/synthetics/tests/browser/{public_id}/results' } },
    },
    permission: 'synthetics_read',
    schemaSource: {
      spec: 'v1',
      component: 'SyntheticsAPITestResultShort',
      addedFields: {
        id: { type: 'string', description: 'The test\'s public id and the result id, joined by ":".' },
        public_id: { type: 'string', description: 'The synthetic test this result belongs to.' },
      },
    },
  },

  // ── Security, CI Visibility, errors and APM, DORA ─────────────────────────────────────
  {
    name: 'security_signals',
    description: 'Cloud SIEM and workload security signals, GET /api/v2/security_monitoring/signals',
    notes:
      'Read by the time each signal was created. A signal is triaged later (status, assignee, archive): such changes are picked up only while the ' +
      'signal is within the lookback of a run; older signals keep the state they had when read.',
    method: 'GET',
    path: '/api/v2/security_monitoring/signals',
    rateLimitBucket: 'security_monitoring',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: EVENTS_CURSOR,
    window: eventsWindow('iso'),
    queryParam: 'filter[query]',
    permission: 'security_monitoring_signals_read',
    schemaSource: { spec: 'v2', component: 'SecurityMonitoringSignal' },
  },
  {
    name: 'security_rules',
    description: 'Detection rules, default and custom, GET /api/v2/security_monitoring/rules',
    method: 'GET',
    path: '/api/v2/security_monitoring/rules',
    rateLimitBucket: 'security_monitoring',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: JSONAPI_PAGES,
    permission: 'security_monitoring_rules_read',
    // Records are standard or signal-correlation rules; the standard one holds every field of the other.
    schemaSource: { spec: 'v2', component: 'SecurityMonitoringStandardRuleResponse' },
  },
  {
    name: 'security_findings',
    description: 'Security findings (misconfigurations, vulnerabilities, …) as they stand now, GET /api/v2/security/findings',
    notes:
      'The endpoint has no time filter: each run reads every finding Datadog holds now (at most 150 a page, its maximum) and removes the rows of ' +
      'findings no longer listed. `timestamp` is epoch milliseconds, although the spec calls it a Unix timestamp in seconds. The legacy ' +
      '`/api/v2/posture_management/findings` is unstable and being retired, so it is not used.',
    method: 'GET',
    path: '/api/v2/security/findings',
    rateLimitBucket: 'security_monitoring',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: { kind: 'cursor', cursorParam: 'page[cursor]', limitParam: 'page[limit]', nextCursorPath: 'meta.page.after', maxPageSize: 150 },
    queryParam: 'filter[query]',
    permission: 'security_monitoring_findings_read or appsec_vm_read',
    schemaSource: { spec: 'v2', component: 'SecurityFindingsData' },
  },
  {
    name: 'security_suppressions',
    description: 'Suppression rules of security signals, GET /api/v2/security_monitoring/configuration/suppressions',
    notes: 'Has no `x-permission` in the spec; the table names its OAuth scope. One request returns every suppression (`page[size]` defaults to "all").',
    method: 'GET',
    path: '/api/v2/security_monitoring/configuration/suppressions',
    rateLimitBucket: 'security_monitoring',
    recordsPath: 'data',
    primaryKey: 'id',
    // `page[size]` defaults to -1, "return all items": one request reads them all.
    pagination: { kind: 'none' },
    // The operation has no `x-permission`; its OAuth scope is `security_monitoring_suppressions_read`.
    permission: 'security_monitoring_suppressions_read',
    schemaSource: { spec: 'v2', component: 'SecurityMonitoringSuppression' },
  },
  {
    name: 'security_filters',
    description: 'Security filters (what Cloud SIEM analyses), GET /api/v2/security_monitoring/configuration/security_filters',
    method: 'GET',
    path: '/api/v2/security_monitoring/configuration/security_filters',
    rateLimitBucket: 'security_monitoring',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: { kind: 'none' },
    permission: 'security_monitoring_filters_read',
    schemaSource: { spec: 'v2', component: 'SecurityFilter' },
  },
  {
    name: 'ci_pipeline_events',
    description: 'CI Visibility pipeline events (pipelines, stages, jobs, steps), GET /api/v2/ci/pipelines/events',
    notes: 'The event time is `attributes.attributes.start`, in epoch nanoseconds (records have no `attributes.timestamp`); `duration` is in nanoseconds too.',
    method: 'GET',
    path: '/api/v2/ci/pipelines/events',
    rateLimitBucket: 'ci_visibility',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: EVENTS_CURSOR,
    window: { ...eventsWindow('iso', 'attributes.attributes.start'), cursorUnit: 'ns' },
    queryParam: 'filter[query]',
    permission: 'ci_visibility_read',
    schemaSource: { spec: 'v2', component: 'CIAppPipelineEvent' },
  },
  {
    name: 'ci_test_events',
    description: 'CI Visibility test events (sessions, modules, suites, tests), GET /api/v2/ci/tests/events',
    notes: 'The event time is `attributes.attributes.start`, in epoch nanoseconds (records have no `attributes.timestamp`).',
    method: 'GET',
    path: '/api/v2/ci/tests/events',
    rateLimitBucket: 'ci_visibility',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: EVENTS_CURSOR,
    window: { ...eventsWindow('iso', 'attributes.attributes.start'), cursorUnit: 'ns' },
    queryParam: 'filter[query]',
    permission: 'ci_visibility_read or test_optimization_read',
    schemaSource: { spec: 'v2', component: 'CIAppTestEvent' },
  },
  {
    name: 'error_tracking_issues',
    description: 'Error Tracking issues that had errors in the period read, POST /api/v2/error-tracking/issues/search',
    notes:
      'One row per issue, the `Issue` resource as `included[]` holds it (`include=issue`), keyed by its id; the search result\'s counts ' +
      '(`total_count`, `impacted_sessions`, `impacted_users`) are left out, as they count only the window that found the issue. ' +
      'A window returns the issues with errors in it, at most 100 and with no paging: a window that returns 100 is read again as two halves, ' +
      'split again while they come back full, so none is lost. An issue with errors in many windows is found in each, and each read overwrites ' +
      'its row with its latest state. More than 100 issues with errors within about one second fail the stream: narrow its query ' +
      '(`stream_options.error_tracking_issues.query`). Has no `x-permission` in the spec; the table names its OAuth scope.',
    method: 'POST',
    path: '/api/v2/error-tracking/issues/search',
    recordsPath: 'data',
    // The search results only say which issues matched; each row is the issue itself.
    included: { relationship: 'relationships.issue.data' },
    primaryKey: 'id',
    pagination: { kind: 'none' },
    // `from` inclusive, `to` exclusive, epoch ms; "limited to a maximum of 100 issues per request".
    window: { fromParam: 'data.attributes.from', toParam: 'data.attributes.to', unit: 'ms', numeric: true, cursorField: 'attributes.last_seen', cursorUnit: 'ms', splitWhenFull: 100 },
    params: { include: 'issue' },
    // `query` is required; `persona` (or `track`) too: ALL covers every track.
    body: { 'data.type': 'search_request', 'data.attributes.query': '*', 'data.attributes.persona': 'ALL' },
    queryParam: 'data.attributes.query',
    // The operation has no `x-permission`; its OAuth scope is `error_tracking_read`.
    permission: 'error_tracking_read',
    schemaSource: { spec: 'v2', component: 'Issue' },
  },
  {
    name: 'apm_retention_filters',
    description: 'APM retention filters, GET /api/v2/apm/config/retention-filters',
    method: 'GET',
    path: '/api/v2/apm/config/retention-filters',
    rateLimitBucket: 'apm_config',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: { kind: 'none' },
    permission: 'apm_retention_filter_read',
    schemaSource: { spec: 'v2', component: 'RetentionFilterAll' },
  },
  {
    name: 'span_based_metrics',
    description: 'Metrics generated from spans, GET /api/v2/apm/config/metrics',
    method: 'GET',
    path: '/api/v2/apm/config/metrics',
    rateLimitBucket: 'apm_config',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: { kind: 'none' },
    permission: 'apm_read',
    schemaSource: { spec: 'v2', component: 'SpansMetricResponseData' },
  },
  {
    name: 'apm_services',
    description: 'Names of the services APM sees, in every environment, GET /api/v2/apm/services',
    notes:
      'Datadog has no list of APM service records: this endpoint answers one object holding the names of every service APM sees, one row each ' +
      '(`filter[env]=*`, every environment). Its `metadata` list is not stored: the spec does not say it lines up with the names. Owned service ' +
      'metadata is in the Service Catalog\'s endpoints instead. Has no `x-permission` in the spec; the table names its OAuth scope.',
    method: 'GET',
    path: '/api/v2/apm/services',
    rateLimitBucket: 'apm_config',
    recordsPath: 'data.attributes.services',
    recordShape: 'values',
    valueField: 'service',
    primaryKey: 'service',
    pagination: { kind: 'none' },
    // Required: `*` lists the services of every environment.
    params: { 'filter[env]': '*' },
    // The operation has no `x-permission`; its OAuth scope is `apm_read`.
    permission: 'apm_read',
    schemaSource: {
      inline: {
        type: 'object',
        description: 'A service APM sees.',
        properties: { service: { type: 'string', description: 'The service name.' } },
      },
    },
  },
  {
    name: 'slo_corrections',
    description: 'SLO corrections (periods left out of SLO calculations), GET /api/v1/slo/correction',
    method: 'GET',
    path: '/api/v1/slo/correction',
    rateLimitBucket: 'slo',
    recordsPath: 'data',
    primaryKey: 'id',
    // The spec states no maximum for `limit` (default 25, what the official client pages by); 100 keeps pages small.
    pagination: { kind: 'offset', offsetParam: 'offset', limitParam: 'limit', maxPageSize: 100 },
    permission: 'slos_read',
    schemaSource: { spec: 'v1', component: 'SLOCorrection' },
  },
  {
    name: 'logs_indexes',
    description: 'Log indexes (filters, retention, daily quotas, exclusion filters), GET /api/v1/logs/config/indexes',
    notes: 'Keyed by `name`: indexes have no other id.',
    method: 'GET',
    path: '/api/v1/logs/config/indexes',
    rateLimitBucket: 'logs_config',
    recordsPath: 'indexes',
    primaryKey: 'name',
    pagination: { kind: 'none' },
    permission: 'logs_read_config',
    schemaSource: { spec: 'v1', component: 'LogsIndex' },
  },
  {
    name: 'logs_index_order',
    description: 'The order logs are matched against the indexes, one row per position, GET /api/v1/logs/config/index-order',
    notes:
      'Datadog returns one object holding the ordered index names; the table has one row per position (`position` from 0, `index_name`), ' +
      'so a full refresh rewrites each position and removes those past the end of a shorter list.',
    method: 'GET',
    path: '/api/v1/logs/config/index-order',
    rateLimitBucket: 'logs_config',
    recordsPath: 'index_names',
    recordShape: 'ordered',
    valueField: 'index_name',
    primaryKey: POSITION_FIELD,
    pagination: { kind: 'none' },
    permission: 'logs_read_config',
    schemaSource: { inline: orderedRowSchema('One place in the order logs are tested against the indexes.', 'index_name', 'The index at this place (logs go to the first index that matches).') },
  },
  {
    name: 'logs_pipelines',
    description: 'Log pipelines and their processors, integration pipelines included, GET /api/v1/logs/config/pipelines',
    notes: 'Datadog serves pipelines only to application keys created by an admin; other keys are refused (403) and the stream is skipped.',
    method: 'GET',
    path: '/api/v1/logs/config/pipelines',
    rateLimitBucket: 'logs_config',
    recordsPath: '',
    primaryKey: 'id',
    pagination: { kind: 'none' },
    permission: 'logs_read_config',
    schemaSource: { spec: 'v1', component: 'LogsPipeline' },
  },
  {
    name: 'logs_pipeline_order',
    description: 'The order logs go through the pipelines, one row per position, GET /api/v1/logs/config/pipeline-order',
    notes: 'One row per position (`position` from 0, `pipeline_id`), as `logs_index_order`.',
    method: 'GET',
    path: '/api/v1/logs/config/pipeline-order',
    rateLimitBucket: 'logs_config',
    recordsPath: 'pipeline_ids',
    recordShape: 'ordered',
    valueField: 'pipeline_id',
    primaryKey: POSITION_FIELD,
    pagination: { kind: 'none' },
    permission: 'logs_read_config',
    schemaSource: { inline: orderedRowSchema('One place in the order logs go through the pipelines.', 'pipeline_id', 'The pipeline at this place.') },
  },
  {
    name: 'logs_archives',
    description: 'Log archives (S3, GCS, Azure destinations), GET /api/v2/logs/config/archives',
    notes: 'Needs `logs_read_archives`, not `logs_read_config`. Destinations name their cloud integration (account, role, client ids), never a secret.',
    method: 'GET',
    path: '/api/v2/logs/config/archives',
    rateLimitBucket: 'logs_config',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: { kind: 'none' },
    permission: 'logs_read_archives',
    schemaSource: { spec: 'v2', component: 'LogsArchiveDefinition' },
  },
  {
    name: 'logs_metrics',
    description: 'Log-based metrics, GET /api/v2/logs/config/metrics',
    notes: 'Keyed by `id`, which is the metric\'s name.',
    method: 'GET',
    path: '/api/v2/logs/config/metrics',
    rateLimitBucket: 'logs_config',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: { kind: 'none' },
    permission: 'logs_read_config',
    schemaSource: { spec: 'v2', component: 'LogsMetricResponseData' },
  },
  {
    name: 'logs_custom_destinations',
    description: 'Custom destinations logs are forwarded to, GET /api/v2/logs/config/custom-destinations',
    method: 'GET',
    path: '/api/v2/logs/config/custom-destinations',
    rateLimitBucket: 'logs_config',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: { kind: 'none' },
    permission: 'logs_read_config or logs_read_data',
    schemaSource: { spec: 'v2', component: 'CustomDestinationResponseDefinition' },
  },
  {
    name: 'monitor_notification_rules',
    description: 'Monitor notification rules, GET /api/v2/monitor/notification_rule',
    notes:
      'Sorted by `created_at` so rules created while paging come last. The spec names the times `created` and `modified`, but Datadog sends ' +
      '`created_at` and `modified_at` (recorded): the table has columns for both, and the spec\'s stay empty.',
    method: 'GET',
    path: '/api/v2/monitor/notification_rule',
    rateLimitBucket: 'monitors',
    recordsPath: 'data',
    primaryKey: 'id',
    // `page` counts from 0 (its minimum), `per_page` at most 1000; the body has no totals, so a short page is the end.
    pagination: { kind: 'page', pageParam: 'page', sizeParam: 'per_page', maxPageSize: 1000 },
    params: { sort: 'created_at:asc' },
    permission: 'monitors_read',
    schemaSource: {
      spec: 'v2',
      component: 'MonitorNotificationRuleData',
      addedFields: {
        'attributes.created_at': { type: 'string', format: 'date-time', description: 'Creation time of the rule (what Datadog sends for the spec\'s `created`).' },
        'attributes.modified_at': { type: 'string', format: 'date-time', description: 'Last modification time of the rule (what Datadog sends for the spec\'s `modified`).' },
      },
    },
  },
  {
    name: 'monitor_config_policies',
    description: 'Monitor configuration policies (required tags), GET /api/v2/monitor/policy',
    method: 'GET',
    path: '/api/v2/monitor/policy',
    rateLimitBucket: 'monitors',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: { kind: 'none' },
    permission: 'monitors_read',
    schemaSource: { spec: 'v2', component: 'MonitorConfigPolicyResponseData' },
  },
  {
    name: 'dora_deployments',
    description: 'DORA deployment events, POST /api/v2/dora/deployments',
    notes: DORA_NOTES,
    method: 'POST',
    path: '/api/v2/dora/deployments',
    rateLimitBucket: 'dora_metrics',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: { kind: 'none' },
    window: { ...DORA_WINDOW, cursorField: 'attributes.started_at' },
    body: { 'data.type': 'dora_deployments_list_request', 'data.attributes.limit': DORA_LIMIT },
    queryParam: 'data.attributes.query',
    permission: 'dora_metrics_read',
    schemaSource: { spec: 'v2', component: 'DORADeploymentObject' },
  },
  {
    name: 'dora_failures',
    description: 'DORA failure (incident) events, POST /api/v2/dora/failures',
    notes: DORA_NOTES,
    method: 'POST',
    path: '/api/v2/dora/failures',
    rateLimitBucket: 'dora_metrics',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: { kind: 'none' },
    window: { ...DORA_WINDOW, cursorField: 'attributes.started_at' },
    body: { 'data.type': 'dora_failures_list_request', 'data.attributes.limit': DORA_LIMIT },
    queryParam: 'data.attributes.query',
    permission: 'dora_metrics_read',
    schemaSource: { spec: 'v2', component: 'DORAIncidentObject' },
  },
  // ── Inventory: dependent and derived streams, organisation and access, integrations, misc (full refresh) ──
  {
    name: 'dashboard_definitions',
    description: 'Full definition of each dashboard (widgets, template variables), GET /api/v1/dashboard/{dashboard_id}',
    notes:
      'One request per dashboard, and only for dashboards whose `modified_at` in `dashboards` differs from the definition stored: an unchanged ' +
      'dashboard keeps its row without a request. The dashboards are the rows of `dashboards`, which the same sync refreshes first (selecting ' +
      '`dashboard_definitions` alone syncs it too). A dashboard deleted between the two (404) is logged; its definition leaves the table with the refresh.',
    method: 'GET',
    path: '/api/v1/dashboard/{dashboard_id}',
    rateLimitBucket: 'dashboards',
    recordsPath: '',
    recordShape: 'object',
    primaryKey: 'id',
    pagination: { kind: 'none' },
    // 10 a page: definitions carry every widget, often hundreds of kilobytes each.
    parent: { stream: 'dashboards', key: 'id', pathParam: 'dashboard_id', field: 'id', batchSize: 10, whenChanged: { parentField: 'modified_at', field: 'modified_at' } },
    permission: 'dashboards_read',
    schemaSource: { spec: 'v1', component: 'Dashboard' },
  },
  {
    name: 'metric_metadata',
    description: 'Type, unit and description of each metric, GET /api/v1/metrics/{metric_name}',
    notes:
      'One request per metric: there is no batch endpoint. A metric is read when it first appears in `metrics` and again only once what was read ' +
      'for it is 7 days old (`stream_options.metric_metadata.refresh`, at least `1d`): Datadog has documented 100 requests an hour for metric retrieval, ' +
      'which keeps up with about 16,000 metrics re-read weekly but only 2,400 daily. The metrics are the rows of `metrics`, which the same sync ' +
      'refreshes first. A metric Datadog no longer knows (404) is logged; its row leaves the table with the refresh.',
    method: 'GET',
    path: '/api/v1/metrics/{metric_name}',
    recordsPath: '',
    recordShape: 'object',
    primaryKey: 'metric_name',
    pagination: { kind: 'none' },
    parent: { stream: 'metrics', key: 'id', pathParam: 'metric_name', field: 'metric_name', batchSize: 25, refreshAfter: '7d' },
    permission: 'metrics_read',
    schemaSource: { spec: 'v1', component: 'MetricMetadata', addedFields: { metric_name: { type: 'string', description: 'The metric this metadata describes.' } } },
  },
  {
    name: 'org',
    description: 'The organization (and the child organizations it manages), GET /api/v1/org',
    notes: 'Datadog\'s `ListOrgs`: a list (`orgs`), usually of one, keyed by `public_id`. It needs `org_management`, an administrator\'s permission.',
    method: 'GET',
    path: '/api/v1/org',
    recordsPath: 'orgs',
    primaryKey: 'public_id',
    pagination: { kind: 'none' },
    permission: 'org_management',
    schemaSource: { spec: 'v1', component: 'Organization' },
  },
  {
    name: 'api_keys',
    description: 'API keys: name, owner, dates, last four characters (never the key), GET /api/v2/api_keys',
    notes:
      'Metadata only. The v2 list never carries the key, and `attributes.key` is dropped before storage should it ever appear; the v1 list ' +
      '(`/api/v1/api_key`), which returns whole keys, and the single-key GET, which does too, are never called.',
    method: 'GET',
    path: '/api/v2/api_keys',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: JSONAPI_PAGES,
    // Oldest first: a key created while paging lands on the last page instead of shifting the others.
    params: { sort: 'created_at' },
    dropFields: ['attributes.key'],
    permission: 'api_keys_read',
    schemaSource: { spec: 'v2', component: 'PartialAPIKey' },
  },
  {
    name: 'application_keys',
    description: 'Application keys of the whole organization: name, owner, scopes, dates, last four characters (never the key), GET /api/v2/application_keys',
    notes:
      'Metadata only, as for `api_keys`: `attributes.key` is dropped before storage; the v1 list (`/api/v1/application_key`), whose `hash` is the whole key, is never called.',
    method: 'GET',
    path: '/api/v2/application_keys',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: JSONAPI_PAGES,
    params: { sort: 'created_at' },
    dropFields: ['attributes.key'],
    permission: 'org_app_keys_read',
    schemaSource: { spec: 'v2', component: 'PartialApplicationKey' },
  },
  {
    name: 'authn_mappings',
    description: 'SAML attribute mappings to roles, GET /api/v2/authn_mappings',
    notes: 'Mappings to roles, Datadog\'s default `resource_type`; mappings to teams are `authn_team_mappings`.',
    method: 'GET',
    path: '/api/v2/authn_mappings',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: JSONAPI_PAGES,
    params: { sort: 'created_at' },
    permission: 'user_access_read',
    schemaSource: { spec: 'v2', component: 'AuthNMapping' },
  },
  {
    name: 'authn_team_mappings',
    description: 'SAML attribute mappings to teams, GET /api/v2/authn_mappings?resource_type=team',
    notes: 'The same endpoint as `authn_mappings` with `resource_type=team`: without it Datadog lists only mappings to roles.',
    method: 'GET',
    path: '/api/v2/authn_mappings',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: JSONAPI_PAGES,
    params: { sort: 'created_at', resource_type: 'team' },
    permission: 'user_access_read',
    schemaSource: { spec: 'v2', component: 'AuthNMapping' },
  },
  {
    name: 'user_roles',
    description: 'Which user holds which role, one row per user and role, from the users\' relationships (no request of its own)',
    notes:
      'Made from `relationships.roles.data` of each record of `users`, which the same sync refreshes first (selecting `user_roles` alone syncs it ' +
      'too): no request of its own. A role taken from a user leaves the table with the refresh.',
    method: 'GET',
    path: '/api/v2/users',
    recordsPath: 'data',
    primaryKey: 'id',
    derivedKey: { field: 'id', from: ['user_id', 'role_id'] },
    pagination: { kind: 'none' },
    derivedFrom: { stream: 'users', items: 'relationships.roles.data', recordFields: { user_id: 'id' }, itemFields: { role_id: 'id' } },
    permission: 'user_access_read',
    schemaSource: {
      inline: {
        type: 'object',
        description: 'One role one user holds.',
        properties: {
          id: { type: 'string', description: 'User id and role id, joined by ":".' },
          user_id: { type: 'string', description: 'The user (`users.id`).' },
          role_id: { type: 'string', description: 'The role (`roles.id`).' },
        },
      },
    },
  },
  {
    name: 'aws_accounts',
    description: 'AWS accounts of the AWS integration (v2), GET /api/v2/integration/aws/accounts',
    notes: '`auth_config.secret_access_key` is write-only in the spec and dropped before storage should it ever appear; `access_key_id` and `external_id` are kept.',
    method: 'GET',
    path: '/api/v2/integration/aws/accounts',
    rateLimitBucket: 'integrations',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: { kind: 'none' },
    dropFields: ['attributes.auth_config.secret_access_key'],
    permission: 'aws_configuration_read',
    schemaSource: { spec: 'v2', component: 'AWSAccountResponseData' },
  },
  {
    name: 'gcp_accounts',
    description: 'GCP service accounts of the GCP integration (v2, STS), GET /api/v2/integration/gcp/accounts',
    notes: 'The v2 list has the STS-enabled service accounts only; integrations made with a key file appear only in the deprecated v1 list, which returns the private key and is not read.',
    method: 'GET',
    path: '/api/v2/integration/gcp/accounts',
    rateLimitBucket: 'integrations',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: { kind: 'none' },
    permission: 'gcp_configuration_read',
    schemaSource: { spec: 'v2', component: 'GCPSTSServiceAccount' },
  },
  {
    name: 'azure_integrations',
    description: 'Azure app registrations of the Azure integration (v1), GET /api/v1/integration/azure',
    notes: 'Records have no id: the key is `tenant_name` and `client_id` joined by ":". `client_secret` is dropped before storage (the spec does not mark it write-only).',
    method: 'GET',
    path: '/api/v1/integration/azure',
    rateLimitBucket: 'integrations',
    recordsPath: '',
    primaryKey: 'id',
    derivedKey: { field: 'id', from: ['tenant_name', 'client_id'] },
    pagination: { kind: 'none' },
    dropFields: ['client_secret'],
    permission: 'azure_configuration_read',
    schemaSource: { spec: 'v1', component: 'AzureAccount', addedFields: { id: { type: 'string', description: 'Tenant and client id, joined by ":".' } } },
  },
  {
    name: 'integrations',
    description: 'Datadog\'s integrations, each with whether this organization has it installed, GET /api/v2/integrations',
    notes: 'The whole catalogue (hundreds of entries), `installed` telling which the organization uses. The spec names no permission.',
    method: 'GET',
    path: '/api/v2/integrations',
    rateLimitBucket: 'integrations',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: { kind: 'none' },
    permission: '',
    schemaSource: { spec: 'v2', component: 'Integration' },
  },
  {
    name: 'ndm_devices',
    description: 'Network devices monitored by NDM, GET /api/v2/ndm/devices',
    notes: 'The spec names no permission.',
    method: 'GET',
    path: '/api/v2/ndm/devices',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: { kind: 'page', pageParam: 'page[number]', sizeParam: 'page[size]', maxPageSize: 500 },
    permission: '',
    schemaSource: { spec: 'v2', component: 'DevicesListData' },
  },
  {
    name: 'host_tags',
    description: 'Host tags, one row per host and tag, GET /api/v1/tags/hosts',
    notes:
      'Datadog answers a map from each tag to its hosts, without saying which source set a tag; only the `source` filter selects one, and the ' +
      'sources are open-ended, so rows are (host, tag) from one request. Each host\'s tags by source are in `hosts.tags_by_source`. Datadog returns ' +
      'at most 10,000 host names in all; a response that reaches that makes the run warn that some may be missing.',
    method: 'GET',
    path: '/api/v1/tags/hosts',
    recordsPath: 'tags',
    recordShape: 'map',
    // "a restriction of 10k total host names from the org that can be attached to tags and returned" (the spec).
    mapFields: { key: 'tag', value: 'host_name', maxValues: 10_000 },
    primaryKey: 'id',
    // Tags hold ":" (`env:prod`); neither host names nor tags hold "|".
    derivedKey: { field: 'id', from: ['host_name', 'tag'], separator: '|' },
    pagination: { kind: 'none' },
    permission: '',
    schemaSource: {
      inline: {
        type: 'object',
        description: 'One tag of one host.',
        properties: {
          id: { type: 'string', description: 'Host name and tag, joined by "|".' },
          host_name: { type: 'string', description: 'The host.' },
          tag: { type: 'string', description: 'The tag, e.g. `env:prod`.' },
        },
      },
    },
  },
  {
    name: 'synthetic_private_locations',
    description: 'Synthetic private locations, from GET /api/v1/synthetics/locations (ids starting "pl:")',
    notes: 'Datadog has no list of private locations: its list of locations holds public and private ones, and only ids starting `pl:` are kept.',
    method: 'GET',
    path: '/api/v1/synthetics/locations',
    rateLimitBucket: 'synthetics',
    recordsPath: 'locations',
    primaryKey: 'id',
    recordFilter: { field: 'id', startsWith: 'pl:' },
    pagination: { kind: 'none' },
    permission: 'synthetics_private_location_read',
    schemaSource: { spec: 'v1', component: 'SyntheticsLocation' },
  },
  {
    name: 'reference_tables',
    description: 'Reference tables (their definitions, not their rows), GET /api/v2/reference-tables/tables',
    notes: 'Sorted by `table_name`: the default, most recently updated first, would reorder pages when a table is updated while they are read. The spec names no permission.',
    method: 'GET',
    path: '/api/v2/reference-tables/tables',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: { kind: 'offset', offsetParam: 'page[offset]', limitParam: 'page[limit]', maxPageSize: 100 },
    params: { sort: 'table_name' },
    permission: '',
    schemaSource: { spec: 'v2', component: 'TableResultV2Data' },
  },
  {
    name: 'observability_pipelines',
    description: 'Observability Pipelines configurations, GET /api/v2/obs-pipelines/pipelines',
    method: 'GET',
    path: '/api/v2/obs-pipelines/pipelines',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: JSONAPI_PAGES,
    permission: 'observability_pipelines_read',
    schemaSource: { spec: 'v2', component: 'ObservabilityPipelineData' },
  },
  {
    name: 'sensitive_data_scanner_groups',
    description: 'Sensitive Data Scanner groups, GET /api/v2/sensitive-data-scanner/config',
    notes: 'The groups are the `included` items of type `sensitive_data_scanner_group`; the rules beside them are left out.',
    method: 'GET',
    path: '/api/v2/sensitive-data-scanner/config',
    recordsPath: 'included',
    primaryKey: 'id',
    recordFilter: { field: 'type', equals: 'sensitive_data_scanner_group' },
    pagination: { kind: 'none' },
    permission: 'data_scanner_read',
    schemaSource: { spec: 'v2', component: 'SensitiveDataScannerGroupIncludedItem' },
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

/** The stream whose records a dependent or derived stream is read from; undefined for the others. */
export function upstreamOf(def: StreamDef): string | undefined {
  return def.parent?.stream ?? def.derivedFrom?.stream;
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
  // Events timed in other units than the window's (CI's nanoseconds) are stored as numbers, not times: their table keeps its key index.
  const timed = def.window?.events && !def.window.cursorUnit;
  return { name: def.name, primaryKey: def.primaryKey, schema: streamSchema(def), ...(timed ? { timeField: def.window!.cursorField } : {}) };
}
