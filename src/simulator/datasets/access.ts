/** People and access: users, roles, permissions, teams, and the incidents they handle. */
import { SERVICES } from '../data';
import { between, pick, randomId, seededRandom, uuid } from '../random';
import type { Json } from './catalog';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const FIRST = ['Ana', 'Li', 'Sam', 'Kim', 'Noor', 'Iva', 'Tom', 'Ada', 'Raj', 'Eli'];
const LAST = ['Silva', 'Chen', 'Okafor', 'Novak', 'Haddad', 'Berg', 'Ito', 'Moreau'];

/** Sorted by name, as the list endpoint sorts by default; ties broken by id so pages are stable. */
function byName(a: Json, b: Json): number {
  const an = String((a.attributes as Json).name ?? '');
  const bn = String((b.attributes as Json).name ?? '');
  return an < bn ? -1 : an > bn ? 1 : String(a.id) < String(b.id) ? -1 : 1;
}

export function generateUsers(seed: number, count: number, now: number): Json[] {
  const random = seededRandom(seed ^ 0x05e7);
  return Array.from({ length: count }, (_, i) => {
    const name = `${pick(random, FIRST)} ${pick(random, LAST)}`;
    const email = `${name.toLowerCase().replace(' ', '.')}.${i}@example.com`;
    const created = now - between(random, 1, 900) * DAY;
    const status = pick(random, ['Active', 'Active', 'Active', 'Active', 'Pending', 'Disabled']);
    return {
      id: uuid(random),
      type: 'users',
      attributes: {
        name,
        email,
        handle: email,
        title: random() < 0.5 ? pick(random, ['Engineer', 'SRE', 'Manager']) : null,
        status,
        disabled: status === 'Disabled',
        verified: status !== 'Pending',
        service_account: random() < 0.05,
        mfa_enabled: random() < 0.6,
        icon: `https://secure.gravatar.com/avatar/${randomId(random, 32, '0123456789abcdef')}`,
        created_at: iso(created),
        modified_at: iso(created + Math.floor(random() * (now - created))),
        last_login_time: status === 'Active' ? iso(now - between(random, 0, 30) * DAY) : null,
      },
    };
  }).sort(byName);
}

export function generateRoles(seed: number, count: number, now: number): Json[] {
  const random = seededRandom(seed ^ 0x201e);
  const base = ['Datadog Admin Role', 'Datadog Standard Role', 'Datadog Read Only Role'];
  return Array.from({ length: count }, (_, i) => {
    const created = now - between(random, 30, 900) * DAY;
    return {
      id: uuid(random),
      type: 'roles',
      attributes: {
        name: i < base.length ? base[i] : `${pick(random, SERVICES)} team role ${i}`,
        created_at: iso(created),
        modified_at: iso(created + Math.floor(random() * (now - created))),
        user_count: between(random, 0, 40),
      },
    };
  }).sort(byName);
}

const PERMISSION_NAMES = [
  'dashboards_read', 'dashboards_write', 'monitors_read', 'monitors_write', 'monitors_downtime', 'logs_read_data', 'logs_read_index_data',
  'audit_logs_read', 'events_read', 'rum_apps_read', 'apm_read', 'slos_read', 'synthetics_read', 'synthetics_global_variable_read',
  'notebooks_read', 'hosts_read', 'metrics_read', 'timeseries_query', 'incident_read', 'teams_read', 'user_access_read', 'user_access_manage',
];

export function generatePermissions(seed: number, now: number): Json[] {
  const random = seededRandom(seed ^ 0x9e);
  return PERMISSION_NAMES.map((name) => ({
    id: uuid(random),
    type: 'permissions',
    attributes: {
      name,
      display_name: name.replace(/_/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase()),
      description: `Allows ${name.replace(/_/g, ' ')}`,
      group_name: name.split('_')[0],
      display_type: /_(write|manage)$/.test(name) ? 'write' : 'read',
      created: iso(now - between(random, 100, 2000) * DAY),
      restricted: false,
    },
  }));
}

export function generateTeams(seed: number, count: number, now: number): Json[] {
  const random = seededRandom(seed ^ 0x7ea);
  return Array.from({ length: count }, (_, i) => {
    const service = pick(random, SERVICES);
    const created = now - between(random, 10, 700) * DAY;
    return {
      id: uuid(random),
      type: 'team',
      attributes: {
        handle: `${service}-team-${i + 1}`,
        name: `${service[0].toUpperCase()}${service.slice(1)} team ${i + 1}`,
        summary: `Owns ${service}`,
        description: random() < 0.5 ? `The people who run ${service} in production.` : null,
        avatar: null,
        banner: between(random, 0, 10),
        user_count: between(random, 1, 25),
        link_count: between(random, 0, 4),
        is_managed: false,
        created_at: iso(created),
        modified_at: iso(created + Math.floor(random() * (now - created))),
      },
    };
  }).sort(byName);
}

export function generateIncidents(seed: number, count: number, now: number): Json[] {
  const random = seededRandom(seed ^ 0x1c1d);
  return Array.from({ length: count }, (_, i) => {
    const service = pick(random, SERVICES);
    const created = now - between(random, 1, 400) * DAY;
    const resolved = random() < 0.8 ? created + between(random, 10, 600) * 60_000 : null;
    return {
      id: uuid(random),
      type: 'incidents',
      attributes: {
        public_id: i + 1,
        title: `${service} ${pick(random, ['latency', 'errors', 'outage', 'data delay'])}`,
        severity: pick(random, ['SEV-1', 'SEV-2', 'SEV-3', 'SEV-4', 'UNKNOWN']),
        state: resolved ? 'resolved' : pick(random, ['active', 'stable']),
        customer_impacted: random() < 0.3,
        created: iso(created),
        modified: iso(resolved ?? created),
        declared: iso(created),
        detected: iso(created - between(random, 0, 30) * 60_000),
        resolved: resolved ? iso(resolved) : null,
        time_to_resolve: resolved ? Math.floor((resolved - created) / 1000) : 0,
        is_test: false,
        fields: {},
        visibility: 'organization',
      },
    };
  });
}
