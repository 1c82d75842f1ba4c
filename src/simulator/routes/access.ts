/** People and access: users, roles, permissions, teams, incidents, and the caller itself. */
import { ok, Params, refuse, slice, type Route } from '../http';
import type { Json } from '../datasets/catalog';

/** `page[number]` from 0 and `page[size]` at most 100 (default 10), as the JSON:API lists take them. */
function numberedPage(req: { query: URLSearchParams }): { params: Params; number: number; size: number } {
  const params = new Params(req.query);
  const number = params.int('page[number]', 0);
  const size = params.int('page[size]', 10, { min: 1, max: 100 });
  return { params, number, size };
}

function totals(items: Json[]) {
  return { page: { total_count: items.length, total_filtered_count: items.length } };
}

/** GET /api/v2/users: page-number paging, `meta.page` totals. */
export const listUsers: Route = (world, req) => {
  const { params, number, size } = numberedPage(req);
  return refuse(params) ?? ok({ data: slice(world.users, number * size, size), meta: totals(world.users) });
};

/** GET /api/v2/roles: page-number paging, `meta.page` totals. */
export const listRoles: Route = (world, req) => {
  const { params, number, size } = numberedPage(req);
  return refuse(params) ?? ok({ data: slice(world.roles, number * size, size), meta: totals(world.roles) });
};

/** GET /api/v2/permissions: every permission in one response. */
export const listPermissions: Route = (world) => ok({ data: world.permissions });

/** GET /api/v2/team: page-number paging with JSON:API links and offset-style `meta.pagination`. */
export const listTeams: Route = (world, req) => {
  const { params, number, size } = numberedPage(req);
  const problem = refuse(params);
  if (problem) return problem;
  const total = world.teams.length;
  const lastNumber = Math.max(0, Math.ceil(total / size) - 1);
  const link = (n: number) => `${req.baseUrl}${req.path}?page[number]=${n}&page[size]=${size}`;
  return ok({
    data: slice(world.teams, number * size, size),
    links: { self: link(number), first: link(0), last: link(lastNumber), ...(number < lastNumber ? { next: link(number + 1) } : {}), ...(number > 0 ? { prev: link(number - 1) } : {}) },
    meta: {
      pagination: {
        type: 'number_size',
        offset: number * size,
        limit: size,
        total,
        first_offset: 0,
        last_offset: lastNumber * size,
        next_offset: Math.min((number + 1) * size, lastNumber * size),
        prev_offset: Math.max(0, (number - 1) * size),
      },
    },
  });
};

/** GET /api/v2/incidents: `page[offset]` and `page[size]` at most 100 (default 10). */
export const listIncidents: Route = (world, req) => {
  const params = new Params(req.query);
  const offset = params.int('page[offset]', 0);
  const size = params.int('page[size]', 10, { min: 1, max: 100 });
  const problem = refuse(params);
  if (problem) return problem;
  const page = slice(world.incidents, offset, size);
  return ok({ data: page, meta: { pagination: { offset, size, next_offset: offset + page.length } } });
};

/** GET /api/v2/current_user: the user the application key belongs to (needs both keys, no permission). */
export const currentUser: Route = () =>
  ok({ data: { id: '00000000-0000-4000-8000-000000000001', type: 'users', attributes: { handle: 'simulator@example.com', name: 'Simulator' } } });
