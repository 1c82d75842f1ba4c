/**
 * Throughput against the limit, side by side on one simulator process (no added latency):
 *   (a) a bare undici loop paging the logs and JSON-parsing each body: the limit;
 *   (b) the same loop appending each page to DuckDB: the limit with storage;
 *   (c) Retriever end to end: Temporal dev server, worker process, streamSync child, fetchPage, DuckDB.
 * Prints records/s of each, c/a, c/b and Temporal's cost per page ((c − b) time / pages).
 *
 *   npm run bench:throughput -- [--records 1000000] [--page-size 1000]
 */
import type { SyncRequestInput } from '../src/config/request';
import { args, DAY, dayStart, flag, int, mib, option, round, runMain, runScript, type SimulatorProcess, startSimulatorProcess, startTemporal, stringOption, tempDir, type TemporalServer, TUNED_DEV_SERVER } from './common';
import { printProfile, summariseProfiles } from './cpu-profile';
import type { LimitResult } from './limit';
import { runRetriever, type RetrieverRun } from './retriever-run';

export interface ThroughputFigures {
  records: number;
  pageSize: number;
  pages: number;
  bare: LimitResult & { recordsPerSecond: number };
  duckdb: LimitResult & { recordsPerSecond: number };
  retriever: RetrieverRun & { recordsPerSecond: number };
  cOverA: number;
  cOverB: number;
  temporalMsPerPage: number;
}

/** A sync of the simulator's one day of logs, in one window, at `pageSize` records a page. */
export function logsSync(from: number, to: number, pageSize: number): SyncRequestInput {
  return { streams: ['logs'], start_date: new Date(from).toISOString(), end_date: new Date(to).toISOString(), lag: '0s', window_size: '1d', max_records_per_request: pageSize };
}

export async function limitRun(simulator: SimulatorProcess, mode: 'bare' | 'duckdb', from: number, to: number, pageSize: number) {
  const result = await runScript<LimitResult>('limit.ts', [...args({ url: simulator.url, from, to, 'page-size': pageSize, mode })]);
  return { ...result, recordsPerSecond: result.records / result.seconds };
}

/** Runs (a), (b), (c) on a simulator that already serves `records` logs over [from, from + 1 day). */
export async function measureThroughput(
  simulator: SimulatorProcess,
  temporal: TemporalServer,
  records: number,
  from: number,
  pageSize: number,
  options: { workerNodeArgs?: string[]; log?: (line: string) => void } = {},
): Promise<ThroughputFigures> {
  const log = options.log ?? console.log;
  const to = from + DAY;
  log(`  (a) bare undici loop …`);
  const bare = await limitRun(simulator, 'bare', from, to, pageSize);
  log(`      ${int(bare.recordsPerSecond)} records/s`);
  log(`  (b) loop + DuckDB appender …`);
  const duckdb = await limitRun(simulator, 'duckdb', from, to, pageSize);
  log(`      ${int(duckdb.recordsPerSecond)} records/s`);
  log(`  (c) Retriever end to end …`);
  const run = await runRetriever(temporal, simulator, [logsSync(from, to, pageSize)], { histories: true, workerNodeArgs: options.workerNodeArgs });
  const retriever = { ...run, recordsPerSecond: run.records / run.seconds };
  log(`      ${int(retriever.recordsPerSecond)} records/s, worker peak RSS ${mib(run.workerPeakRssBytes)}`);
  for (const r of [bare, duckdb, retriever]) if (r.records !== records) throw new Error(`expected ${records} records, one run read ${r.records}`);
  return {
    records,
    pageSize,
    pages: duckdb.pages,
    bare,
    duckdb,
    retriever,
    cOverA: round(retriever.recordsPerSecond / bare.recordsPerSecond, 3),
    cOverB: round(retriever.recordsPerSecond / duckdb.recordsPerSecond, 3),
    temporalMsPerPage: round(((run.seconds - duckdb.seconds) * 1000) / duckdb.pages, 2),
  };
}

export function printThroughput(t: ThroughputFigures): void {
  const row = (label: string, value: string) => console.log(`${label.padEnd(48)}${value}`);
  row(`(a) bare undici loop`, `${int(t.bare.recordsPerSecond)} records/s (${t.bare.seconds.toFixed(1)} s)`);
  row(`(b) loop + DuckDB appender`, `${int(t.duckdb.recordsPerSecond)} records/s (${t.duckdb.seconds.toFixed(1)} s)`);
  row(`(c) Retriever end to end`, `${int(t.retriever.recordsPerSecond)} records/s (${t.retriever.seconds.toFixed(1)} s)`);
  row(`c/a · c/b`, `${t.cOverA.toFixed(3)} · ${t.cOverB.toFixed(3)} (target c/b >= 0.8)`);
  row(`Temporal's cost per page ((c − b) / pages)`, `${t.temporalMsPerPage.toFixed(2)} ms over ${int(t.pages)} pages`);
  row(`CPU seconds during (c)`, Object.entries(t.retriever.cpu).map(([k, v]) => `${k} ${v}`).join(' · '));
  row(`  the worker's, by thread`, Object.entries(t.retriever.workerThreads).map(([k, v]) => `${k} ${v}`).join(' · '));
  const p = t.retriever.pagePhases;
  if (p) row(`(c) per page: queued · activity · workflow task`, `${p.queuedMs.toFixed(2)} ms · ${p.activityMs.toFixed(2)} ms · ${p.workflowTaskMs.toFixed(2)} ms`);
  row(`(b) time per page: http · parse · append`, ['http', 'parse', 'append'].map((k) => `${(t.duckdb.phases[k as 'http'] / t.duckdb.pages).toFixed(2)} ms`).join(' · '));
}

async function main(): Promise<void> {
  const records = option('records', 1_000_000);
  const pageSize = option('page-size', 1000);
  const from = dayStart(2);
  // --profile: the worker writes V8 CPU profiles, summed by where the time went after the run.
  const profileDir = flag('profile') ? tempDir('retriever-profile-') : undefined;
  // --untuned: a dev server with its default settings, not TUNED_DEV_SERVER's.
  const untuned = flag('untuned');
  console.log(`Throughput: ${int(records)} logs in one day, page size ${pageSize}, simulator with no added latency.`);
  const simulator = await startSimulatorProcess({ seed: 1, logs: { count: records, from, to: from + DAY } });
  const extra = stringOption('dynamic-config');
  const temporal = await startTemporal({ ...(untuned ? {} : TUNED_DEV_SERVER), ...(extra ? JSON.parse(extra) : {}) });
  try {
    const workerNodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : undefined;
    printThroughput(await measureThroughput(simulator, temporal, records, from, pageSize, { workerNodeArgs }));
    if (profileDir) printProfile('\nWorker CPU profile during (c)', summariseProfiles(profileDir));
  } finally {
    await temporal.stop();
    await simulator.stop();
  }
}

// Also imported by run-all.ts for its parts.
if (require.main === module) runMain(main);
