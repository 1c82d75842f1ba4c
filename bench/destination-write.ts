/**
 * Destination write benchmark: pages of simulated logs written to DuckDB and to PostgreSQL through
 * the same `prepare` and `writePage` the fetchPage activity calls, each page with its body's text. Prints rows per second for new rows, for the
 * same pages written again (an activity retry, a re-read window: every row an upsert of an existing
 * key) and, for PostgreSQL, for several pages at once (as several activities or workers write).
 *
 *   bash scripts/postgres.sh ensure && npx ts-node --transpile-only bench/destination-write.ts -- [--pages 20] [--page-size 1000] [--parallel 4]
 *
 * PostgreSQL is the server in DATABASE_URL or PG* when set, otherwise the local one that
 * scripts/postgres.sh writes to tools/postgres.env; without either it is skipped, with a message.
 */
import type { JsonRecord } from '../src/shared/json';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { postgresSettings, readEnv, type PostgresSettings } from '../src/config/env';
import { getStream, tableSpec } from '../src/datadog/streams/table';
import { DuckDbDestination } from '../src/destinations/duckdb';
import { PostgresDestination } from '../src/destinations/postgres';
import { poolConfig } from '../src/destinations/postgres-connection';
import { World } from '../src/simulator/world';

const logs = tableSpec(getStream('logs'));

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
}

/** The server to measure, or undefined (with the reason printed) when there is none. */
export function postgresTarget(schema: string): PostgresSettings | undefined {
  const env = readEnv();
  if (env.DATABASE_URL || env.PGHOST) return { ...postgresSettings(env), schema };
  const file = join(__dirname, '..', 'tools', 'postgres.env');
  if (!existsSync(file)) {
    console.log('PostgreSQL: skipped (no DATABASE_URL or PGHOST, and no tools/postgres.env: run bash scripts/postgres.sh ensure)');
    return undefined;
  }
  const url = /^DATABASE_URL=(.*)$/m.exec(readFileSync(file, 'utf8'))?.[1];
  return { url, schema };
}

export interface DestinationFigures {
  /** Rows per second writing new rows, the same pages again, and (PostgreSQL) several pages at once. */
  fresh: number;
  again: number;
  parallel?: number;
}

async function timed(rows: number, work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return rows / ((performance.now() - started) / 1000);
}

/** A page as fetchPage hands it over: the records, parsed from the body's text, and that text with its bytes. */
interface Page {
  records: JsonRecord[];
  text: string;
  utf8: Buffer;
}

async function measure(name: string, destination: DuckDbDestination | PostgresDestination, pages: Page[], parallel: number): Promise<DestinationFigures> {
  const rows = pages.reduce((n, p) => n + p.records.length, 0);
  await destination.ensureTable(logs);
  const write = async (page: Page, syncId: string) =>
    destination.writePage(await destination.prepare(logs, page.records, { json: { text: page.text, path: 'data', utf8: page.utf8 } }), syncId);
  const sequential = async (syncId: string) => {
    for (const page of pages) await write(page, syncId);
  };
  const fresh = await timed(rows, () => sequential('bench-1'));
  const again = await timed(rows, () => sequential('bench-2'));
  const count = Number((await destination.query('SELECT count(*) AS n FROM logs'))[0].n);
  if (count !== rows) throw new Error(`${name}: expected ${rows} rows, found ${count}`);
  let line = `${name.padEnd(10)} new rows ${Math.round(fresh).toLocaleString('en').padStart(9)} rows/s · written again ${Math.round(again).toLocaleString('en').padStart(9)} rows/s`;
  const figures: DestinationFigures = { fresh, again };
  if (parallel > 1) {
    figures.parallel = await timed(rows, async () => {
      let next = 0;
      const lane = async () => {
        while (next < pages.length) await write(pages[next++], 'bench-3');
      };
      await Promise.all(Array.from({ length: parallel }, lane));
    });
    line += ` · ${parallel} pages at once ${Math.round(figures.parallel).toLocaleString('en').padStart(9)} rows/s`;
  }
  console.log(line);
  return figures;
}

/** Writes the pages to DuckDB and, when there is one, to PostgreSQL; prints and returns rows per second. */
export async function measureDestinations(pageCount: number, pageSize: number, parallel: number): Promise<{ duckdb: DestinationFigures; postgres?: DestinationFigures }> {
  const now = Date.now();
  // In time order, as a sync reads them.
  const { records: sorted } = new World({ seed: 1, logs: { count: pageCount * pageSize, from: now - 86_400_000, to: now } }).searchIndex('logs');
  const pages: Page[] = Array.from({ length: pageCount }, (_, i) => {
    const text = JSON.stringify({ data: Array.from({ length: pageSize }, (_, j) => sorted.record(i * pageSize + j)) });
    return { text, utf8: Buffer.from(text), records: (JSON.parse(text) as { data: JsonRecord[] }).data };
  });
  const bytes = pages[0].text.length;
  console.log(`Writing ${pageCount} pages of ${pageSize} logs (~${Math.round(bytes / 1024)} KiB of JSON a page), then the same pages again.`);

  const dir = mkdtempSync(join(tmpdir(), 'retriever-bench-'));
  const duck = await DuckDbDestination.open(join(dir, 'bench.duckdb'));
  let duckdb: DestinationFigures;
  try {
    // One connection, one statement at a time: several pages at once would only queue.
    duckdb = await measure('DuckDB', duck, pages, 1);
  } finally {
    await duck.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const schema = `bench_${process.pid}`;
  const target = postgresTarget(schema);
  if (!target) return { duckdb };
  const postgres = await PostgresDestination.open(target);
  try {
    return { duckdb, postgres: await measure('PostgreSQL', postgres, pages, parallel) };
  } finally {
    await postgres.close();
    const admin = new Client(poolConfig(target));
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  }
}

async function main(): Promise<void> {
  await measureDestinations(option('pages', 20), option('page-size', 1000), option('parallel', 4));
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
