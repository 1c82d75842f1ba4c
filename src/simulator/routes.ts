import { currentUser, listIncidents, listPermissions, listRoles, listTeams, listUsers } from './routes/access';
import {
  listDashboardLists,
  listDashboards,
  listDowntimes,
  listGlobalVariables,
  listHosts,
  listMonitors,
  listNotebooks,
  listSyntheticTests,
} from './routes/catalog';
import { listMetrics, listSlos, queryTimeseries, sloHistory } from './routes/metrics';
import {
  getLogIndexOrder,
  getLogPipelineOrder,
  listConfigPolicies,
  listContainerImages,
  listContainers,
  listLogArchives,
  listLogCustomDestinations,
  listLogIndexes,
  listLogMetrics,
  listLogPipelines,
  listNotificationRules,
  listProcesses,
  listSloCorrections,
  syntheticResults,
} from './routes/infra';
import { searchRoute } from './routes/search';
import {
  listCaseProjects,
  listCatalogEntities,
  listCatalogRelations,
  listDegradations,
  listMaintenances,
  listPowerpacks,
  listRumApplications,
  listRumMetrics,
  listScorecardOutcomes,
  listScorecardRules,
  listServiceDefinitions,
  listStatusPages,
  searchCases,
} from './routes/software-catalog';
import * as usage from './routes/usage';
import {
  ciEventsRoute,
  doraRoute,
  listApmServices,
  listRetentionFilters,
  listSecurityFilters,
  listSecurityFindings,
  listSecurityRules,
  listSpanMetrics,
  listSuppressions,
  searchIssues,
  signalsRoute,
} from './routes/security';
import {
  getDashboard,
  getMetricMetadata,
  getScannerConfig,
  listApiKeys,
  listApplicationKeys,
  listAuthnMappings,
  listAwsAccounts,
  listAzureIntegrations,
  listGcpAccounts,
  listHostTags,
  listIntegrations,
  listNdmDevices,
  listOrgs,
  listPipelines,
  listReferenceTables,
  listSyntheticLocations,
} from './routes/inventory';
import { STREAMS, TIMESERIES_ENDPOINT } from '../datadog/streams/table';
import type { ErrorStyle, Route } from './http';

export { badRequest, type Route, type SimRequest, type SimResponse } from './http';

export interface RouteEntry {
  route: Route;
  /** The streams this route serves: `forbiddenStreams` naming one of them makes it answer 403. */
  streams: readonly string[];
  /** The permission the route needs, as the stream table states it: `forbiddenPermissions` can take it away. */
  permission?: string;
  /** How the endpoint writes errors (the spec's error schema for it). */
  errors?: ErrorStyle;
  /** Only parent-level organisations may call it (the row's `parentOrgOnly`): `childOrg` makes it refuse the keys. */
  parentOrgOnly?: boolean;
}

/**
 * How the simulator answers each stream of the table. Method, path and permission are the stream's
 * own (its row in the stream table); streams that share an endpoint share one route.
 */
const STREAM_ROUTES: Record<string, { route: Route; errors?: ErrorStyle; otherPaths?: Record<string, Route> }> = {
  dashboards: { route: listDashboards },
  dashboard_lists: { route: listDashboardLists },
  monitors: { route: listMonitors },
  downtimes: { route: listDowntimes },
  synthetic_tests: { route: listSyntheticTests },
  synthetic_global_variables: { route: listGlobalVariables },
  notebooks: { route: listNotebooks },
  hosts: { route: listHosts },
  metrics: { route: listMetrics },
  service_level_objectives: { route: listSlos },
  slo_history: { route: sloHistory },
  incidents: { route: listIncidents },
  teams: { route: listTeams },
  incident_teams: { route: listTeams },
  users: { route: listUsers },
  roles: { route: listRoles },
  permissions: { route: listPermissions },
  logs: { route: searchRoute('logs') },
  audit_logs: { route: searchRoute('audit_logs') },
  events: { route: searchRoute('events') },
  rum_events: { route: searchRoute('rum_events') },
  spans: { route: searchRoute('spans'), errors: 'jsonapi' },
  containers: { route: listContainers },
  container_images: { route: listContainerImages },
  processes: { route: listProcesses },
  synthetic_results: { route: syntheticResults('api'), otherPaths: { '/api/v1/synthetics/tests/browser/{public_id}/results': syntheticResults('browser') } },
  slo_corrections: { route: listSloCorrections },
  logs_indexes: { route: listLogIndexes },
  logs_index_order: { route: getLogIndexOrder },
  logs_pipelines: { route: listLogPipelines },
  logs_pipeline_order: { route: getLogPipelineOrder },
  logs_archives: { route: listLogArchives },
  logs_metrics: { route: listLogMetrics },
  logs_custom_destinations: { route: listLogCustomDestinations },
  monitor_notification_rules: { route: listNotificationRules },
  monitor_config_policies: { route: listConfigPolicies },
  catalog_entities: { route: listCatalogEntities },
  catalog_relations: { route: listCatalogRelations },
  service_definitions: { route: listServiceDefinitions },
  cases: { route: searchCases },
  case_projects: { route: listCaseProjects },
  scorecard_rules: { route: listScorecardRules },
  scorecard_outcomes: { route: listScorecardOutcomes },
  status_pages: { route: listStatusPages },
  status_page_degradations: { route: listDegradations },
  status_page_maintenances: { route: listMaintenances },
  rum_applications: { route: listRumApplications },
  rum_metrics: { route: listRumMetrics },
  powerpacks: { route: listPowerpacks },
  usage_hourly: { route: usage.hourlyUsage },
  usage_summary: { route: usage.usageSummary },
  estimated_cost: { route: usage.estimatedCost },
  historical_cost: { route: usage.historicalCost },
  projected_cost: { route: usage.projectedCost },
  monthly_cost_attribution: { route: usage.monthlyCostAttribution },
  hourly_usage_attribution: { route: usage.hourlyUsageAttribution },
  active_billing_dimensions: { route: usage.activeBillingDimensions },
  cloud_cost_aws_configs: { route: usage.awsConfigs },
  cloud_cost_azure_configs: { route: usage.azureConfigs },
  cloud_cost_gcp_configs: { route: usage.gcpConfigs },
  // Recorded answers of these two are JSON:API (`application/vnd.api+json`), errors included.
  custom_costs: { route: usage.customCosts, errors: 'jsonapi' },
  cost_budgets: { route: usage.budgets, errors: 'jsonapi' },
  security_signals: { route: signalsRoute() },
  security_rules: { route: listSecurityRules },
  security_findings: { route: listSecurityFindings },
  security_suppressions: { route: listSuppressions },
  security_filters: { route: listSecurityFilters },
  ci_pipeline_events: { route: ciEventsRoute('ci_pipeline_events') },
  ci_test_events: { route: ciEventsRoute('ci_test_events') },
  error_tracking_issues: { route: searchIssues },
  apm_retention_filters: { route: listRetentionFilters },
  span_based_metrics: { route: listSpanMetrics },
  apm_services: { route: listApmServices },
  dora_deployments: { route: doraRoute('dora_deployments') },
  dora_failures: { route: doraRoute('dora_failures') },
  dashboard_definitions: { route: getDashboard },
  metric_metadata: { route: getMetricMetadata },
  org: { route: listOrgs },
  api_keys: { route: listApiKeys },
  application_keys: { route: listApplicationKeys },
  authn_mappings: { route: listAuthnMappings },
  authn_team_mappings: { route: listAuthnMappings },
  user_roles: { route: listUsers },
  aws_accounts: { route: listAwsAccounts },
  gcp_accounts: { route: listGcpAccounts },
  azure_integrations: { route: listAzureIntegrations },
  integrations: { route: listIntegrations },
  ndm_devices: { route: listNdmDevices },
  host_tags: { route: listHostTags },
  synthetic_private_locations: { route: listSyntheticLocations },
  reference_tables: { route: listReferenceTables },
  observability_pipelines: { route: listPipelines },
  sensitive_data_scanner_groups: { route: getScannerConfig },
};

/** Routes of endpoints that are not streams of the table. `/api/v1/validate` is served by the server itself. */
const OTHER_ROUTES: Record<string, RouteEntry> = {
  [`${TIMESERIES_ENDPOINT.method} ${TIMESERIES_ENDPOINT.path}`]: { route: queryTimeseries, streams: [], permission: TIMESERIES_ENDPOINT.permission },
  'GET /api/v2/current_user': { route: currentUser, streams: [] },
};

function routesByEndpoint(): Record<string, RouteEntry> {
  const routes: Record<string, RouteEntry> = { ...OTHER_ROUTES };
  for (const def of STREAMS) {
    const served = STREAM_ROUTES[def.name];
    if (!served) throw new Error(`the simulator has no route for stream ${def.name} (${def.method} ${def.path})`);
    // A dependent stream may read some parents at other paths (`parent.paths`): each needs its route.
    const paths: [string, Route][] = [[def.path, served.route]];
    for (const path of Object.values(def.parent?.paths?.byValue ?? {})) {
      const route = served.otherPaths?.[path];
      if (!route) throw new Error(`the simulator has no route for stream ${def.name} at ${def.method} ${path}`);
      paths.push([path, route]);
    }
    for (const [path, route] of paths) {
      const key = `${def.method} ${path}`;
      const shared = routes[key];
      routes[key] = { route, errors: served.errors, permission: def.permission, parentOrgOnly: def.parentOrgOnly, streams: [...(shared?.streams ?? []), def.name] };
    }
  }
  return routes;
}

/** Every route that needs both keys, by "METHOD path"; `{name}` matches one path segment. */
export const ROUTES: Record<string, RouteEntry> = routesByEndpoint();

/** The streams of the table the simulator answers, in the table's order (all of them: a stream without a route fails at load). */
export const SERVED_STREAMS: readonly string[] = STREAMS.map((s) => s.name).filter((name) => Object.values(ROUTES).some((r) => r.streams.includes(name)));

/**
 * Whether an application key without `forbidden` may not call an endpoint needing `permission`:
 * alternatives (" or ") all taken away, or any one of several required together (" and ").
 */
export function lacksPermission(permission: string | undefined, forbidden: ReadonlySet<string>): boolean {
  if (!permission || forbidden.size === 0) return false;
  if (permission.includes(' or ')) return permission.split(' or ').every((p) => forbidden.has(p.trim()));
  return permission.split(' and ').some((p) => forbidden.has(p.trim()));
}

const TEMPLATES = Object.entries(ROUTES).map(([key, entry]) => {
  const [method, path] = key.split(' ');
  const names: string[] = [];
  const pattern = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { key, method, regex: new RegExp(`^${pattern}$`), names, entry };
});

/** The route for a request (and its key in ROUTES), with the values of its path placeholders; null when there is none. */
export function matchRoute(method: string, pathname: string): { key: string; entry: RouteEntry; params: Record<string, string> } | null {
  for (const template of TEMPLATES) {
    if (template.method !== method) continue;
    const match = template.regex.exec(pathname);
    if (!match) continue;
    const params = Object.fromEntries(template.names.map((name, i) => [name, decodeURIComponent(match[i + 1])]));
    return { key: template.key, entry: template.entry, params };
  }
  return null;
}
