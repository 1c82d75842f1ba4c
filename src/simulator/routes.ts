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
}

/**
 * How the simulator answers each stream of the table. Method, path and permission are the stream's
 * own (its row in the stream table); streams that share an endpoint share one route.
 */
const STREAM_ROUTES: Record<string, { route: Route; errors?: ErrorStyle }> = {
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
    const key = `${def.method} ${def.path}`;
    const shared = routes[key];
    routes[key] = { ...served, permission: def.permission, streams: [...(shared?.streams ?? []), def.name] };
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
