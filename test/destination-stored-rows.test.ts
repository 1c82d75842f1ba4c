/**
 * What dependent and derived streams read back from the destination instead of asking Datadog again:
 * a table's rows in key order, by position, with one other field and when each was written, and
 * rows kept through a full refresh without being rewritten. The same in DuckDB and PostgreSQL.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getStream, tableSpec } from '../src/datadog/streams/table';
import { DuckDbDestination } from '../src/destinations/duckdb';
import type { JsonRecord } from '../src/shared/json';
import { dropSchema, openTestPostgres, uniqueSchema } from './helpers/postgres';
import { writeRecords, type QueryableDestination } from './helpers/destinations';

const STORES: Record<'duckdb' | 'postgres', () => Promise<{ destination: QueryableDestination; cleanup: () => Promise<void> }>> = {
  async duckdb() {
    const path = join(mkdtempSync(join(tmpdir(), 'retriever-stored-')), 'retriever.duckdb');
    return { destination: await DuckDbDestination.open(path), cleanup: async () => undefined };
  },
  async postgres() {
    const schema = uniqueSchema('stored');
    return { destination: await openTestPostgres(schema), cleanup: () => dropSchema(schema) };
  },
};

const dashboards = getStream('dashboards');
const monitors = getStream('monitors');
const dashboard = (id: string, modified: string): JsonRecord => ({ id, title: `Dashboard ${id}`, modified_at: modified, layout_type: 'ordered' });

describe.each(Object.keys(STORES) as (keyof typeof STORES)[])('stored rows in %s', (store) => {
  let destination: QueryableDestination;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ destination, cleanup } = await STORES[store]());
  });
  afterAll(async () => {
    await destination?.close();
    await cleanup?.();
  });

  it('pages through a table by key, with one other field and when each row was written', async () => {
    const ids = ['d-07', 'd-01', 'd-10', 'd-03', 'd-05'];
    const before = Date.now();
    await writeRecords(destination, dashboards, ids.map((id, i) => dashboard(id, `2026-01-0${i + 1}T10:00:00.123456Z`)), 'sync-1');
    const table = tableSpec(dashboards);
    const first = await destination.readRows(table, { field: 'modified_at', limit: 2 });
    expect(first.map((r) => r.key)).toEqual(['d-01', 'd-03']);
    const rest = await destination.readRows(table, { field: 'modified_at', after: first[1].key, limit: 10 });
    expect(rest.map((r) => r.key)).toEqual(['d-05', 'd-07', 'd-10']);
    // The same timestamp reads back as the same text, whichever table holds it: that is what is compared.
    expect(new Set([...first, ...rest].map((r) => r.value)).size).toBe(5);
    for (const row of [...first, ...rest]) {
      expect(row.writtenAt).toBeGreaterThanOrEqual(before - 1000);
      expect(row.writtenAt).toBeLessThanOrEqual(Date.now() + 1000);
      expect(row.record).toBeUndefined();
    }
    const [again] = await destination.readRows(table, { field: 'modified_at', only: ['d-07'] });
    expect(again.value).toBe(rest[1].value);
  });

  it('reads chosen rows with their records as written, and integer keys as text', async () => {
    await writeRecords(destination, monitors, [{ id: 1001, name: 'a', type: 'metric alert', query: 'q', tags: ['x:1'] }, { id: 99, name: 'b', type: 'metric alert', query: 'q' }], 'sync-1');
    const rows = await destination.readRows(tableSpec(monitors), { only: ['1001', '7'], records: true });
    expect(rows).toEqual([{ key: '1001', writtenAt: expect.any(Number), record: { id: 1001, name: 'a', type: 'metric alert', query: 'q', tags: ['x:1'] } }]);
    expect(await destination.readRows(tableSpec(monitors), { only: [] })).toEqual([]);
    // A table nothing was written to yet reads as empty.
    expect(await destination.readRows(tableSpec(getStream('notebooks')), { limit: 5 })).toEqual([]);
  });

  it('keeps rows through the end of a full refresh without rewriting them', async () => {
    const table = tableSpec(dashboards);
    const [before] = await destination.readRows(table, { only: ['d-03'], records: true });
    expect(await destination.keepRows(table, 'id', ['d-03', 'd-05', 'no-such'], 'sync-2')).toBe(2);
    await writeRecords(destination, dashboards, [dashboard('d-10', '2026-02-01T00:00:00Z')], 'sync-2');
    expect(await destination.removeRowsNotIn(table, 'sync-2')).toBe(2);
    const left = await destination.readRows(table, { records: true });
    expect(left.map((r) => r.key)).toEqual(['d-03', 'd-05', 'd-10']);
    // Kept, not written again: the same record, written when it was.
    expect(left[0]).toEqual(before);
  });

  it("reads and keeps only one organisation's rows", async () => {
    const table = tableSpec(getStream('synthetic_tests'));
    const test = (id: string) => ({ public_id: id, name: id, type: 'api' });
    await writeRecords(destination, getStream('synthetic_tests'), [test('aaa-111-aaa'), test('bbb-222-bbb')], 'sync-eu', 'eu');
    await writeRecords(destination, getStream('synthetic_tests'), [test('ccc-333-ccc')], 'sync-us', 'us');
    expect((await destination.readRows(table, { organization: 'eu', by: 'public_id' })).map((r) => r.key)).toEqual(['aaa-111-aaa', 'bbb-222-bbb']);
    expect((await destination.readRows(table, { organization: 'us', by: 'public_id', field: 'type' })).map((r) => [r.key, r.value])).toEqual([['ccc-333-ccc', 'api']]);
    // Keeping rows for one organisation's full refresh leaves the other's as they were.
    expect(await destination.keepRows(table, 'public_id', ['aaa-111-aaa', 'ccc-333-ccc'], 'sync-eu-2', 'eu')).toBe(1);
    expect(await destination.removeRowsNotIn(table, 'sync-eu-2', 'eu')).toBe(1);
    expect((await destination.readRows(table, { organization: 'eu', by: 'public_id' })).map((r) => r.key)).toEqual(['aaa-111-aaa']);
    expect((await destination.readRows(table, { organization: 'us', by: 'public_id' })).map((r) => r.key)).toEqual(['ccc-333-ccc']);
  });

  it('refuses a field without a column', async () => {
    await expect(destination.readRows(tableSpec(dashboards), { by: 'widgets.0.id' })).rejects.toThrow(/no column for "widgets.0.id"/);
  });
});
