/** Configuration objects: dashboards, dashboard lists, monitors, downtimes, synthetics, notebooks, hosts. */
import { ok, Params, refuse, slice, type Route } from '../http';
import { HOSTS_DEFAULT_LOOKBACK_MS } from '../world';

/** GET /api/v1/dashboard: `start` offset and `count` page size (default 100). */
export const listDashboards: Route = (world, req) => {
  const params = new Params(req.query);
  const start = params.int('start', 0);
  const count = params.int('count', 100);
  return refuse(params) ?? ok({ dashboards: slice(world.dashboards, start, count) });
};

/** GET /api/v1/dashboard/lists/manual: every list in one response. */
export const listDashboardLists: Route = (world) => ok({ dashboard_lists: world.dashboardLists });

/** GET /api/v1/monitor: a bare array; paged only when `page` is sent (`page_size` default 100, at most 1000). */
export const listMonitors: Route = (world, req) => {
  const params = new Params(req.query);
  const page = params.int('page', 0);
  const size = params.int('page_size', 100, { min: 1, max: 1000 });
  const problem = refuse(params);
  if (problem) return problem;
  return ok(params.has('page') ? slice(world.monitors, page * size, size) : world.monitors);
};

/** GET /api/v2/downtime: `page[offset]`, `page[limit]` (default 30). */
export const listDowntimes: Route = (world, req) => {
  const params = new Params(req.query);
  const offset = params.int('page[offset]', 0);
  const limit = params.int('page[limit]', 30, { min: 1 });
  return refuse(params) ?? ok({ data: slice(world.downtimes, offset, limit), meta: { page: { total_filtered_count: world.downtimes.length } } });
};

/** GET /api/v1/synthetics/tests: `page_number` from 0, `page_size` (default 100). */
export const listSyntheticTests: Route = (world, req) => {
  const params = new Params(req.query);
  const number = params.int('page_number', 0);
  const size = params.int('page_size', 100, { min: 1 });
  return refuse(params) ?? ok({ tests: slice(world.syntheticTests, number * size, size) });
};

/** GET /api/v1/synthetics/variables: every variable in one response. */
export const listGlobalVariables: Route = (world) => ok({ variables: world.globalVariables });

/** GET /api/v1/notebooks: `start` offset, `count` (default 100). */
export const listNotebooks: Route = (world, req) => {
  const params = new Params(req.query);
  const start = params.int('start', 0);
  const count = params.int('count', 100, { min: 1 });
  const total = world.notebooks.length;
  return refuse(params) ?? ok({ data: slice(world.notebooks, start, count), meta: { page: { total_count: total, total_filtered_count: total } } });
};

/** GET /api/v1/hosts: hosts seen since `from` (epoch seconds; default the last 3 hours), `start` offset, `count` at most 1000. */
export const listHosts: Route = (world, req) => {
  const params = new Params(req.query);
  const start = params.int('start', 0);
  const count = params.int('count', 100, { min: 1, max: 1000 });
  const from = params.seconds('from', false);
  const problem = refuse(params);
  if (problem) return problem;
  const hosts = world.visibleHosts(from ?? world.clock() - HOSTS_DEFAULT_LOOKBACK_MS);
  const page = slice(hosts, start, count);
  return ok({ host_list: page, total_matching: hosts.length, total_returned: page.length });
};
