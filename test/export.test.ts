import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { readEnv } from '../src/config/env';
import { getStream } from '../src/datadog/streams/table';
import { DuckDbDestination } from '../src/destinations/duckdb';
import { exportParquet, openExportSource } from '../src/export';
import { parquetFiles, partitionColumn } from '../src/export/parquet';
import { generateDashboards, generateLogs } from '../src/simulator/data';
import type { JsonRecord } from '../src/shared/json';
import { writeRecords, type QueryableDestination } from './helpers/destinations';
import { dropSchema, openTestPostgres, testPostgresEnv, uniqueSchema } from './helpers/postgres';
import { normalise } from './helpers/tables';

const DAY = 86_400_000;
const NOW = Date.parse('2025-03-01T12:00:00Z');
const logs = getStream('logs');
const dashboards = getStream('dashboards');
const sloHistory = getStream('slo_history');

const LOGS = generateLogs(12, 2_500, NOW - 3 * DAY, NOW).map((l) => l.record as unknown as JsonRecord);
/** Microseconds, an offset that moves the UTC day, odd text and a drift column. */
const EDGE: JsonRecord = {
  id: 'edge-1',
  type: 'log',
  attributes: { timestamp: '2025-02-28T00:30:00.123456+02:00', message: 'tab\there "quoted" 🚀', service: 'web', drift_count: 7, attributes: { deep: [1, { x: null }] } },
};
const SLO_ROWS: JsonRecord[] = [0, 1, 2].map((d) => {
  const from = (NOW - (3 - d) * DAY) / 1000;
  return { id: `slo-a:${from}`, slo_id: 'slo-a', from_ts: from, to_ts: from + 86_400, type: 'metric', overall: { sli_value: 99.5 + d / 10 } };
});

/** Reads rows back with a DuckDB of its own, as a user of the files would. */
function readParquet(glob: string, hive: boolean): Promise<Record<string, unknown>[]> {
  return duckdb(`SELECT * FROM read_parquet('${glob}'${hive ? ', hive_partitioning = true' : ''})`);
}

async function duckdb(sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run("SET TimeZone = 'UTC'");
    const reader = await connection.runAndReadAll(sql);
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Rows in one comparable form, sorted by id; `day` kept apart. */
function comparable(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows
    .map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => k !== 'day').map(([k, v]) => [k, normalise(v)])))
    .sort((a, b) => (String(a.id) < String(b.id) ? -1 : 1));
}

async function fill(destination: QueryableDestination): Promise<void> {
  for (let i = 0; i < LOGS.length; i += 1_000) await writeRecords(destination, logs, LOGS.slice(i, i + 1_000), 'sync-1');
  await writeRecords(destination, logs, [EDGE], 'sync-1');
  await writeRecords(destination, dashboards, generateDashboards(4, 30, NOW) as unknown as JsonRecord[], 'sync-1');
  await writeRecords(destination, sloHistory, SLO_ROWS, 'sync-1');
}

interface Store {
  env: ReturnType<typeof readEnv>;
  expected: Record<string, Record<string, unknown>[]>;
  cleanup(): Promise<void>;
}

const STORES: Record<'duckdb' | 'postgres', () => Promise<Store>> = {
  async duckdb() {
    const path = join(mkdtempSync(join(tmpdir(), 'retriever-export-')), 'retriever.duckdb');
    const destination = await DuckDbDestination.open(path);
    await fill(destination);
    const expected = await tableRows(destination);
    // The export opens the file itself, as `retriever export` does once no worker holds it.
    await destination.close();
    return { env: readEnv({ RETRIEVER_DUCKDB_PATH: path }), expected, cleanup: async () => undefined };
  },
  async postgres() {
    const schema = uniqueSchema('export');
    const destination = await openTestPostgres(schema);
    await fill(destination);
    const expected = await tableRows(destination);
    // PostgreSQL is read while its writer is still connected.
    const cleanup = async () => {
      await destination.close();
      await dropSchema(schema);
    };
    return { env: readEnv({ ...testPostgresEnv(), RETRIEVER_DESTINATION: 'postgres', RETRIEVER_POSTGRES_SCHEMA: schema }), expected, cleanup };
  },
};

async function tableRows(destination: QueryableDestination): Promise<Record<string, Record<string, unknown>[]>> {
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const table of ['logs', 'dashboards', 'slo_history']) out[table] = comparable(await destination.query(`SELECT * FROM "${table}"`));
  return out;
}

describe.each(['duckdb', 'postgres'] as const)('export --format parquet from %s', (kind) => {
  let store: Store;
  beforeAll(async () => {
    store = await STORES[kind]();
  });
  afterAll(async () => {
    await store?.cleanup();
  });

  it('writes every table as Parquet that DuckDB reads back row for row, incremental streams partitioned by UTC day', async () => {
    const out = mkdtempSync(join(tmpdir(), 'retriever-parquet-'));
    const source = await openExportSource(store.env);
    let exported;
    try {
      exported = await exportParquet(source, [logs, dashboards, sloHistory, getStream('spans')], out, false);
    } finally {
      await source.close();
    }
    // spans has no table: with no stream named, it is passed over.
    expect(exported.map((e) => [e.stream, e.rows, e.partitionedBy])).toEqual([
      ['logs', 2_501, 'attributes.timestamp'],
      ['dashboards', 30, undefined],
      ['slo_history', 3, 'to_ts'],
    ]);

    const logGlob = join(out, 'logs', '**', '*.parquet');
    const logRows = await readParquet(logGlob, true);
    expect(comparable(logRows)).toEqual(store.expected.logs);
    // Typed as in the store, microseconds kept (JavaScript Dates above would hide them).
    const types = await duckdb(`DESCRIBE SELECT * FROM read_parquet('${logGlob}', hive_partitioning = true)`);
    expect(Object.fromEntries(types.map((t) => [t.column_name, t.column_type]))).toMatchObject({
      id: 'VARCHAR',
      timestamp: 'TIMESTAMP WITH TIME ZONE',
      // JSON as its text, a plain string every reader takes.
      tags: 'VARCHAR',
      drift_count: 'DOUBLE',
      _raw: 'VARCHAR',
      _retriever_synced_at: 'TIMESTAMP WITH TIME ZONE',
      day: 'DATE',
    });
    const [edge] = await duckdb(`SELECT epoch_us("timestamp") AS us, message FROM read_parquet('${logGlob}', hive_partitioning = true) WHERE id = 'edge-1'`);
    expect(edge).toEqual({ us: 1740695400123456n, message: 'tab\there "quoted" 🚀' });
    expect(Object.keys(logRows[0])).toEqual(expect.arrayContaining(['drift_count', '_raw', '_retriever_sync_id', 'day']));
    // Each row sits in the partition of its UTC day; edge-1 (00:30 at +02:00) in the day before.
    for (const row of logRows) expect((row.day as Date).toISOString().slice(0, 10)).toBe((row.timestamp as Date).toISOString().slice(0, 10));
    expect(logRows.find((r) => r.id === 'edge-1')!.day).toEqual(new Date('2025-02-27T00:00:00Z'));
    const days = new Set(logRows.map((r) => (r.timestamp as Date).toISOString().slice(0, 10)));
    expect(parquetFiles(join(out, 'logs')).map((f) => relative(join(out, 'logs'), f).split('/')[0]).sort()).toEqual([...days].sort().map((d) => `day=${d}`));

    expect(comparable(await readParquet(join(out, 'dashboards', '*.parquet'), false))).toEqual(store.expected.dashboards);
    const slo = await readParquet(join(out, 'slo_history', '**', '*.parquet'), true);
    expect(comparable(slo)).toEqual(store.expected.slo_history);
    // Epoch seconds: the day of to_ts.
    expect(slo.map((r) => (r.day as Date).toISOString().slice(0, 10)).sort()).toEqual(['2025-02-27', '2025-02-28', '2025-03-01']);
  });

  it('replaces an earlier export of a stream, refuses to write over files it did not make, and names a stream with no table', async () => {
    const out = mkdtempSync(join(tmpdir(), 'retriever-parquet-'));
    const source = await openExportSource(store.env);
    try {
      await exportParquet(source, [logs], out, true);
      const first = parquetFiles(join(out, 'logs')).length;
      await exportParquet(source, [logs], out, true);
      expect(parquetFiles(join(out, 'logs'))).toHaveLength(first);
      expect(await readParquet(join(out, 'logs', '**', '*.parquet'), true)).toHaveLength(2_501);

      mkdirSync(join(out, 'dashboards'));
      writeFileSync(join(out, 'dashboards', 'notes.txt'), 'mine');
      await expect(exportParquet(source, [dashboards], out, true)).rejects.toThrow(/holds files an export did not write/);
      await expect(exportParquet(source, [getStream('spans')], out, true)).rejects.toThrow(/no table for spans .*sync it first/);
    } finally {
      await source.close();
    }
  });
});

describe('the partition column', () => {
  it('is day, a name pandas and Spark read (they skip paths starting with "_"), or day_2 when the table has a day column', () => {
    expect(partitionColumn(new Map([['id', 'VARCHAR']]))).toBe('day');
    expect(partitionColumn(new Map([['day', 'VARCHAR']]))).toBe('day_2');
  });
});
