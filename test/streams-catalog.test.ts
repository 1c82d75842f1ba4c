/**
 * The software-catalog family's rows against responses Datadog really sent (recorded by Datadog's
 * own API clients): the records come out whole, values beyond the spec's enums are kept, and paging
 * ends where the data ends, whatever `links.next` or the counts say.
 */
import { extractRecords } from '../src/datadog/page';
import { nextPageState, pageParams } from '../src/datadog/pagination';
import { buildPageRequest } from '../src/datadog/request';
import { getStream, tableSpec } from '../src/datadog/streams/table';
import { toRow } from '../src/destinations/rows';
import { columnsFor, newScalarFields } from '../src/destinations/table-model';
import { startSimulator, SIMULATOR_KEYS, type Simulator } from '../src/simulator';

/** Page `state` of `stream` answered with `body`: its records and the page after it. */
function read(stream: string, state: { offset?: number; page?: number }, pageSize: number, body: unknown) {
  const def = getStream(stream);
  const records = extractRecords(def, body);
  return { records, next: nextPageState(def.pagination, state, body, records.length, pageSize) };
}

/** A column's cell for a record, as both stores receive it. */
function cell(stream: string, record: Record<string, unknown>, column: string): unknown {
  const columns = columnsFor(tableSpec(getStream(stream)));
  const index = columns.findIndex((c) => c.name === column);
  expect(index).toBeGreaterThanOrEqual(0);
  return toRow(columns, record).cells[index];
}

// Recorded (Search-cases-returns-OK-response-with-pagination and an error-tracking case), trimmed.
const recordedCase = {
  id: 'cd4abeaa-0a5b-4b83-b99c-5b6d1f912938',
  type: 'case',
  attributes: {
    key: 'ET-3',
    title: 'TypeError in checkout',
    priority: 'NOT_DEFINED',
    status: 'CLOSED',
    status_group: 'SG_CLOSED',
    status_name: 'Closed',
    type: 'ERROR_TRACKING_ISSUE',
    type_id: '00000000-0000-0000-0000-000000000005',
    attributes: { service: ['synthetics-browser'] },
    custom_attributes: {},
    comment_count: 0,
    creation_source: 'ERROR_TRACKING',
    created_at: '2025-11-12T00:42:59.178125Z',
    modified_at: '2026-02-05T03:58:14.876711989Z',
    closed_at: '2026-01-24T00:47:45.477244496Z',
  },
  relationships: {
    assignee: { data: { id: '87cb11a4-0b94-4e2e-9a27-96b5b3ef4d25', type: 'user' } },
    created_by: { data: { id: '9919a9cb-4c9d-4a4f-8d36-0ae1a0d27a21', type: 'user' } },
    project: { data: { id: '3845e1a2-7d8b-4a89-a58c-c4c6f2b5d9e1', type: 'project' } },
  },
};

describe('cases', () => {
  it('asks for page 1 first, sorted oldest first, as the official client does', () => {
    const request = buildPageRequest(getStream('cases'), { page: {}, pageSize: 100 });
    expect(request.query).toEqual({ 'page[number]': '1', 'page[size]': '100', 'sort[field]': 'created_at', 'sort[asc]': 'true' });
  });

  it('keeps a case whose type the spec does not list, its undescribed fields and its nanosecond times', () => {
    // Recorded: page 2 of 2 with page[size]=2; `size` is the count on this page, `total` the number of pages.
    const body = { data: [recordedCase], meta: { page: { current: 2, size: 1, total: 2 }, total_cases: 3 } };
    const { records, next } = read('cases', { page: 2 }, 2, body);
    expect(records.map((r) => r.id)).toEqual([recordedCase.id]);
    expect(next).toBeNull();
    expect(cell('cases', records[0], 'attributes_type')).toBe('ERROR_TRACKING_ISSUE');
    expect(cell('cases', records[0], 'modified_at')).toBe('2026-02-05T03:58:14.876711Z');
    expect(cell('cases', records[0], 'closed_at')).toBe('2026-01-24T00:47:45.477244Z');
    // Fields the spec does not describe become columns of their own.
    const known = columnsFor(tableSpec(getStream('cases')));
    expect(newScalarFields(tableSpec(getStream('cases')), known, records).map((f) => f.source).sort()).toEqual(['attributes.comment_count', 'attributes.creation_source']);
  });

  it('goes on after a full page whatever meta.page says, and ends on a short one', () => {
    const full = { data: [recordedCase, { ...recordedCase, id: 'b1' }], meta: { page: { current: 1, size: 2, total: 2 }, total_cases: 3 } };
    expect(read('cases', {}, 2, full).next).toEqual({ page: 2 });
  });
});

describe('scorecards', () => {
  // Recorded: `links.next` is written with page[limit] beside page[size], and sent on the empty last page too.
  const next = (offset: number) => `https://api.datadoghq.com/api/v2/scorecard/rules?page%5Blimit%5D=2&page%5Boffset%5D=${offset}&page%5Bsize%5D=2`;
  const rule = (id: string) => ({ id, type: 'rule', attributes: { name: 'Has on-call', scorecard_name: 'Production Readiness', enabled: true, custom: true }, relationships: { scorecard: { data: { id: 'hA5zOZJXXJ4K', type: 'scorecard' } } } });

  it('pages by its own offset and page[size], and ends on the empty page despite its links.next', () => {
    const first = read('scorecard_rules', {}, 2, { data: [rule('r1'), rule('r2')], links: { next: next(2) } });
    expect(first.next).toEqual({ offset: 2 });
    expect(pageParams(getStream('scorecard_rules').pagination, first.next!, 2)).toEqual({ 'page[offset]': 2, 'page[size]': 2 });
    expect(read('scorecard_rules', { offset: 2 }, 2, { data: [], links: { next: next(4) } }).next).toBeNull();
    expect(read('scorecard_rules', { offset: 2 }, 2, { data: [rule('r3')], links: { next: next(4) } }).next).toBeNull();
  });

  it("keeps an outcome's key with its literal backslash", () => {
    const body = JSON.parse(
      '{"data":[{"id":"c70e3b5f-a9f7-4ef8-8417-bf28ea153631\\\\my-service","type":"outcome","attributes":{"modified_at":"2023-11-01T20:08:35.478323Z","remarks":"See: <a href=\\"https://app.datadoghq.com/services\\">Services</a>","service_name":"my-service","state":"pass"},"relationships":{"rule":{"data":{"id":"c70e3b5f-a9f7-4ef8-8417-bf28ea153631","type":"rule"}}}}],"links":{"next":"x"}}',
    );
    const { records } = read('scorecard_outcomes', {}, 100, body);
    expect(records[0].id).toBe('c70e3b5f-a9f7-4ef8-8417-bf28ea153631\\my-service');
    expect(String(records[0].id)).toHaveLength(36 + 1 + 'my-service'.length);
  });
});

describe('catalog, status pages and powerpacks end on a short page, not on their counts or links', () => {
  const entity = (i: number) => ({ id: `e${i}`, type: 'entity', attributes: { kind: 'service', name: `svc-${i}` }, meta: { createdAt: '2022-08-04T20:37:09Z' } });

  it('catalog: meta.count counts the page, not the catalog', () => {
    // Recorded: 100 on a full page, 12 on the last; `links.next` absent on the last page.
    const full = read('catalog_entities', { offset: 100 }, 100, { data: Array.from({ length: 100 }, (_, i) => entity(i)), meta: { count: 100 }, links: { next: 'n' } });
    expect(full.next).toEqual({ offset: 200 });
    expect(read('catalog_entities', { offset: 200 }, 100, { data: Array.from({ length: 12 }, (_, i) => entity(i)), meta: { count: 12 }, links: {} }).next).toBeNull();
  });

  it('status pages: a full page with `total: null` goes on; a short one ends', () => {
    const page = (n: number) => ({ data: Array.from({ length: n }, (_, i) => ({ id: `p${i}`, type: 'status_pages' })), meta: { page: { type: 'offset_limit', total: null, next_offset: 50, last_offset: null } } });
    expect(read('status_pages', {}, 50, page(50)).next).toEqual({ offset: 50 });
    expect(read('status_pages', { offset: 50 }, 50, page(3)).next).toBeNull();
  });

  it('powerpacks: links.next and next_offset on the short last page do not keep it going', () => {
    const body = {
      data: [{ type: 'powerpack', id: 'd1938042-686b-11ee-9d56-da7ad0900002', attributes: { name: 'Sample', group_widget: { definition: { layout_type: 'ordered', type: 'group', widgets: [] } } } }],
      links: { next: 'https://api.datadoghq.com/api/v2/powerpacks?page%5Boffset%5D=25&page%5Blimit%5D=25' },
      meta: { pagination: { type: 'offset_limit', offset: 0, limit: 25, next_offset: 25, last_offset: null } },
    };
    expect(read('powerpacks', {}, 25, body).next).toBeNull();
  });
});

describe('RUM', () => {
  it('stores application times, epoch milliseconds, as integers', () => {
    // Recorded, trimmed.
    const body = { data: [{ type: 'rum_application', id: '6ae18142-192f-4582-9633-95121c2a01d7', attributes: { application_id: '6ae18142-192f-4582-9633-95121c2a01d7', name: 'S8-integration-tests', type: 'browser', org_id: 321813, created_at: 1646148352095, updated_at: 1753109253427, created_by_handle: 'frog@datadoghq.com', updated_by_handle: 'Datadog', tags: [] } }] };
    const { records } = read('rum_applications', {}, 0, body);
    expect(cell('rum_applications', records[0], 'created_at')).toBe(1646148352095);
    expect(cell('rum_applications', records[0], 'org_id')).toBe(321813);
  });
});

describe('the simulator answers these endpoints as Datadog does', () => {
  let simulator: Simulator;
  beforeAll(async () => {
    simulator = await startSimulator({ seed: 3, counts: { cases: 7, scorecard_rules: 4, catalog_entities: 12, powerpacks: 3 } });
  });
  afterAll(async () => {
    await simulator?.close();
  });

  async function get(path: string, query: Record<string, string> = {}): Promise<{ status: number; body: Record<string, any> }> {
    const response = await fetch(`${simulator.url}${path}?${new URLSearchParams(query)}`, { headers: { 'dd-api-key': SIMULATOR_KEYS.apiKey, 'dd-application-key': SIMULATOR_KEYS.appKey } });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  }
  const ids = (body: Record<string, any>) => (body.data as { id: string }[]).map((r) => r.id);

  it('cases: pages from 1 (0 is page 1 again), per-page size, number of pages and total_cases in meta', async () => {
    const one = await get('/api/v2/cases', { 'page[number]': '1', 'page[size]': '5', 'sort[field]': 'created_at', 'sort[asc]': 'true' });
    const zero = await get('/api/v2/cases', { 'page[number]': '0', 'page[size]': '5', 'sort[field]': 'created_at', 'sort[asc]': 'true' });
    const two = await get('/api/v2/cases', { 'page[number]': '2', 'page[size]': '5', 'sort[field]': 'created_at', 'sort[asc]': 'true' });
    expect(ids(zero.body)).toEqual(ids(one.body));
    expect(two.body.meta).toEqual({ page: { current: 2, size: 2, total: 2 }, total_cases: 7 });
    const created = [...one.body.data, ...two.body.data].map((c: { attributes: { created_at: string } }) => c.attributes.created_at);
    expect(created).toEqual([...created].sort());
    // Newest first by default.
    const newest = await get('/api/v2/cases', { 'page[size]': '7' });
    expect(ids(newest.body)).toEqual([...ids(one.body), ...ids(two.body)].reverse());
    expect((await get('/api/v2/cases', { 'page[size]': '101' })).status).toBe(400);
  });

  it('scorecards: links.next with page[limit] on every page, the empty last one included', async () => {
    const last = await get('/api/v2/scorecard/rules', { 'page[offset]': '4', 'page[size]': '2' });
    expect(last.body.data).toEqual([]);
    expect(last.body.links.next).toBe(`${simulator.url}/api/v2/scorecard/rules?page%5Blimit%5D=2&page%5Boffset%5D=6&page%5Bsize%5D=2`);
    expect(last.body.meta).toBeUndefined();
    expect((await get('/api/v2/scorecard/outcomes', { 'page[size]': '101' })).status).toBe(400);
  });

  it('catalog: meta.count counts the page, links.next is left out at the end, discovered entities only when asked', async () => {
    const first = await get('/api/v2/catalog/entity', { 'page[limit]': '10' });
    const last = await get('/api/v2/catalog/entity', { 'page[limit]': '10', 'page[offset]': '10' });
    expect(first.body.meta.count).toBe(10);
    expect(first.body.links.next).toBeDefined();
    expect(last.body.meta.count).toBe(2);
    expect(last.body.links.next).toBeUndefined();
    const all = await get('/api/v2/catalog/entity', { includeDiscovered: 'true' });
    expect(all.body.data.length).toBe(12 + simulator.world.softwareCatalog.discoveredEntities.length);
  });

  it('powerpacks: no total, links.next on the last page, at most 1000 a page', async () => {
    const page = await get('/api/v2/powerpacks', { 'page[limit]': '25' });
    expect(page.body.data).toHaveLength(3);
    expect(page.body.links.next).toContain('page%5Boffset%5D=25');
    expect(page.body.meta.pagination).not.toHaveProperty('total');
    expect((await get('/api/v2/powerpacks', { 'page[limit]': '1001' })).status).toBe(400);
  });
});
