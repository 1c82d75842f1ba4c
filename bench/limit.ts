/**
 * What this machine can do without Retriever: a bare undici loop paging the simulator's logs, one
 * page at a time over one keep-alive connection, as a single stream must (each page's cursor comes
 * from the page before).
 *
 *   --mode bare     read each body and JSON-parse it, taking the cursor from it: what any client must do
 *   --mode duckdb   also append its records to DuckDB with the Appender API, into the
 *                   same table Retriever creates for logs, one appender flush per page
 *
 * Run by bench/throughput.ts in a process of its own; prints one JSON line with the figures.
 *   --url <simulator> --from <ms> --to <ms> --page-size 1000 --mode bare|duckdb
 */
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DuckDBInstance, DuckDBTimestampTZValue, type DuckDBAppender } from '@duckdb/node-api';
import { Pool } from 'undici';
import { getStream, tableSpec } from '../src/datadog/streams/table';
import { DuckDbDestination, duckDbConfig } from '../src/destinations/duckdb';
import { columnsFor, type Column } from '../src/destinations/table-model';
import { getPath } from '../src/shared/json';
import { DEFAULT_ORGANIZATION } from '../src/shared/organization';
import { SIMULATOR_KEYS } from '../src/simulator/server';
import { option, peakRss, runMain, stringOption, tempDir } from './common';

export interface LimitResult {
  mode: 'bare' | 'duckdb';
  records: number;
  pages: number;
  bytes: number;
  seconds: number;
  peakRssBytes: number;
  /** Milliseconds spent in each step, summed over pages. */
  phases: { http: number; parse: number; append: number };
}

/** The least a writer must do per cell for this table: no validation, no drift, no upsert. */
function appendCell(appender: DuckDBAppender, column: Column, value: unknown): void {
  if (value === undefined || value === null) return appender.appendNull();
  switch (column.type) {
    case 'string':
      return appender.appendVarchar(typeof value === 'string' ? value : JSON.stringify(value));
    case 'timestamp':
      return appender.appendTimestampTZ(new DuckDBTimestampTZValue(BigInt(Date.parse(String(value))) * 1000n));
    case 'json':
      return appender.appendVarchar(JSON.stringify(value));
    case 'integer':
      return appender.appendBigInt(BigInt(value as number));
    case 'number':
      return appender.appendDouble(Number(value));
    case 'boolean':
      return appender.appendBoolean(Boolean(value));
  }
}

async function main(): Promise<void> {
  const url = stringOption('url')!;
  const from = option('from', 1);
  const to = option('to', 1);
  const pageSize = option('page-size', 1000);
  const mode = stringOption('mode', 'bare') as LimitResult['mode'];
  const logs = tableSpec(getStream('logs'));

  let append: ((records: Record<string, unknown>[]) => void) | undefined;
  let close = async () => {};
  if (mode === 'duckdb') {
    // The table exactly as Retriever creates it, then a plain connection that appends to it.
    const path = join(tempDir(), 'limit.duckdb');
    const created = await DuckDbDestination.open(path);
    await created.ensureTable(logs);
    await created.close();
    // The same DuckDB settings Retriever's destination opens its file with.
    const instance = await DuckDBInstance.create(path, duckDbConfig());
    const connection = await instance.connect();
    const columns = columnsFor(logs);
    const syncedAt = new DuckDBTimestampTZValue(BigInt(Date.now()) * 1000n);
    const appender = await connection.createAppender('logs');
    append = (records) => {
      for (const record of records) {
        for (const column of columns) appendCell(appender, column, getPath(record, column.source));
        appender.appendVarchar(JSON.stringify(record));
        appender.appendTimestampTZ(syncedAt);
        appender.appendVarchar('bench-limit');
        appender.appendVarchar(DEFAULT_ORGANIZATION);
        appender.endRow();
      }
      // Flushed at the end of every page: each page is in the table on its own, as Retriever's are.
      appender.flushSync();
    };
    close = async () => {
      appender.closeSync();
      const reader = await connection.runAndReadAll('SELECT count(*) AS n FROM logs');
      const n = Number(reader.getRowObjectsJS()[0].n);
      connection.closeSync();
      instance.closeSync();
      rmSync(dirname(path), { recursive: true, force: true });
      if (n !== appended) throw new Error(`DuckDB holds ${n} rows, ${appended} were appended`);
    };
  }

  const pool = new Pool(new URL(url).origin, { connections: 1, keepAliveTimeout: 30_000 });
  const headers = { accept: 'application/json', 'dd-api-key': SIMULATOR_KEYS.apiKey, 'dd-application-key': SIMULATOR_KEYS.appKey };
  const base = { 'filter[from]': new Date(from).toISOString(), 'filter[to]': new Date(to).toISOString(), sort: 'timestamp', 'page[limit]': String(pageSize) };
  const phases = { http: 0, parse: 0, append: 0 };
  let records = 0;
  let appended = 0;
  let pages = 0;
  let bytes = 0;
  let cursor: string | undefined;
  const started = performance.now();
  do {
    const t0 = performance.now();
    const query = new URLSearchParams(cursor ? { ...base, 'page[cursor]': cursor } : base).toString();
    const response = await pool.request({ method: 'GET', path: `/api/v2/logs/events?${query}`, headers });
    const chunks: Buffer[] = [];
    for await (const chunk of response.body) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}: ${body.toString('utf8', 0, 200)}`);
    const t1 = performance.now();
    phases.http += t1 - t0;
    pages++;
    bytes += body.length;
    const parsed = JSON.parse(body.toString('utf8')) as { data: Record<string, unknown>[]; meta?: { page?: { after?: string } } };
    const t2 = performance.now();
    phases.parse += t2 - t1;
    if (append) {
      append(parsed.data);
      phases.append += performance.now() - t2;
      appended += parsed.data.length;
    }
    records += parsed.data.length;
    cursor = parsed.data.length > 0 ? parsed.meta?.page?.after : undefined;
  } while (cursor);
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  await close();
  const result: LimitResult = { mode, records, pages, bytes, seconds, peakRssBytes: peakRss(process.pid), phases };
  console.log(JSON.stringify(result));
}

runMain(main);
