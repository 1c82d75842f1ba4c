import type { JsonRecord } from '../src/shared/json';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getStream, STREAMS, streamSchema, tableSpec } from '../src/datadog/streams/table';
import type { StreamDef } from '../src/datadog/streams/types';
import { DestinationUnavailableError } from '../src/destinations/destination';
import { DuckDbDestination } from '../src/destinations/duckdb';
import { copyText } from '../src/destinations/pg-copy';
import { PostgresDestination } from '../src/destinations/postgres';
import { jsonbRaw, toCell } from '../src/destinations/rows';
import { columnsFor, nameColumns, newScalarFields } from '../src/destinations/table-model';
import { generateDashboards, generateLogs } from '../src/simulator/data';
import { randomId, seededRandom } from '../src/simulator/random';
import { adminClient, dropSchema, openTestPostgres, testPostgresSettings, uniqueSchema } from './helpers/postgres';
import { countRows, writeRecords, type QueryableDestination } from './helpers/destinations';
import { normalise, snapshot } from './helpers/tables';
import { tcpProxy } from './helpers/tcp-proxy';

const logs = getStream('logs');
const dashboards = getStream('dashboards');
const monitors = getStream('monitors');
const DAY = 86_400_000;
const NOW = Date.parse('2025-03-01T12:00:00Z');

/** A store under test: how to open it, open it again as a new process would, and throw it away. */
interface Store {
  destination: QueryableDestination;
  reopen(): Promise<QueryableDestination>;
  cleanup(): Promise<void>;
}

const STORES: Record<'duckdb' | 'postgres', () => Promise<Store>> = {
  async duckdb() {
    const path = join(mkdtempSync(join(tmpdir(), 'retriever-dest-')), 'retriever.duckdb');
    return { destination: await DuckDbDestination.open(path), reopen: () => DuckDbDestination.open(path), cleanup: async () => undefined };
  },
  async postgres() {
    const schema = uniqueSchema('dest');
    return { destination: await openTestPostgres(schema), reopen: () => openTestPostgres(schema), cleanup: () => dropSchema(schema) };
  },
};

function logPages(seed: number, count: number, pageSize: number): JsonRecord[][] {
  const records = generateLogs(seed, count, NOW - 2 * DAY, NOW).map((l) => l.record as unknown as JsonRecord);
  const pages: JsonRecord[][] = [];
  for (let i = 0; i < records.length; i += pageSize) pages.push(records.slice(i, i + pageSize));
  return pages;
}

/** Records that take every conversion path: odd characters, wrong types, bad dates, new fields. */
const EDGE_LOGS: JsonRecord[] = [
  {
    id: 'edge-1',
    type: 'log',
    attributes: {
      timestamp: '2025-02-28T10:00:00.123456+02:00',
      message: 'tab\there, newline\nthere, backslash \\ and "quotes", emoji 🚀, nul \u0000 end',
      service: 42,
      host: null,
      tags: ['a:b', 'c\td'],
      attributes: { deep: { deeper: [1, 2, { x: null }] }, text: 'x\\ny' },
      new_flag: true,
    },
  },
  {
    id: 'edge-2',
    type: 'log',
    attributes: { timestamp: 'not a date', status: 'warn', attributes: {}, new_flag: false, new_count: 3 },
    extra_top: 'top-level drift',
    meta_drift: { nested: 'kept only in _raw' },
  },
  { id: 'edge-3', type: 'log', attributes: { timestamp: '2025-02-30T00:00:00Z', new_count: 2.5 } },
];

/**
 * A response body as Datadog may send it: U+0000 and lone surrogates escaped (as JSON allows, though
 * they are not text), emoji written out and as an escaped pair, keys that differ only in case.
 */
const ODD_BODY =
  '{"data":[{"id":"odd-1","type":"log","attributes":{"timestamp":"2025-02-28T10:00:00Z",' +
  '"message":"nul \\u0000, lone \\ud800 and \\udc00, pair \\ud83d\\ude80, emoji 🚀",' +
  '"Message":"upper","MESSAGE":"shout","attributes":{"k\\u0000":"v","lone\\udfff":["\\ud800"],"Key":1,"key":2}}}]}';
/** The record as the client parses it from that body, fresh each time. */
const oddRecord = (): JsonRecord => (JSON.parse(ODD_BODY) as { data: JsonRecord[] }).data[0];

const EDGE_DASHBOARDS: JsonRecord[] = [
  { id: 'abc-def-ghi', title: 'Odd one', is_read_only: 'yes', created_at: 'yesterday', modified_at: '2025-01-01T00:00:00Z', url: null },
];

const MONITORS: JsonRecord[] = Array.from({ length: 40 }, (_, i) => ({
  id: 1_000_000 + i * 7,
  name: `monitor ${i}`,
  type: 'metric alert',
  priority: i % 5,
  multi: i % 2 === 0,
  created: new Date(NOW - i * DAY).toISOString(),
  options: { thresholds: { critical: 50 + i } },
  tags: [`team:${i % 3}`],
}));

async function microseconds(destination: QueryableDestination, id: string): Promise<string> {
  const sql =
    destination instanceof PostgresDestination
      ? `SELECT (extract(epoch FROM "timestamp") * 1000000)::bigint AS us FROM logs WHERE id = $1`
      : `SELECT epoch_us("timestamp") AS us FROM logs WHERE id = $1`;
  const [row] = await destination.query(sql, [id]);
  return String(row.us);
}

describe('the table model', () => {
  it('types the schema fields and lifts JSON:API attributes to columns', () => {
    const columns = Object.fromEntries(columnsFor(tableSpec(logs)).map((c) => [c.name, `${c.source}:${c.type}`]));
    expect(columns).toMatchObject({
      id: 'id:string',
      type: 'type:string',
      timestamp: 'attributes.timestamp:timestamp',
      tags: 'attributes.tags:json',
      attributes: 'attributes.attributes:json',
    });
    expect(Object.fromEntries(columnsFor(tableSpec(monitors)).map((c) => [c.name, c.type]))).toMatchObject({ id: 'integer', multi: 'boolean', created: 'timestamp', options: 'json' });
  });

  it('finds new top-level scalars, not nested values, and names them without clashes', () => {
    const fields = newScalarFields(tableSpec(logs), columnsFor(tableSpec(logs)), EDGE_LOGS);
    expect(fields).toEqual(
      expect.arrayContaining([
        { source: 'attributes.new_flag', type: 'boolean' },
        { source: 'attributes.new_count', type: 'number' },
        { source: 'extra_top', type: 'string' },
      ]),
    );
    expect(fields.map((f) => f.source)).not.toContain('meta_drift');
    const named = nameColumns([{ source: 'host', type: 'string' }, { source: 'attributes.Host', type: 'string' }], ['host', 'id']);
    expect(named.map((c) => c.name)).toEqual(['host_2', 'host_3']);
  });

  it('converts values once, for both stores, and a wrong type becomes NULL', () => {
    expect(toCell('timestamp', '2025-02-28T10:00:00.123456+02:00')).toBe('2025-02-28T08:00:00.123456Z');
    expect(toCell('timestamp', '2025-01-01 10:00:00')).toBe('2025-01-01T10:00:00.000Z');
    expect(toCell('timestamp', '2025-02-30T00:00:00Z')).toBeNull();
    expect(toCell('timestamp', '5')).toBeNull();
    expect(toCell('integer', '9223372036854775807')).toBe('9223372036854775807');
    expect(toCell('integer', '9223372036854775808')).toBeNull();
    expect(toCell('integer', 1.5)).toBeNull();
    expect(toCell('number', '2.5')).toBe(2.5);
    expect(toCell('boolean', 'yes')).toBeNull();
    expect(toCell('string', 42)).toBe('42');
    expect(toCell('string', 'a\u0000b')).toBe('a\uFFFDb');
    expect(toCell('json', { a: 'x\u0000' })).toBe('{"a":"x\uFFFD"}');
    // A lone surrogate cannot be written as UTF-8, nor held by jsonb: typed columns get U+FFFD; a pair stays.
    expect(toCell('string', 'lone \ud800, pair \ud83d\ude80')).toBe('lone \uFFFD, pair 🚀');
    expect(toCell('json', { ['k\udc00']: ['\ud800'] })).toBe('{"k\uFFFD":["\uFFFD"]}');
  });

  it('writes COPY text with NULLs and escaped separators', () => {
    expect(copyText([['a\tb\\c\nd\re', null, true, 1.5]])).toBe('a\\tb\\\\c\\nd\\re\t\\N\tt\t1.5\n');
  });
});

describe('DuckDB and PostgreSQL', () => {
  let duck: Store;
  let pg: Store;
  beforeAll(async () => {
    duck = await STORES.duckdb();
    pg = await STORES.postgres();
  });
  afterAll(async () => {
    for (const store of [duck, pg]) {
      await store?.destination.close();
      await store?.cleanup();
    }
  });

  it('hold the same rows after the same pages', async () => {
    const pages: [typeof logs, JsonRecord[], string][] = [
      ...logPages(11, 1_234, 500).map((page): [typeof logs, JsonRecord[], string] => [logs, page, 'sync-a']),
      [logs, EDGE_LOGS, 'sync-a'],
      [dashboards, [...(generateDashboards(3, 60, NOW) as unknown as JsonRecord[]), ...EDGE_DASHBOARDS], 'sync-a'],
      [monitors, MONITORS, 'sync-a'],
      // A later sync re-reads part of the logs: rows are replaced, not added.
      [logs, logPages(11, 1_234, 500)[1], 'sync-b'],
    ];
    for (const store of [duck, pg]) {
      for (const [def] of pages) await store.destination.ensureTable(tableSpec(def));
      for (const [def, page, syncId] of pages) await writeRecords(store.destination, def, page, syncId);
    }
    for (const [table, key, count] of [
      ['logs', 'id', 1_234 + EDGE_LOGS.length],
      ['dashboards', 'id', 61],
      ['monitors', 'id', 40],
    ] as const) {
      const fromDuck = await snapshot(duck.destination, table, key);
      const fromPg = await snapshot(pg.destination, table, key);
      expect(fromDuck).toHaveLength(count);
      expect(Object.keys(fromPg[0]).sort()).toEqual(Object.keys(fromDuck[0]).sort());
      // `_raw` is the record exactly in DuckDB; PostgreSQL's jsonb has U+FFFD for U+0000 (edge-1's message).
      const pgRaw = (rows: Record<string, unknown>[]) => rows.map((row) => ({ ...row, _raw: JSON.parse(jsonbRaw(JSON.stringify(row._raw))) }));
      expect(fromPg).toEqual(pgRaw(fromDuck));
    }
    // Microseconds survive in both (JavaScript Dates would hide them).
    expect(await microseconds(duck.destination, 'edge-1')).toBe('1740729600123456');
    expect(await microseconds(pg.destination, 'edge-1')).toBe('1740729600123456');
    const [edge] = await pg.destination.query(`SELECT message, service, host, status, "timestamp", new_flag, new_count, extra_top, _raw FROM logs WHERE id = 'edge-1'`);
    expect(edge).toMatchObject({ service: '42', host: null, status: null, new_flag: true, new_count: null, extra_top: null });
    expect(edge.message).toBe('tab\there, newline\nthere, backslash \\ and "quotes", emoji 🚀, nul \uFFFD end');
    expect((edge._raw as { attributes: { attributes: unknown } }).attributes.attributes).toEqual({ deep: { deeper: [1, 2, { x: null }] }, text: 'x\\ny' });
    const [duckEdge] = await duck.destination.query(`SELECT _raw::VARCHAR AS raw FROM logs WHERE id = 'edge-1'`);
    expect(JSON.parse(String(duckEdge.raw))).toEqual(EDGE_LOGS[0]);
  });

  /** Writes the odd record twice: first as a new key (DuckDB's Appender), then over itself (the staging upsert). */
  async function writeOdd(destination: QueryableDestination, read: () => Promise<unknown>): Promise<unknown[]> {
    await destination.ensureTable(tableSpec(logs));
    const seen: unknown[] = [];
    for (const syncId of ['sync-odd-1', 'sync-odd-2']) {
      await writeRecords(destination, logs, [oddRecord()], syncId);
      seen.push(await read());
    }
    return seen;
  }

  it('DuckDB keeps _raw exactly as received: U+0000, lone surrogates, emoji, keys differing only in case', async () => {
    const read = async () => {
      const [row] = await duck.destination.query(`SELECT _raw::VARCHAR AS raw, message, _retriever_sync_id AS sync FROM logs WHERE id = 'odd-1'`);
      return { raw: JSON.parse(String(row.raw)), message: row.message, sync: row.sync };
    };
    const [appended, upserted] = (await writeOdd(duck.destination, read)) as { raw: JsonRecord; message: unknown; sync: unknown }[];
    for (const [row, sync] of [[appended, 'sync-odd-1'], [upserted, 'sync-odd-2']] as const) {
      expect(row.sync).toBe(sync);
      expect(row.raw).toEqual(oddRecord());
      // The same UTF-16 code units, lone surrogates included.
      const message = (row.raw.attributes as { message: string }).message;
      expect([...message].map((c) => c.codePointAt(0)!.toString(16))).toEqual([...(oddRecord().attributes as { message: string }).message].map((c) => c.codePointAt(0)!.toString(16)));
      expect(message).toContain('\u0000');
      expect(message).toContain('\ud800 and \udc00');
      // A typed column may normalise: the same text in both stores.
      expect(row.message).toBe('nul \uFFFD, lone \uFFFD and \uFFFD, pair 🚀, emoji 🚀');
    }
  });

  it('PostgreSQL keeps _raw exactly, but for what jsonb cannot hold: U+0000 and lone surrogates become U+FFFD, keys too', async () => {
    const read = async () => {
      const [row] = await pg.destination.query(`SELECT _raw, message FROM logs WHERE id = 'odd-1'`);
      return row;
    };
    const written = (await writeOdd(pg.destination, read)) as { _raw: unknown; message: unknown }[];
    for (const row of written) {
      expect(row._raw).toEqual({
        id: 'odd-1',
        type: 'log',
        attributes: {
          timestamp: '2025-02-28T10:00:00Z',
          message: 'nul \uFFFD, lone \uFFFD and \uFFFD, pair 🚀, emoji 🚀',
          Message: 'upper',
          MESSAGE: 'shout',
          attributes: { 'k\uFFFD': 'v', 'lone\uFFFD': ['\uFFFD'], Key: 1, key: 2 },
        },
      });
      expect(row.message).toBe('nul \uFFFD, lone \uFFFD and \uFFFD, pair 🚀, emoji 🚀');
    }
  });
});

describe('DuckDB', () => {
  it('lands a page converted ahead (while the page before it is written) exactly as one converted at its write', async () => {
    const pages = [...logPages(12, 900, 300), EDGE_LOGS, ...logPages(13, 300, 300)];
    const ahead = await STORES.duckdb();
    const plain = await STORES.duckdb();
    try {
      const { destination } = ahead;
      const table = tableSpec(logs);
      // As fetchPage does with a page read ahead: the next page is prepared while this one is written.
      let next = destination.prepare(table, pages[0], { yielding: true });
      for (let i = 0; i < pages.length; i++) {
        const prepared = next;
        if (i + 1 < pages.length) next = destination.prepare(table, pages[i + 1], { yielding: true });
        await destination.writePage(await prepared, 'sync-1');
      }
      for (const page of pages) await writeRecords(plain.destination, logs, page, 'sync-1');
      const strip = (rows: Record<string, unknown>[]) => rows.map(({ _retriever_synced_at, ...row }) => row);
      const fromAhead = strip(await snapshot(ahead.destination, 'logs', 'id'));
      expect(fromAhead).toHaveLength(1_200 + EDGE_LOGS.length);
      expect(fromAhead).toEqual(strip(await snapshot(plain.destination, 'logs', 'id')));
    } finally {
      for (const store of [ahead, plain]) await store.destination.close();
    }
  });

  it('keeps no index of an event table\'s keys, yet pages written again (a retry, a lookback) leave one row per key', async () => {
    const store = await STORES.duckdb();
    try {
      const { destination } = store;
      const pages = logPages(16, 3_000, 500);
      for (const page of pages) await writeRecords(destination, logs, page, 'sync-1');
      const [index] = await destination.query("SELECT coalesce(sum(memory_usage_bytes), 0)::BIGINT AS n FROM duckdb_memory() WHERE tag = 'ART_INDEX'");
      expect(Number(index.n)).toBe(0);
      // A retried page, and the next sync re-reading the last pages, one of its records edited since.
      await writeRecords(destination, logs, pages[2], 'sync-1');
      const edited = pages[5].map((r, i) => (i === 0 ? { ...r, attributes: { ...(r.attributes as object), message: 'edited' } } : r));
      for (const page of [pages[4], edited]) await writeRecords(destination, logs, page, 'sync-2');
      // A page of the JavaScript path (an odd value in it) written again too.
      const odd = { id: 'odd-service', type: 'log', attributes: { timestamp: '2025-02-28T10:00:00.000Z', service: 42 } };
      for (let i = 0; i < 2; i++) await writeRecords(destination, logs, [...pages[1], odd], 'sync-3');
      expect(await countRows(destination, 'logs')).toBe(3_001);
      const [counts] = await destination.query(`SELECT count(DISTINCT id) AS ids, count(*) FILTER (WHERE message = 'edited') AS edited FROM logs`);
      expect([Number(counts.ids), Number(counts.edited)]).toEqual([3_001, 1]);
    } finally {
      await store.destination.close();
    }
  });

  it('rewrites no row group of an earlier checkpoint while pages are written, and reclaims the rows a re-read replaced once the sync is recorded', async () => {
    const store = await STORES.duckdb();
    try {
      const { destination } = store;
      await destination.ensureTable(tableSpec(logs));
      const start = Date.parse('2025-02-28T00:00:00.000Z');
      // Rows as a long sync leaves them, 130,000 between two checkpoints: a full row group (122,880) and part of one, each time.
      const load = (from: number) =>
        destination.query(
          `INSERT INTO logs (id, type, "timestamp", _raw, _retriever_synced_at, _retriever_sync_id, _retriever_organization)
           SELECT 'log-' || i, 'log', to_timestamp(${start / 1000} + i / 1000.0), '{}', now(), 'sync-1', 'default' FROM range(${from}, ${from + 130_000}) t(i)`,
        );
      const rowGroups = async () =>
        (await destination.query(`SELECT row_group_id AS id, max(count)::INTEGER AS n FROM pragma_storage_info('logs') GROUP BY 1 ORDER BY 1`)).map((r) => Number(r.n));
      const partialBlocks = async () =>
        (await destination.query(`SELECT list(DISTINCT block_id ORDER BY block_id)::VARCHAR AS blocks FROM pragma_storage_info('logs') WHERE row_group_id = 1 AND block_id >= 0`))[0].blocks;
      await load(0);
      await destination.query('CHECKPOINT');
      const partial = await partialBlocks();
      await load(130_000);
      await destination.query('CHECKPOINT');
      // DuckDB's default would have merged the part-filled row group with the next two, writing them again.
      expect(await rowGroups()).toEqual([122_880, 7_120, 122_880, 7_120]);
      expect(await partialBlocks()).toBe(partial);

      // The next sync re-reads its lookback: the last 1,000 events again, their earlier copies deleted.
      const again = Array.from({ length: 1_000 }, (_, j) => 259_000 + j).map((i) => ({ id: `log-${i}`, type: 'log', attributes: { timestamp: new Date(start + i).toISOString() } }));
      await writeRecords(destination, logs, again, 'sync-2');
      await destination.query('CHECKPOINT');
      expect((await rowGroups()).reduce((a, b) => a + b)).toBe(261_000);
      await destination.recordSync({ syncId: 'sync-2', organization: 'default', status: 'completed' });
      // Merged into full row groups: the 1,000 deleted copies no longer take room in the file.
      expect(await rowGroups()).toEqual([122_880, 122_880, 14_240]);
      expect(await countRows(destination, 'logs')).toBe(260_000);
    } finally {
      await store.destination.close();
    }
  });

  it("keeps two organisations' events of the same ids as two rows in a table without a key index, each written again without a copy", async () => {
    const store = await STORES.duckdb();
    try {
      const { destination } = store;
      const pages = logPages(17, 1_500, 500);
      const odd = { id: 'odd-service', type: 'log', attributes: { timestamp: '2025-02-28T10:00:00.000Z', service: 42 } };
      // The same records for two organisations (ids are unique only within one), through both write paths.
      for (const organization of ['default', 'eu']) {
        for (const page of pages) await writeRecords(destination, logs, page, `${organization}-1`, organization);
        await writeRecords(destination, logs, [...pages[0], odd], `${organization}-1`, organization);
      }
      // Retries and lookbacks of one organisation leave the other's rows alone.
      for (const page of [pages[1], pages[2], [...pages[0], odd]]) await writeRecords(destination, logs, page, 'eu-2', 'eu');
      await writeRecords(destination, logs, pages[2], 'default-2', 'default');
      const counts = await destination.query('SELECT _retriever_organization AS o, count(*)::INTEGER AS n, count(DISTINCT id)::INTEGER AS ids FROM logs GROUP BY 1 ORDER BY 1');
      expect(counts).toEqual([
        { o: 'default', n: 1_501, ids: 1_501 },
        { o: 'eu', n: 1_501, ids: 1_501 },
      ]);
      // Every eu row was written again by eu-2; default's second write touched only its own page.
      const bySync = await destination.query('SELECT _retriever_sync_id AS s, count(*)::INTEGER AS n FROM logs GROUP BY 1 ORDER BY 1');
      expect(bySync).toEqual([
        { s: 'default-1', n: 1_001 },
        { s: 'default-2', n: 500 },
        { s: 'eu-2', n: 1_501 },
      ]);
    } finally {
      await store.destination.close();
    }
  });

  it('adds the organisation column to an event table made without one, still without a key index', async () => {
    const store = await STORES.duckdb();
    try {
      const [page] = logPages(18, 200, 200);
      await writeRecords(store.destination, logs, page, 'sync-1');
      await store.destination.query('ALTER TABLE logs DROP COLUMN _retriever_organization');
      await store.destination.close();
      store.destination = await store.reopen();
      await writeRecords(store.destination, logs, page, 'sync-2', 'eu');
      await writeRecords(store.destination, logs, page, 'sync-3');
      const counts = await store.destination.query('SELECT _retriever_organization AS o, count(*)::INTEGER AS n FROM logs GROUP BY 1 ORDER BY 1');
      expect(counts).toEqual([
        { o: 'default', n: 200 },
        { o: 'eu', n: 200 },
      ]);
      const keys = await store.destination.query("SELECT count(*)::INTEGER AS n FROM duckdb_constraints() WHERE table_name = 'logs' AND constraint_type = 'PRIMARY KEY'");
      expect(keys).toEqual([{ n: 0 }]);
    } finally {
      await store.destination.close();
    }
  });

  it("fills a column the user added to a stream's table with its default", async () => {
    const store = await STORES.duckdb();
    let reopened: QueryableDestination | undefined;
    try {
      const [first, second] = logPages(14, 20, 10);
      await writeRecords(store.destination, logs, first, 'sync-1');
      await store.destination.query(`ALTER TABLE logs ADD COLUMN loaded_by VARCHAR`);
      await store.destination.query(`ALTER TABLE logs ALTER COLUMN loaded_by SET DEFAULT 'retriever'`);
      await store.destination.close();
      reopened = await store.reopen();
      await writeRecords(reopened, logs, second, 'sync-1');
      const rows = await reopened.query(`SELECT loaded_by, count(*) AS n FROM logs GROUP BY 1 ORDER BY 1 NULLS FIRST`);
      expect(rows.map((r) => [r.loaded_by, Number(r.n)])).toEqual([
        [null, 10],
        ['retriever', 10],
      ]);
    } finally {
      await (reopened ?? store.destination).close();
    }
  });
});

describe('DuckDB memory', () => {
  const MiB = 1024 * 1024;
  /** A stream whose records are not events: its table keeps an index of every key. */
  const keyedLogs: StreamDef = { ...logs, name: 'keyed_logs', window: undefined, schemaSource: { inline: streamSchema(logs) } };
  /** Small records with log-like random keys: what grows here is the index, one key per record. */
  const keyedPages = (seed: number, count: number): JsonRecord[][] => {
    const random = seededRandom(seed);
    const timestamp = new Date(NOW).toISOString();
    return Array.from({ length: count / 1_000 }, () => Array.from({ length: 1_000 }, () => ({ id: `AQAAA${randomId(random, 27)}`, type: 'log', attributes: { timestamp } })));
  };
  const limitOf = async (destination: QueryableDestination) => {
    const [row] = await destination.query("SELECT current_setting('memory_limit') AS limit");
    return String(row.limit);
  };
  const indexBytes = async (destination: QueryableDestination) => {
    const [row] = await destination.query("SELECT coalesce(sum(memory_usage_bytes), 0)::BIGINT AS n FROM duckdb_memory() WHERE tag = 'ART_INDEX'");
    return Number(row.n);
  };

  it('bounds DuckDB by its primary-key index plus a working budget, raised as the index grows', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'retriever-mem-')), 'retriever.duckdb');
    const destination = await DuckDbDestination.open(path, { workingMemory: 16 * MiB });
    try {
      expect(await limitOf(destination)).toBe('16.0 MiB');
      // 300,000 keys: an index past the budget alone, so a limit that stayed put would fail the writes.
      for (const page of keyedPages(21, 300_000)) await writeRecords(destination, keyedLogs, page, 'sync-1');
      expect(await countRows(destination, 'keyed_logs')).toBe(300_000);
      const index = await indexBytes(destination);
      expect(index).toBeGreaterThan(16 * MiB);
      const limit = Number(/^([\d.]+) MiB$/.exec(await limitOf(destination))![1]) * MiB;
      expect(limit).toBeGreaterThanOrEqual(index);
      expect(limit).toBeLessThan(index + 64 * MiB);
    } finally {
      await destination.close();
    }
  });

  it('raises the limit when a file opened again needs more than the budget for its index', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'retriever-mem-')), 'retriever.duckdb');
    const first = await DuckDbDestination.open(path);
    const pages = keyedPages(22, 200_000);
    for (const page of pages.slice(0, -1)) await writeRecords(first, keyedLogs, page, 'sync-1');
    await first.close();
    // Opened with a budget the index on file does not fit in: the write still lands.
    const again = await DuckDbDestination.open(path, { workingMemory: 4 * MiB });
    try {
      await writeRecords(again, keyedLogs, pages.at(-1)!, 'sync-1');
      expect(await countRows(again, 'keyed_logs')).toBe(200_000);
    } finally {
      await again.close();
    }
  });
});

describe.each(['duckdb', 'postgres'] as const)('%s', (kind) => {
  let store: Store;
  beforeEach(async () => {
    store = await STORES[kind]();
  });
  afterEach(async () => {
    await store?.destination.close();
    await store?.cleanup();
  });

  /** Writes each body's records in one store from the text and in another through JavaScript (an odd value in each page); returns both tables. */
  async function fromTextAndFromJs(def: StreamDef, bodies: string[], odd: JsonRecord): Promise<[Record<string, unknown>[], Record<string, unknown>[]]> {
    const byJs = await STORES[kind]();
    const warn = jest.spyOn(console, 'warn');
    try {
      const table = tableSpec(def);
      for (const body of bodies) {
        // As fetchPage hands it over: the records, and the body they came in, as text and as the bytes received.
        const records = (JSON.parse(body) as { data: JsonRecord[] }).data;
        const prepared = await store.destination.prepare(table, records, { json: { text: body, path: 'data', utf8: Buffer.from(body) } });
        expect(prepared.json?.text).toBe(body);
        await store.destination.writePage(prepared, 'sync-1');
        // One value JavaScript must convert itself (a number for a string) sends a page down its path.
        const converted = await byJs.destination.prepare(table, [...records, odd]);
        expect(converted.json).toBeUndefined();
        await byJs.destination.writePage(converted, 'sync-1');
      }
      // Nothing fell back to JavaScript: the store's own casts took every value.
      expect(warn).not.toHaveBeenCalled();
      const strip = (rows: Record<string, unknown>[]) => rows.filter((row) => String(row.id) !== String(odd.id)).map(({ _retriever_synced_at, ...row }) => row);
      return [strip(await snapshot(store.destination, def.name, 'id')), strip(await snapshot(byJs.destination, def.name, 'id'))];
    } finally {
      warn.mockRestore();
      await byJs.destination.close();
      await byJs.cleanup();
    }
  }

  it('reads a page of logs from its JSON text itself, landing the rows JavaScript would have made', async () => {
    const bodies = logPages(15, 600, 300).map((page) => JSON.stringify({ data: page, meta: { page: { after: 'x' } } }));
    const odd = { id: 'odd-service', type: 'log', attributes: { timestamp: '2025-02-28T10:00:00.000Z', service: 42 } };
    const [fromText, fromJs] = await fromTextAndFromJs(logs, bodies, odd);
    expect(fromText).toHaveLength(600);
    expect(fromText).toEqual(fromJs);
  });

  it('reads every column type from JSON text as JavaScript converts it: numbers as written, nested fields, odd names, repeated keys', async () => {
    // Integers written as 1e3 and 1.0, microseconds, escapes, a JSON null, a string and a list for a JSON column.
    const body = String.raw`{"data":[
      {"id":1e3,"type":"t","attributes":{"ratio":1.5e-7,"on":true,"at":"2025-02-28T10:00:00.123456Z","level":1.0,"detail":{"n":null,"deep":[1,{"x":"y"}]},"label":"tab\t quote\" slash\\ \u00e9 🚀","o'clock\\x":"odd name"}},
      {"id":1001,"type":"t","attributes":{"ratio":0.1,"on":false,"at":"2025-02-28T10:00:00.000Z","level":-0,"detail":null,"label":"first copy"}},
      {"id":1002,"type":"t","attributes":{"ratio":12345678.125,"detail":"a string","label":null,"level":9007199254740991}},
      {"id":1001,"type":"t","attributes":{"ratio":2,"on":true,"label":"last copy","detail":[]}}
    ],"meta":{"page":{"after":"x"}}}`;
    const properties = { ratio: { type: 'number' }, on: { type: 'boolean' }, at: { type: 'string', format: 'date-time' }, level: { type: 'integer' }, detail: { type: 'object' }, label: { type: 'string' }, "o'clock\\x": { type: 'string' } };
    const typed: StreamDef = { ...monitors, name: 'typed_records', recordsPath: 'data', schemaSource: { inline: { type: 'object', properties: { id: { type: 'integer' }, type: { type: 'string' }, attributes: { type: 'object', properties } } } } };
    const [fromText, fromJs] = await fromTextAndFromJs(typed, [body], { id: 9_999, type: 't', attributes: { label: 42 } });
    expect(fromText).toEqual(fromJs);
    expect(fromText.map((row) => [String(row.id), row.label, row.level === null ? null : String(row.level), row.o_clock_x])).toEqual([
      ['1000', 'tab\t quote" slash\\ é 🚀', '1', 'odd name'],
      ['1001', 'last copy', null, null],
      ['1002', null, '9007199254740991', null],
    ]);
  });

  it('creates a table for every stream in the stream table, keyed by its primary key', async () => {
    for (const def of STREAMS) {
      await store.destination.ensureTable(tableSpec(def));
      expect(await countRows(store.destination, def.name)).toBe(0);
    }
  });

  it('keeps one copy of a page written twice, as an activity retry does', async () => {
    const { destination } = store;
    const [page] = logPages(5, 300, 300);
    expect(await writeRecords(destination, logs, page, 'sync-1')).toBe(300);
    expect(await writeRecords(destination, logs, page, 'sync-1')).toBe(300);
    expect(await countRows(destination, 'logs')).toBe(300);
    // The retry saw a newer version of one record: the row holds the newer one.
    const changed = { ...page[7], attributes: { ...(page[7].attributes as object), message: 'edited' } };
    await writeRecords(destination, logs, [...page.slice(0, 7), changed, ...page.slice(8)], 'sync-2');
    expect(await countRows(destination, 'logs')).toBe(300);
    const [row] = await destination.query(`SELECT message, _retriever_sync_id FROM logs WHERE id = $1`, [String(page[7].id)]);
    expect(row).toEqual({ message: 'edited', _retriever_sync_id: 'sync-2' });
    const syncIds = await destination.query(`SELECT DISTINCT _retriever_sync_id AS s FROM logs`);
    expect(syncIds).toEqual([{ s: 'sync-2' }]);
  });

  it('writes a page of new and existing keys whole: existing rows replaced, new ones added, none twice', async () => {
    const { destination } = store;
    const [first, second] = logPages(7, 400, 200);
    await writeRecords(destination, logs, first, 'sync-1');
    const edited = first.slice(100).map((r) => ({ ...r, attributes: { ...(r.attributes as object), message: 'edited' } }));
    expect(await writeRecords(destination, logs, [...edited, ...second], 'sync-2')).toBe(300);
    expect(await countRows(destination, 'logs')).toBe(400);
    const counts = await destination.query(`SELECT _retriever_sync_id AS s, count(*) AS n, count(*) FILTER (WHERE message = 'edited') AS e FROM logs GROUP BY 1 ORDER BY 1`);
    expect(counts.map((r) => [r.s, Number(r.n), Number(r.e)])).toEqual([
      ['sync-1', 100, 0],
      ['sync-2', 300, 100],
    ]);
  });

  it('keeps the last copy when one page repeats a key', async () => {
    const { destination } = store;
    const [a, b] = logPages(6, 2, 2)[0];
    const later = { ...a, attributes: { ...(a.attributes as object), message: 'second copy' } };
    expect(await writeRecords(destination, logs, [a, b, later], 'sync-1')).toBe(2);
    const [row] = await destination.query(`SELECT message FROM logs WHERE id = $1`, [String(a.id)]);
    expect(row.message).toBe('second copy');
  });

  it('adds a column for a new top-level scalar, keeps nested newcomers in _raw, and remembers it on reopening', async () => {
    const { destination } = store;
    await writeRecords(destination, logs, EDGE_LOGS, 'sync-1');
    const [row] = await destination.query(`SELECT new_flag, new_count, extra_top, _raw FROM logs WHERE id = 'edge-2'`);
    expect(row.new_flag).toBe(false);
    expect(row.new_count).toBe(3);
    expect(row.extra_top).toBe('top-level drift');
    expect(normalise(row._raw)).toMatchObject({ meta_drift: { nested: 'kept only in _raw' } });
    await destination.close();

    // A new process, and a top-level field whose name a lifted attribute already has.
    store.destination = await store.reopen();
    await writeRecords(store.destination, logs, [{ id: 'edge-4', type: 'log', host: 'top-level host', attributes: { host: 'attr host', new_count: 9 } }], 'sync-2');
    const [again] = await store.destination.query(`SELECT host, host_2, new_count FROM logs WHERE id = 'edge-4'`);
    expect(again).toEqual({ host: 'attr host', host_2: 'top-level host', new_count: 9 });
    const added = await store.destination.query(`SELECT column_name, source FROM _retriever_columns WHERE stream = 'logs' ORDER BY column_name`);
    expect(added).toEqual([
      { column_name: 'extra_top', source: 'extra_top' },
      { column_name: 'host_2', source: 'host' },
      { column_name: 'new_count', source: 'attributes.new_count' },
      { column_name: 'new_flag', source: 'attributes.new_flag' },
    ]);
  });

  it('keeps bookmarks and sync records, and a full refresh drops what it did not see', async () => {
    const { destination } = store;
    await destination.ensureTable(tableSpec(logs));
    expect(await destination.readBookmark('logs')).toBeNull();
    await destination.commitBookmark('logs', { cursor: NOW, syncId: 'sync-1' });
    await destination.commitBookmark('logs', { cursor: NOW + 60_000, syncId: 'sync-2' });
    expect(await destination.readBookmark('logs')).toEqual({ cursor: NOW + 60_000, syncId: 'sync-2' });

    await destination.recordSync({ syncId: 'sync-2', status: 'running' });
    await destination.recordSync({ syncId: 'sync-2', status: 'running' });
    await destination.recordSync({ syncId: 'sync-2', status: 'completed', streams: { logs: { records: 5, status: 'completed' } } });
    const [sync] = await destination.query(`SELECT status, started_at, finished_at, streams FROM _retriever_syncs WHERE sync_id = 'sync-2'`);
    expect(sync.status).toBe('completed');
    expect(sync.finished_at).toBeInstanceOf(Date);
    expect(normalise(sync.streams)).toEqual({ logs: { records: 5, status: 'completed' } });

    const all = generateDashboards(4, 20, NOW) as unknown as JsonRecord[];
    await writeRecords(destination, dashboards, all, 'full-1');
    await writeRecords(destination, dashboards, all.slice(5), 'full-2');
    expect(await destination.removeRowsNotIn(tableSpec(dashboards), 'full-2')).toBe(5);
    expect(await countRows(destination, 'dashboards')).toBe(15);
  });

  it('lets two syncs refresh one stream at once: neither removes the rows the other saw', async () => {
    const { destination } = store;
    const all = generateDashboards(4, 20, NOW) as unknown as JsonRecord[];
    await writeRecords(destination, dashboards, all, 'before'); // an earlier sync saw all 20
    await destination.recordSync({ syncId: 'refresh-a', status: 'running' });
    await destination.recordSync({ syncId: 'refresh-b', status: 'running' });
    // 5 are gone upstream since; both syncs see the other 15: they write 5 again, the second after the
    // first, and keep 10 as they are (unchanged records, as dashboard_definitions keeps them).
    const current = all.slice(5);
    const kept = current.slice(5).map((d) => String(d.id));
    for (const sync of ['refresh-a', 'refresh-b']) {
      await writeRecords(destination, dashboards, current.slice(0, 5), sync);
      await destination.keepRows(tableSpec(dashboards), 'id', kept, sync);
    }
    expect(await destination.removeRowsNotIn(tableSpec(dashboards), 'refresh-a')).toBe(5);
    expect(await destination.removeRowsNotIn(tableSpec(dashboards), 'refresh-b')).toBe(0);
    expect(await countRows(destination, 'dashboards')).toBe(15);
  });

  it('upgrades tables made before there were several organisations: their rows and bookmarks become the default one\'s', async () => {
    const json = kind === 'duckdb' ? 'JSON' : 'jsonb';
    // The layout an older Retriever left: keys of one column, no organisation anywhere.
    for (const sql of [
      'DROP TABLE _retriever_state',
      'CREATE TABLE _retriever_state (stream text PRIMARY KEY, cursor_ms bigint NOT NULL, cursor timestamptz NOT NULL, sync_id text NOT NULL, updated_at timestamptz NOT NULL)',
      `INSERT INTO _retriever_state VALUES ('logs', ${NOW}, now(), 'old-sync', now())`,
      'ALTER TABLE _retriever_syncs DROP COLUMN organization',
      `CREATE TABLE dashboards (id text PRIMARY KEY, title text, _raw ${json} NOT NULL, _retriever_synced_at timestamptz NOT NULL, _retriever_sync_id text NOT NULL)`,
      `INSERT INTO dashboards VALUES ('abc-def-ghi', 'kept', '{"id": "abc-def-ghi", "title": "kept"}', now(), 'old-sync')`,
    ]) {
      await store.destination.query(sql);
    }
    await store.destination.close();
    store.destination = await store.reopen();
    const { destination } = store;
    expect(await destination.readBookmark('logs')).toEqual({ cursor: NOW, syncId: 'old-sync' });
    expect(await destination.readBookmark('logs', 'eu')).toBeNull();
    await destination.ensureTable(tableSpec(dashboards));
    // The same id for another organisation is a row of its own; the old row stays the default one's.
    await destination.writePage(await destination.prepare(tableSpec(dashboards), EDGE_DASHBOARDS), 'eu-sync', 'eu');
    const rows = await destination.query('SELECT _retriever_organization AS o, id, title, _retriever_sync_id AS s FROM dashboards ORDER BY 1');
    expect(rows).toEqual([
      { o: 'default', id: 'abc-def-ghi', title: 'kept', s: 'old-sync' },
      { o: 'eu', id: 'abc-def-ghi', title: 'Odd one', s: 'eu-sync' },
    ]);
    expect(await destination.removeRowsNotIn(tableSpec(dashboards), 'another-sync', 'eu')).toBe(1);
    expect(await countRows(destination, 'dashboards')).toBe(1);
    await destination.recordSync({ syncId: 'new-sync', organization: 'eu', status: 'running' });
    expect(await destination.query("SELECT organization FROM _retriever_syncs WHERE sync_id = 'new-sync'")).toEqual([{ organization: 'eu' }]);
  });

  it('resets only the streams named: bookmarks forgotten, rows dropped when asked, the rest untouched', async () => {
    const { destination } = store;
    const [page] = logPages(8, 50, 50);
    await writeRecords(destination, logs, page, 'sync-1');
    await writeRecords(destination, dashboards, generateDashboards(4, 10, NOW) as unknown as JsonRecord[], 'sync-1');
    await destination.commitBookmark('logs', { cursor: NOW, syncId: 'sync-1' });
    await destination.commitBookmark('audit_logs', { cursor: NOW - DAY, syncId: 'sync-1' });

    // Without --drop-rows only the bookmark goes; a stream never synced has nothing to forget.
    expect(await destination.resetStreams(['logs', 'events'], { dropRows: false })).toEqual([
      { stream: 'logs', bookmark: { cursor: NOW, syncId: 'sync-1' } },
      { stream: 'events', bookmark: null },
    ]);
    expect(await destination.readBookmark('logs')).toBeNull();
    expect(await destination.readBookmark('audit_logs')).toEqual({ cursor: NOW - DAY, syncId: 'sync-1' });
    expect(await countRows(destination, 'logs')).toBe(50);

    await destination.commitBookmark('logs', { cursor: NOW, syncId: 'sync-2' });
    expect(await destination.resetStreams(['logs', 'dashboards', 'spans'], { dropRows: true })).toEqual([
      { stream: 'logs', bookmark: { cursor: NOW, syncId: 'sync-2' }, rowsDropped: 50 },
      { stream: 'dashboards', bookmark: null, rowsDropped: 10 },
      // No table yet, and none is made.
      { stream: 'spans', bookmark: null, rowsDropped: 0 },
    ]);
    expect(await countRows(destination, 'logs')).toBe(0);
    expect(await destination.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'spans'`)).toEqual([]);
    expect(await destination.readBookmark('audit_logs')).toEqual({ cursor: NOW - DAY, syncId: 'sync-1' });

    // The stream is written again as before.
    expect(await writeRecords(destination, logs, page, 'sync-3')).toBe(50);
    expect(await countRows(destination, 'logs')).toBe(50);

    // Another organisation's bookmark and rows of the same stream stay where they are.
    await writeRecords(destination, logs, page, 'eu-sync', 'eu');
    await destination.commitBookmark('logs', { cursor: NOW, syncId: 'eu-sync' }, 'eu');
    await destination.commitBookmark('logs', { cursor: NOW, syncId: 'sync-3' });
    expect(await destination.resetStreams(['logs'], { dropRows: true })).toEqual([{ stream: 'logs', bookmark: { cursor: NOW, syncId: 'sync-3' }, rowsDropped: 50 }]);
    expect(await destination.readBookmark('logs', 'eu')).toEqual({ cursor: NOW, syncId: 'eu-sync' });
    expect(await countRows(destination, 'logs')).toBe(50);
    expect(await destination.resetStreams(['logs'], { dropRows: true, organization: 'eu' })).toEqual([{ stream: 'logs', bookmark: { cursor: NOW, syncId: 'eu-sync' }, rowsDropped: 50 }]);
    expect(await countRows(destination, 'logs')).toBe(0);
  });
});

describe('PostgreSQL reading pages from their JSON text', () => {
  it('writes a page whose JSON text it will not read by converting the records, and says so', async () => {
    const store = await STORES.postgres();
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const { destination } = store;
      const [page] = logPages(19, 50, 50);
      // A number past what jsonb holds (JavaScript reads it as Infinity, which JSON writes as null).
      const body = JSON.stringify({ data: page }).replace('"message":', '"deep":{"huge":1e1000000},"message":');
      const records = (JSON.parse(body) as { data: JsonRecord[] }).data;
      const prepared = await destination.prepare(tableSpec(logs), records, { json: { text: body, path: 'data' } });
      expect(await destination.writePage(prepared, 'sync-1')).toBe(50);
      expect(warn.mock.calls.map(([message]) => String(message))).toEqual([expect.stringContaining('did not read a page of logs from its JSON')]);
      expect(await countRows(destination, 'logs')).toBe(50);
      const [row] = await destination.query(`SELECT _raw FROM logs WHERE id = $1`, [String(page[0].id)]);
      expect((normalise(row._raw) as { attributes: { deep: unknown } }).attributes.deep).toEqual({ huge: null });
    } finally {
      warn.mockRestore();
      await store.destination.close();
      await store.cleanup();
    }
  });
});

describe('PostgreSQL compression', () => {
  it('compresses the large values it writes with lz4 where the server has it, on every connection of the pool', async () => {
    const store = await STORES.postgres();
    try {
      const { destination } = store;
      await destination.ensureTable(tableSpec(logs));
      // Pages at once, so the pool opens connections beyond its first.
      await Promise.all(logPages(5, 2_000, 250).map((page, i) => writeRecords(destination, logs, page, `sync-${i}`)));
      const [{ lz4 }] = await destination.query("SELECT 'lz4' = ANY(enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'");
      const methods = await destination.query('SELECT pg_column_compression(_raw) AS method, count(*)::int AS n FROM logs GROUP BY 1');
      const compressed = methods.filter((m) => m.method !== null);
      expect(compressed.length).toBeGreaterThan(0);
      expect(compressed.map((m) => m.method)).toEqual([lz4 === true ? 'lz4' : 'pglz']);
    } finally {
      await store.destination.close();
      await store.cleanup();
    }
  });
});

describe('PostgreSQL with several writers', () => {
  const schema = uniqueSchema('writers');
  let a: PostgresDestination;
  let b: PostgresDestination;
  beforeAll(async () => {
    a = await openTestPostgres(schema);
    b = await openTestPostgres(schema);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await dropSchema(schema);
  });

  it('fills a drift column another worker added, and clears it when the field goes', async () => {
    await a.ensureTable(tableSpec(logs));
    await b.ensureTable(tableSpec(logs));
    await writeRecords(a, logs, [{ id: 'w-1', type: 'log', attributes: { timestamp: '2025-01-01T00:00:00Z', zeta: 'from a' } }], 's1');
    // b read the table before a added `zeta`: its write must still know the column.
    await writeRecords(b, logs, [{ id: 'w-1', type: 'log', attributes: { timestamp: '2025-01-01T00:00:00Z' } }], 's2');
    await writeRecords(b, logs, [{ id: 'w-2', type: 'log', attributes: { timestamp: '2025-01-01T00:00:00Z', zeta: 'from b' } }], 's2');
    expect(await a.query(`SELECT id, zeta FROM logs ORDER BY id`)).toEqual([
      { id: 'w-1', zeta: null },
      { id: 'w-2', zeta: 'from b' },
    ]);
    expect(await a.query(`SELECT column_name FROM _retriever_columns WHERE stream = 'logs'`)).toEqual([{ column_name: 'zeta' }]);
  });

  it('ends exact when two workers write overlapping pages at once', async () => {
    const records = logPages(9, 600, 600)[0];
    const shuffled = (seed: number) => [...records].sort((x, y) => ((String(x.id).charCodeAt(seed % 20) ^ seed) - (String(y.id).charCodeAt(seed % 20) ^ seed)));
    const pages = Array.from({ length: 8 }, (_, i) => shuffled(i).slice(0, 400 + i * 20));
    await Promise.all(pages.map((page, i) => writeRecords(i % 2 === 0 ? a : b, logs, page, `overlap-${i}`)));
    const written = new Set(pages.flat().map((r) => String(r.id)));
    const ids = await a.query(`SELECT id FROM logs WHERE id NOT LIKE 'w-%' ORDER BY id`);
    expect(written.size).toBeGreaterThan(500);
    expect(ids.map((r) => r.id)).toEqual([...written].sort());
  });

  it('replaces a connection the server dropped', async () => {
    const settings = { ...testPostgresSettings(schema), applicationName: `retriever-test-${process.pid}` };
    const destination = await PostgresDestination.open(settings);
    try {
      await writeRecords(destination, dashboards, generateDashboards(8, 5, NOW) as unknown as JsonRecord[], 'before');
      const admin = await adminClient();
      try {
        const { rowCount } = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [settings.applicationName]);
        expect(rowCount).toBeGreaterThan(0);
      } finally {
        await admin.end();
      }
      await writeRecords(destination, dashboards, generateDashboards(8, 5, NOW) as unknown as JsonRecord[], 'after');
      expect(await countRows(destination, 'dashboards')).toBe(5);
    } finally {
      await destination.close();
    }
  });

  it('reports a connection cut in the middle of a write, and the next write succeeds', async () => {
    const url = new URL(testPostgresSettings(schema).url!);
    const proxy = await tcpProxy(url.hostname, Number(url.port || 5432));
    url.host = `127.0.0.1:${proxy.port}`;
    const applicationName = `retriever-test-cut-${process.pid}`;
    const destination = await PostgresDestination.open({ url: url.toString(), schema, applicationName });
    const admin = await adminClient();
    try {
      await writeRecords(destination, dashboards, generateDashboards(8, 5, NOW) as unknown as JsonRecord[], 'first');
      // Hold the table so the next write waits inside its transaction, then cut the network under it.
      await admin.query('BEGIN');
      await admin.query(`LOCK TABLE "${schema}".dashboards IN ACCESS EXCLUSIVE MODE`);
      const blocked = writeRecords(destination, dashboards, generateDashboards(9, 6, NOW) as unknown as JsonRecord[], 'cut');
      const outcome = blocked.then(() => 'written', (err: Error) => err);
      for (let waited = 0; ; waited += 20) {
        const { rows } = await admin.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [applicationName]);
        if (rows.length > 0) break;
        if (waited > 10_000) throw new Error('the write never waited for the lock');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await proxy.down();
      await admin.query('ROLLBACK');
      expect(String(await outcome)).toMatch(/PostgreSQL/);
      await proxy.up();
      await writeRecords(destination, dashboards, generateDashboards(9, 6, NOW) as unknown as JsonRecord[], 'again');
      expect(await countRows(destination, 'dashboards')).toBe(5 + 6);
    } finally {
      await admin.end();
      await destination.close();
      await proxy.close();
    }
  });

  it('says what to check when the server cannot be reached or refuses the login', async () => {
    const unreachable = PostgresDestination.open({ url: 'postgresql://retriever@127.0.0.1:1/retriever', schema });
    await expect(unreachable).rejects.toBeInstanceOf(DestinationUnavailableError);
    await expect(unreachable).rejects.toThrow(/cannot reach PostgreSQL retriever@127\.0\.0\.1:1\/retriever .*Check DATABASE_URL or PGHOST\/PGPORT/);

    const url = new URL(testPostgresSettings(schema).url!);
    url.password = 'not-the-password';
    const refused = PostgresDestination.open({ url: url.toString(), schema });
    await expect(refused).rejects.toBeInstanceOf(DestinationUnavailableError);
    await expect(refused).rejects.toThrow(/refused the login .*PGPASSWORD/);
    await expect(refused).rejects.not.toThrow(/not-the-password/);
  });
});
