/**
 * DuckDB writes as a table grows: pages of 1000 simulated logs, in time order as a sync reads them,
 * written through the destination's `prepare` and `writePage` into one table (each page with its
 * body's JSON text, as fetchPage hands it over), printing milliseconds per page and the process's
 * RSS every `--every` pages, then what DuckDB holds in memory (`duckdb_memory()`). `--keyed` writes
 * into a table with a primary-key index instead (what a stream whose records are not events gets).
 *
 *   npx ts-node --transpile-only bench/duckdb-growth.ts -- [--rows 4000000] [--every 500]
 *       [--checkpoint-threshold 256MB] [--memory-limit 512MB]
 *
 * `--checkpoint-threshold 16MB` is DuckDB's own default, to compare with the destination's.
 * `--merges` lets checkpoints merge row groups as DuckDB does by default (`max_vacuum_tasks` 100),
 * which the destination turns off while it writes (duckdb-config.ts). Ends with the total: every
 * page's write and the checkpoint on close.
 *
 *   npx ts-node --transpile-only bench/duckdb-growth.ts -- --rows 1000000 --every 100 [--merges]
 */
import type { JsonRecord } from '../src/shared/json';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { getStream, tableSpec } from '../src/datadog/streams/table';
import { DuckDbDestination } from '../src/destinations/duckdb';
import { World } from '../src/simulator/world';
import { DAY, flag, int, option, runMain, stringOption, tempDir } from './common';

async function main(): Promise<void> {
  const rows = option('rows', 4_000_000);
  const every = option('every', 500);
  const checkpointThreshold = stringOption('checkpoint-threshold');
  const memoryLimit = stringOption('memory-limit');
  const logs = flag('keyed') ? { ...tableSpec(getStream('logs')), timeField: undefined } : tableSpec(getStream('logs'));
  const dir = tempDir();
  const destination = await DuckDbDestination.open(join(dir, 'growth.duckdb'), { checkpointThreshold, memoryLimit });
  await destination.ensureTable(logs);
  if (flag('merges')) await destination.query('SET max_vacuum_tasks = 100');
  const settings = await destination.query(
    "SELECT current_setting('checkpoint_threshold') AS checkpoint, current_setting('memory_limit') AS memory, current_setting('max_vacuum_tasks') AS merges",
  );
  console.log(`${int(rows)} rows in pages of 1000; checkpoint threshold ${settings[0].checkpoint}, memory limit ${settings[0].memory}, row-group merges ${settings[0].merges}.`);
  let total = 0;
  let slowest = 0;
  const now = Date.now();
  const { records: sorted } = new World({ seed: 1, logs: { count: rows, from: now - DAY, to: now } }).searchIndex('logs');
  let writing = 0;
  for (let page = 0; page < rows / 1000; page++) {
    // Records as the client hands them over: a body's text, and the records parsed from it.
    const text = JSON.stringify({ data: Array.from({ length: 1000 }, (_, i) => sorted.record(page * 1000 + i)) });
    const records = (JSON.parse(text) as { data: JsonRecord[] }).data;
    const utf8 = Buffer.from(text);
    const started = performance.now();
    await destination.writePage(await destination.prepare(logs, records, { json: { text, path: 'data', utf8 } }), 'growth');
    const took = performance.now() - started;
    writing += took;
    total += took;
    // The slowest page is the one whose commit ran a checkpoint.
    slowest = Math.max(slowest, took);
    if ((page + 1) % every === 0) {
      const held = await destination.query('SELECT tag, memory_usage_bytes // 1048576 AS mib FROM duckdb_memory() WHERE memory_usage_bytes > 1048576');
      const [limit] = await destination.query("SELECT current_setting('memory_limit') AS memory");
      console.log(`  DuckDB holds ${held.map((m) => `${m.tag} ${m.mib} MiB`).join(' · ')} (limit ${limit.memory})`);
      console.log(`${int((page + 1) * 1000).padStart(10)} rows  ${(writing / every).toFixed(1).padStart(6)} ms a page  slowest ${int(slowest)} ms  RSS ${int(process.memoryUsage().rss / 1024 / 1024)} MiB (JS heap ${int(process.memoryUsage().heapTotal / 1024 / 1024)} MiB)`);
      writing = 0;
      slowest = 0;
    }
  }
  const memory = await destination.query(
    'SELECT tag, memory_usage_bytes // 1048576 AS mib, temporary_storage_bytes // 1048576 AS temporary_mib FROM duckdb_memory() WHERE memory_usage_bytes > 1048576 OR temporary_storage_bytes > 0',
  );
  for (const m of memory) console.log(`DuckDB ${String(m.tag).padEnd(16)} ${m.mib} MiB in memory, ${m.temporary_mib} MiB in temporary files`);
  const closing = performance.now();
  await destination.close();
  total += performance.now() - closing;
  console.log(`${int(rows)} rows written and checkpointed in ${(total / 1000).toFixed(1)} s: ${(total / (rows / 1000)).toFixed(1)} ms a page`);
  rmSync(dir, { recursive: true, force: true });
}

runMain(main);
