/**
 * The inventory streams end to end, from the simulator through a real Temporal dev server into
 * DuckDB: dependent streams (dashboard definitions, metric metadata, SLO history) read their parents
 * from the parents' tables, once per run, and only what changed; derived rows (user roles); keys and
 * secrets never stored; one-object and unpaged lists still keyed and refreshed; streams Datadog
 * refuses (403) or lacks (404) skipped with the reason while the rest goes on.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { SyncRequestInput } from '../src/config/request';
import { getStream, tableSpec } from '../src/datadog/streams/table';
import { keyColumn } from '../src/destinations/table-model';
import type { DuckDbDestination } from '../src/destinations/duckdb';
import { generateDashboards } from '../src/simulator/data';
import { dashboardDefinition } from '../src/simulator/datasets/inventory';
import type { Json } from '../src/simulator/datasets/catalog';
import { unreadableReason } from '../src/shared/unreadable';
import { countWindows } from '../src/workflows/windows';
import { harness, type Harness } from './helpers/retriever';
import { startDevServer } from './helpers/temporal';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Every stream of the family, and the SLO history that moved onto the same mechanism. */
const FAMILY = [
  'dashboard_definitions',
  'metric_metadata',
  'org',
  'api_keys',
  'application_keys',
  'authn_mappings',
  'authn_team_mappings',
  'user_roles',
  'aws_accounts',
  'gcp_accounts',
  'azure_integrations',
  'integrations',
  'ndm_devices',
  'host_tags',
  'synthetic_private_locations',
  'reference_tables',
  'observability_pipelines',
  'sensitive_data_scanner_groups',
];
/** What the dependent and derived streams are read from: the sync brings them in. */
const PARENTS = ['dashboards', 'metrics', 'users', 'service_level_objectives'];

async function keys(destination: DuckDbDestination, stream: string): Promise<string[]> {
  const column = keyColumn(tableSpec(getStream(stream))).name;
  const rows = await destination.query(`SELECT "${column}" AS k FROM "${stream}"`);
  return rows.map((r) => String(r.k)).sort();
}

/** Every cell of every table, as text: where a key or secret must not be. */
async function everything(destination: DuckDbDestination): Promise<string> {
  const tables = await destination.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'");
  const out: string[] = [];
  for (const { table_name } of tables) {
    const rows = await destination.query(`SELECT * FROM "${String(table_name)}"`);
    out.push(JSON.stringify(rows, (_, v) => (typeof v === 'bigint' ? String(v) : v)));
  }
  return out.join('\n');
}

describe('inventory streams, end to end', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  const anchor = Math.floor(Date.now() / HOUR) * HOUR;
  const start = anchor - 3 * DAY;
  const request = (streams: string[], end = anchor): SyncRequestInput => ({
    streams,
    start_date: new Date(start).toISOString(),
    end_date: new Date(end).toISOString(),
    lag: '0s',
    window_size: '1d',
    // Small pages, so the paged lists turn several and dependent pages hold a few parents each.
    max_records_per_request: 10,
  });

  beforeAll(async () => {
    env = await startDevServer();
    h = await harness(env, {
      seed: 31,
      dashboards: 27,
      counts: { metrics: 34, users: 26, roles: 6, teams: 5, service_level_objectives: 7, hosts: 12 },
      inventory: { api_keys: 23, application_keys: 17, authn_mappings: 13, ndm_devices: 45, reference_tables: 18, observability_pipelines: 12, integrations: 25 },
    });
  });
  afterAll(async () => {
    await h?.close();
    await env?.teardown();
  });

  const requestsOf = (from: number, pattern: RegExp) => h.simulator.requests.slice(from).filter((r) => pattern.test(r.path) && r.status === 200);

  it('copies every stream exactly, reading each parent list once per run', async () => {
    const before = h.simulator.requests.length;
    const result = await h.sync(request([...FAMILY, 'slo_history']));
    expect(result.status).toBe('completed');
    expect(result.warnings).toEqual([]);
    // The parents came along, each synced before the streams read from it.
    expect(result.streams.map((s) => s.stream).sort()).toEqual([...FAMILY, 'slo_history', ...PARENTS].sort());
    for (const stream of [...FAMILY, ...PARENTS]) {
      expect({ stream, keys: await keys(h.destination, stream) }).toEqual({ stream, keys: h.simulator.world.groundTruth(stream) });
    }
    const world = h.simulator.world;
    expect(await keys(h.destination, 'user_roles')).toHaveLength(world.users.reduce((n, u) => n + ((u.relationships as { roles: { data: Json[] } }).roles.data.length), 0));

    // One request per dashboard and per metric, and the lists themselves only by their own streams.
    expect(requestsOf(before, /^\/api\/v1\/dashboard\/[^/]+$/)).toHaveLength(world.dashboards.length);
    expect(requestsOf(before, /^\/api\/v1\/metrics\/[^/]+$/)).toHaveLength(world.groundTruth('metrics').length);
    expect(requestsOf(before, /^\/api\/v1\/dashboard$/)).toHaveLength(3);
    // user_roles made no request: the users list was read once, by users (26 users, pages of 10).
    expect(requestsOf(before, /^\/api\/v2\/users$/)).toHaveLength(3);

    // slo_history: the SLOs listed once for the whole run (one page), then one request per SLO and window.
    const windows = countWindows({ from: start, to: anchor, size: DAY });
    const listed = requestsOf(before, /^\/api\/v1\/slo$/).length;
    const histories = requestsOf(before, /^\/api\/v1\/slo\/[^/]+\/history$/).length;
    console.log(`slo_history: ${world.slos.length} SLOs × ${windows} windows = ${histories} history requests; the SLO list was requested ${listed} time(s) in the run`);
    expect(listed).toBe(1);
    expect(histories).toBe(world.slos.length * windows);
    expect((await keys(h.destination, 'slo_history')).length).toBe(world.slos.length * windows);

    // Values, not only keys: a definition's widgets, a metric's unit, the org, an unpaged list's content.
    const sample = world.dashboards[3];
    const [definition] = await h.destination.query('SELECT widgets, template_variables, modified_at FROM dashboard_definitions WHERE id = $1', [sample.id]);
    expect(JSON.parse(String(definition.widgets))).toEqual(dashboardDefinition(sample).widgets);
    const [org] = await h.destination.query('SELECT count(*) AS n, min(name) AS name FROM org');
    expect(Number(org.n)).toBe(world.inventory.orgs.length);
    const groups = await h.destination.query('SELECT DISTINCT type FROM sensitive_data_scanner_groups');
    expect(groups).toEqual([{ type: 'sensitive_data_scanner_group' }]);
    expect(world.inventory.sdsRules.length).toBeGreaterThan(0);
  });

  it('stores no key value and no secret anywhere, and never calls an endpoint that returns one', async () => {
    const stored = await everything(h.destination);
    const world = h.simulator.world;
    const secrets = [...world.inventory.keyValues.values(), ...world.inventory.azureAccounts.map((a) => a.client_secret).filter((s): s is string => typeof s === 'string')];
    expect(secrets.length).toBeGreaterThan(40);
    expect(secrets.filter((secret) => stored.includes(secret))).toEqual([]);
    // The last four characters are there, as metadata.
    const [key] = await h.destination.query('SELECT last4 FROM api_keys WHERE id = $1', [world.inventory.apiKeys[0].id as string]);
    expect(key.last4).toBe(world.inventory.keyValues.get(world.inventory.apiKeys[0].id as string)!.slice(-4));
    expect(h.simulator.requests.filter((r) => /^\/api\/v1\/(api_key|application_key)|^\/api\/v2\/(api_keys|application_keys)\/./.test(r.path))).toEqual([]);
  });

  it('re-reads only the dashboards that changed and the metric that is new, and removes what disappeared', async () => {
    const world = h.simulator.world;
    const now = new Date().toISOString();
    const changed = [world.dashboards[2], world.dashboards[11], world.dashboards[20]];
    for (const dashboard of changed) dashboard.modified_at = now;
    const [added] = generateDashboards(77, 1, Date.now());
    world.dashboards.push(added);
    const [removed] = world.dashboards.splice(7, 1);
    world.metrics.push({ lastReported: Date.now(), record: { id: 'custom.web.checkout_latency', type: 'metrics' } });
    // One user loses a role, another gains one.
    const [losing, gaining] = [world.users[0], world.users[1]] as { id: string; relationships: { roles: { data: Json[] } } }[];
    const lost = losing.relationships.roles.data.pop();
    const gained = world.roles.find((r) => !gaining.relationships.roles.data.some((held) => held.id === r.id))!;
    gaining.relationships.roles.data.push({ type: 'roles', id: gained.id });

    const before = h.simulator.requests.length;
    const result = await h.sync(request(['dashboard_definitions', 'metric_metadata', 'user_roles']));
    expect(result.status).toBe('completed');
    expect(result.streams.map((s) => s.stream).sort()).toEqual(['dashboard_definitions', 'dashboards', 'metric_metadata', 'metrics', 'user_roles', 'users']);
    const definitions = requestsOf(before, /^\/api\/v1\/dashboard\/[^/]+$/).map((r) => r.path).sort();
    console.log(`second run: ${definitions.length} dashboard definitions read for ${world.dashboards.length} dashboards (3 changed, 1 new, 1 deleted)`);
    expect(definitions).toEqual([...changed, added].map((d) => `/api/v1/dashboard/${d.id}`).sort());
    expect(requestsOf(before, /^\/api\/v1\/metrics\/[^/]+$/).map((r) => r.path)).toEqual(['/api/v1/metrics/custom.web.checkout_latency']);
    for (const stream of ['dashboard_definitions', 'metric_metadata', 'user_roles']) {
      expect({ stream, keys: await keys(h.destination, stream) }).toEqual({ stream, keys: world.groundTruth(stream) });
    }
    expect(await keys(h.destination, 'dashboard_definitions')).not.toContain(removed.id);
    const [row] = await h.destination.query('SELECT _raw, widgets FROM dashboard_definitions WHERE id = $1', [changed[1].id]);
    expect(JSON.parse(String(row._raw)).modified_at).toBe(now);
    expect(JSON.parse(String(row.widgets))).toEqual(dashboardDefinition(changed[1]).widgets);
    if (lost) expect(await keys(h.destination, 'user_roles')).not.toContain(`${losing.id}:${lost.id}`);
    expect(await keys(h.destination, 'user_roles')).toContain(`${gaining.id}:${gained.id}`);
  });

  describe('when Datadog refuses or lacks some endpoints', () => {
    let limited: Harness;
    beforeAll(async () => {
      limited = await harness(env, {
        seed: 32,
        forbiddenPermissions: ['dashboards_read', 'api_keys_read', 'org_management'],
        forbiddenStreams: ['integrations'],
        missingRoutes: ['GET /api/v2/ndm/devices', 'GET /api/v2/integration/gcp/accounts'],
      });
    });
    afterAll(async () => {
      await limited?.close();
    });

    it('skips those streams with the reason, and what is read from them, and reads the rest', async () => {
      const streams = ['dashboard_definitions', 'api_keys', 'org', 'integrations', 'ndm_devices', 'gcp_accounts', 'application_keys', 'user_roles', 'host_tags'];
      const result = await limited.sync(request(streams));
      expect(result.status).toBe('completed');
      const status = Object.fromEntries(result.streams.map((s) => [s.stream, s.status]));
      expect(status).toEqual({
        dashboards: 'skipped',
        dashboard_definitions: 'skipped',
        api_keys: 'skipped',
        org: 'skipped',
        integrations: 'skipped',
        ndm_devices: 'skipped',
        gcp_accounts: 'skipped',
        application_keys: 'completed',
        users: 'completed',
        user_roles: 'completed',
        host_tags: 'completed',
      });
      const warning = (stream: string) => result.warnings.find((w) => w.startsWith(`${stream} skipped`))!;
      for (const [stream, permission] of [['api_keys', 'api_keys_read'], ['org', 'org_management'], ['dashboards', 'dashboards_read']]) {
        expect(warning(stream)).toContain(unreadableReason(403, permission));
      }
      expect(warning('dashboard_definitions')).toContain('read from the records of dashboards, which was skipped');
      expect(warning('dashboard_definitions')).toContain('"dashboards_read"');
      // The spec names no permission for integrations: the warning says so rather than inventing one.
      expect(warning('integrations')).toContain(unreadableReason(403, ''));
      for (const stream of ['ndm_devices', 'gcp_accounts']) expect(warning(stream)).toContain(unreadableReason(404, getStream(stream).permission));
      for (const stream of ['application_keys', 'user_roles', 'host_tags']) {
        expect({ stream, keys: await keys(limited.destination, stream) }).toEqual({ stream, keys: limited.simulator.world.groundTruth(stream) });
      }
      expect(limited.simulator.requests.filter((r) => /^\/api\/v1\/dashboard\/./.test(r.path))).toEqual([]);
    });
  });

  describe('when some SLO history requests fail', () => {
    let faulty: Harness;
    const seed = 33;
    beforeAll(async () => {
      // The same organisation, where one SLO's history answers 5xx half the time.
      const probe = await harness(env, { seed, counts: { service_level_objectives: 9 } });
      const slos = probe.simulator.world.slos.map((s) => String(s.id)).sort();
      await probe.close();
      faulty = await harness(env, { seed, counts: { service_level_objectives: 9 }, faults: { seed: 4, rates: { server_error: 0.5 }, paths: [`/api/v1/slo/${slos[4]}/history`] } });
    });
    afterAll(async () => {
      await faulty?.close();
    });

    it('retries only the failed request: the other SLOs of its page are read once per window, and counted', async () => {
      const result = await faulty.sync({ ...request(['slo_history']), max_records_per_request: 20 });
      expect(result.status).toBe('completed');
      const world = faulty.simulator.world;
      const windows = countWindows({ from: start, to: anchor, size: DAY });
      const histories = faulty.simulator.requests.filter((r) => /^\/api\/v1\/slo\/[^/]+\/history$/.test(r.path));
      const failed = histories.filter((r) => r.fault);
      const perSlo = new Map<string, number>();
      for (const r of histories) perSlo.set(r.path, (perSlo.get(r.path) ?? 0) + 1);
      console.log(`slo_history with faults: ${histories.length} history requests for ${world.slos.length} SLOs × ${windows} windows, ${failed.length} failed and retried alone`);
      expect(failed.length).toBeGreaterThan(0);
      const faultyPath = failed[0].path;
      for (const [path, count] of perSlo) expect({ path, count }).toEqual({ path, count: path === faultyPath ? windows + failed.length : windows });
      expect((await keys(faulty.destination, 'slo_history')).length).toBe(world.slos.length * windows);
      // A retried page counts the records of the SLOs its earlier attempt wrote too.
      expect(result.streams.find((s) => s.stream === 'slo_history')!.records).toBe(world.slos.length * windows);
    });
  });
});
