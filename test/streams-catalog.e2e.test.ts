/**
 * The software catalog family (catalog entities and relations, service definitions, cases and their
 * projects, scorecards, status pages, RUM configuration, powerpacks) synced end to end from the
 * simulator on a real Temporal dev server into DuckDB: every stream exactly as the simulator holds
 * it, paging that ends where the data ends (whatever `links.next` says), a refresh that follows
 * records created and deleted since, and the streams a key may not read skipped with the reason.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { checkAccess } from '../src/cli/check';
import { parseSyncRequest, type SyncRequestInput } from '../src/config/request';
import { DatadogClient } from '../src/datadog/client';
import { STREAMS, tableSpec } from '../src/datadog/streams/table';
import type { StreamDef } from '../src/datadog/streams/types';
import { keyColumn } from '../src/destinations/table-model';
import type { DuckDbDestination } from '../src/destinations/duckdb';
import { SIMULATOR_KEYS } from '../src/simulator';
import type { SoftwareCatalogStream } from '../src/simulator/datasets/software-catalog';
import { unreadableReason } from '../src/shared/unreadable';
import { harness, type Harness } from './helpers/retriever';
import { startDevServer } from './helpers/temporal';

const FAMILY = [
  'catalog_entities',
  'catalog_relations',
  'service_definitions',
  'cases',
  'case_projects',
  'scorecard_rules',
  'scorecard_outcomes',
  'status_pages',
  'status_page_degradations',
  'status_page_maintenances',
  'rum_applications',
  'rum_metrics',
  'powerpacks',
] as const;
const def = (name: string): StreamDef => STREAMS.find((s) => s.name === name)!;
/** Small pages, so every paged stream turns several. */
const PAGE = 5;

/** The primary keys a table holds, as sorted strings. */
async function keys(destination: DuckDbDestination, name: string): Promise<string[]> {
  const column = keyColumn(tableSpec(def(name))).name;
  const rows = await destination.query(`SELECT "${column}" AS k FROM "${name}"`);
  return rows.map((r) => String(r.k)).sort();
}

describe('software catalog family, end to end', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  const request = (streams: readonly string[] = FAMILY): SyncRequestInput => ({ streams: [...streams], max_records_per_request: PAGE });
  // Some lists end exactly on a full page (30 cases, 15 rules), the others on a short one.
  const counts: Partial<Record<SoftwareCatalogStream, number>> = {
    catalog_entities: 33,
    service_definitions: 17,
    cases: 30,
    case_projects: 3,
    scorecard_rules: 15,
    scorecard_outcomes: 42,
    status_pages: 7,
    status_page_degradations: 13,
    status_page_maintenances: 10,
    rum_applications: 4,
    rum_metrics: 6,
    powerpacks: 11,
  };

  beforeAll(async () => {
    env = await startDevServer();
    h = await harness(env, { seed: 17, counts });
  });
  afterAll(async () => {
    await h?.close();
    await env?.teardown();
  });

  const pagesOf = (path: string, from = 0) => h.simulator.requests.slice(from).filter((r) => r.path === path && r.status === 200);

  it('copies every stream exactly as the simulator holds it, reading each record once', async () => {
    const result = await h.sync(request());
    expect(result.status).toBe('completed');
    expect(result.warnings).toEqual([]);
    const world = h.simulator.world;
    for (const name of FAMILY) {
      const truth = world.groundTruth(name);
      expect(truth.length).toBeGreaterThan(0);
      expect({ stream: name, keys: await keys(h.destination, name) }).toEqual({ stream: name, keys: truth });
      // Nothing was read twice: a case page 0 served as page 1, say, would count its cases twice.
      expect({ stream: name, records: result.streams.find((s) => s.stream === name)?.records }).toEqual({ stream: name, records: truth.length });
    }
    // Entities and relations APM discovered are not listed by default, so they are not in the table.
    const entities = await keys(h.destination, 'catalog_entities');
    expect(world.softwareCatalog.discoveredEntities.length).toBeGreaterThan(0);
    expect(entities.filter((id) => world.softwareCatalog.discoveredEntities.some((e) => e.id === id))).toEqual([]);
    // Every paged stream went past its first page.
    for (const name of FAMILY.filter((n) => def(n).pagination.kind !== 'none')) {
      expect({ stream: name, pages: pagesOf(def(name).path).length > 1 }).toEqual({ stream: name, pages: true });
    }
  });

  it('reads cases from page 1, each page once, and stops after the last', () => {
    const numbers = pagesOf('/api/v2/cases').map((r) => r.query['page[number]']);
    // 30 cases by 5: pages 1 to 6 are full, page 7 is the empty one that ends the list.
    expect(numbers).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(pagesOf('/api/v2/cases').every((r) => r.query['sort[field]'] === 'created_at' && r.query['sort[asc]'] === 'true')).toBe(true);
  });

  it('ends scorecards on the short or empty page, though every page carries links.next', () => {
    // 15 rules by 5: offsets 0, 5, 10 and the empty page at 15; 42 outcomes: 0 … 40, the last short.
    expect(pagesOf('/api/v2/scorecard/rules').map((r) => r.query['page[offset]'])).toEqual(['0', '5', '10', '15']);
    expect(pagesOf('/api/v2/scorecard/outcomes').map((r) => r.query['page[offset]'])).toEqual(['0', '5', '10', '15', '20', '25', '30', '35', '40']);
    // Datadog's links name page[limit]; the requests keep to the spec's page[size].
    expect(pagesOf('/api/v2/scorecard/rules').every((r) => r.query['page[size]'] === String(PAGE) && r.query['page[limit]'] === undefined)).toBe(true);
    // Powerpacks send links.next on the last page too: 11 by 5 is three requests, not four.
    expect(pagesOf('/api/v2/powerpacks')).toHaveLength(3);
  });

  it('stores values as Datadog writes them', async () => {
    const world = h.simulator.world.softwareCatalog;
    // An outcome's key is the rule's id and the service, joined by a literal backslash.
    const outcome = world.scorecardOutcomes[0];
    const [o] = await h.destination.query(`SELECT id, service_name, state FROM scorecard_outcomes WHERE id = '${String(outcome.id)}'`);
    expect(String(o.id)).toContain('\\');
    expect(o).toMatchObject({ service_name: (outcome.attributes as Record<string, unknown>).service_name, state: (outcome.attributes as Record<string, unknown>).state });
    // Service definitions keep their hyphenated keys in JSON columns.
    const definition = world.serviceDefinitions[0];
    const [d] = await h.destination.query(`SELECT schema FROM service_definitions WHERE id = '${String(definition.id)}'`);
    expect(JSON.parse(String(d.schema))['dd-service']).toBe(((definition.attributes as Record<string, unknown>).schema as Record<string, unknown>)['dd-service']);
    // RUM application times are epoch milliseconds, integers.
    const app = world.rumApplications[0];
    const [r] = await h.destination.query(`SELECT created_at FROM rum_applications WHERE id = '${String(app.id)}'`);
    expect(Number(r.created_at)).toBe((app.attributes as Record<string, unknown>).created_at);
    // Case times come with nanoseconds; the column keeps microseconds.
    const stored = world.cases[0].record;
    const [c] = await h.destination.query(`SELECT CAST(modified_at AS VARCHAR) AS modified_at, status_group FROM cases WHERE id = '${String(stored.id)}'`);
    const modified = String((stored.attributes as Record<string, unknown>).modified_at);
    expect(String(c.modified_at).replace(' ', 'T').replace(/(\+00)?$/, 'Z')).toBe(modified.slice(0, 26) + 'Z');
    expect(c.status_group).toBe((stored.attributes as Record<string, unknown>).status_group);
  });

  it('follows what was created and deleted since on the next refresh', async () => {
    const world = h.simulator.world.softwareCatalog;
    const removed: Record<string, string> = {};
    const added: Record<string, string[]> = {};
    for (const name of FAMILY) {
      removed[name] = world.remove(name, 1);
      added[name] = world.add(name, 2);
    }
    const result = await h.sync(request());
    expect(result.status).toBe('completed');
    for (const name of FAMILY) {
      const stored = await keys(h.destination, name);
      expect({ stream: name, keys: stored }).toEqual({ stream: name, keys: h.simulator.world.groundTruth(name) });
      expect({ stream: name, removed: stored.includes(removed[name]), added: added[name].every((id) => stored.includes(id)) }).toEqual({ stream: name, removed: false, added: true });
    }
  });

  it('`retriever check` reads every stream of the family', async () => {
    const client = new DatadogClient({ baseUrl: h.simulator.url, credentials: SIMULATOR_KEYS });
    const report = await checkAccess(client, parseSyncRequest({ streams: [...FAMILY] }, Date.now()));
    await client.close();
    expect(report.streams.filter((s) => !s.readable)).toEqual([]);
    expect(report.streams.map((s) => s.stream)).toEqual([...FAMILY]);
  });

  describe('with an application key missing some permissions, and an organisation without RUM', () => {
    let limited: Harness;

    beforeAll(async () => {
      limited = await harness(env, {
        seed: 18,
        forbiddenPermissions: ['cases_read', 'status_pages_settings_read'],
        // Its spec names no permission: a key may still be refused.
        forbiddenStreams: ['rum_metrics'],
        missingRoutes: ['GET /api/v2/rum/applications'],
      });
    });
    afterAll(async () => {
      await limited?.close();
    });

    it('skips what it may not read, naming the permission or the missing product, and completes the rest', async () => {
      const result = await limited.sync(request());
      expect(result.status).toBe('completed');
      const status = Object.fromEntries(result.streams.map((s) => [s.stream, s.status]));
      const skipped = ['cases', 'case_projects', 'status_pages', 'status_page_degradations', 'status_page_maintenances', 'rum_metrics', 'rum_applications'];
      for (const name of FAMILY) expect({ stream: name, status: status[name] }).toEqual({ stream: name, status: skipped.includes(name) ? 'skipped' : 'completed' });
      expect(result.warnings).toHaveLength(skipped.length);
      const warning = (name: string) => result.warnings.find((w) => w.startsWith(`${name} skipped`))!;
      for (const name of ['cases', 'case_projects']) expect(warning(name)).toContain(unreadableReason(403, 'cases_read'));
      for (const name of ['status_pages', 'status_page_degradations', 'status_page_maintenances']) expect(warning(name)).toContain(unreadableReason(403, 'status_pages_settings_read'));
      expect(warning('rum_metrics')).toContain(unreadableReason(403, ''));
      expect(warning('rum_applications')).toContain(unreadableReason(404, 'rum_apps_read'));
      for (const name of FAMILY.filter((n) => !skipped.includes(n))) expect(await keys(limited.destination, name)).toEqual(limited.simulator.world.groundTruth(name));
    });

    it('`retriever check` says the same', async () => {
      const client = new DatadogClient({ baseUrl: limited.simulator.url, credentials: SIMULATOR_KEYS });
      const report = await checkAccess(client, parseSyncRequest({ streams: [...FAMILY] }, Date.now()));
      await client.close();
      const unreadable = Object.fromEntries(report.streams.filter((s) => !s.readable).map((s) => [s.stream, s.status]));
      expect(unreadable).toEqual({ cases: 403, case_projects: 403, status_pages: 403, status_page_degradations: 403, status_page_maintenances: 403, rum_applications: 404, rum_metrics: 403 });
    });
  });
});
