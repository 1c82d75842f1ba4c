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
import { searchRoute } from './routes/search';
import type { ErrorStyle, Route } from './http';

export { badRequest, type Route, type SimRequest, type SimResponse } from './http';

export interface RouteEntry {
  route: Route;
  /** The streams this route serves: `forbiddenStreams` naming one of them makes it answer 403. */
  streams?: readonly string[];
  /** The permission the route needs: `forbiddenPermissions` naming it makes it answer 403. */
  permission?: string;
  /** How the endpoint writes errors (the spec's error schema for it). */
  errors?: ErrorStyle;
}

/**
 * Routes that need both keys, by "METHOD path"; `{name}` matches one path segment.
 * `/api/v1/validate` is served by the server itself.
 */
export const ROUTES: Record<string, RouteEntry> = {
  'GET /api/v1/dashboard': { route: listDashboards, streams: ['dashboards'], permission: 'dashboards_read' },
  'GET /api/v1/dashboard/lists/manual': { route: listDashboardLists, streams: ['dashboard_lists'], permission: 'dashboards_read' },
  'GET /api/v1/monitor': { route: listMonitors, streams: ['monitors'], permission: 'monitors_read' },
  'GET /api/v2/downtime': { route: listDowntimes, streams: ['downtimes'], permission: 'monitors_downtime' },
  'GET /api/v1/synthetics/tests': { route: listSyntheticTests, streams: ['synthetic_tests'], permission: 'synthetics_read' },
  'GET /api/v1/synthetics/variables': { route: listGlobalVariables, streams: ['synthetic_global_variables'], permission: 'synthetics_global_variable_read' },
  'GET /api/v1/notebooks': { route: listNotebooks, streams: ['notebooks'], permission: 'notebooks_read' },
  'GET /api/v1/hosts': { route: listHosts, streams: ['hosts'], permission: 'hosts_read' },
  'GET /api/v2/metrics': { route: listMetrics, streams: ['metrics'], permission: 'metrics_read' },
  'POST /api/v2/query/timeseries': { route: queryTimeseries, permission: 'timeseries_query' },
  'GET /api/v1/slo': { route: listSlos, streams: ['service_level_objectives'], permission: 'slos_read' },
  'GET /api/v1/slo/{slo_id}/history': { route: sloHistory, streams: ['slo_history'], permission: 'slos_read' },
  'GET /api/v2/incidents': { route: listIncidents, streams: ['incidents'], permission: 'incident_read' },
  'GET /api/v2/team': { route: listTeams, streams: ['teams', 'incident_teams'], permission: 'teams_read' },
  'GET /api/v2/users': { route: listUsers, streams: ['users'], permission: 'user_access_read' },
  'GET /api/v2/roles': { route: listRoles, streams: ['roles'], permission: 'user_access_read' },
  'GET /api/v2/permissions': { route: listPermissions, streams: ['permissions'], permission: 'user_access_read' },
  'GET /api/v2/logs/events': { route: searchRoute('logs'), streams: ['logs'], permission: 'logs_read_data' },
  'GET /api/v2/audit/events': { route: searchRoute('audit_logs'), streams: ['audit_logs'], permission: 'audit_logs_read' },
  'GET /api/v2/events': { route: searchRoute('events'), streams: ['events'], permission: 'events_read' },
  'GET /api/v2/rum/events': { route: searchRoute('rum_events'), streams: ['rum_events'], permission: 'rum_apps_read' },
  'GET /api/v2/spans/events': { route: searchRoute('spans'), streams: ['spans'], permission: 'apm_read', errors: 'jsonapi' },
  'GET /api/v2/current_user': { route: currentUser },
};

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
