/**
 * Memory and history against volume: the worker's peak RSS syncing N and 4N logs (each in a fresh
 * worker process), and the largest number of events in any one run of the stream's child workflow
 * during the larger sync (continue-as-new keeps it bounded whatever the volume).
 *
 *   npm run bench:memory -- [--records 1000000] [--factor 4] [--page-size 1000] [--postgres]
 *
 * --postgres writes to PostgreSQL instead of the worker's own DuckDB file, so the worker's memory is
 * Retriever's alone (DuckDB's primary-key index and cache live in the worker process).
 *
 * Target: peak RSS at 4N / peak RSS at N <= 1.2.
 */
import { Client } from 'pg';
import { DAY, dayStart, flag, int, mib, option, round, runMain, startSimulatorProcess, startTemporal, type TemporalServer } from './common';
import { postgresTarget } from './destination-write';
import { runRetriever, type BenchDestination, type RetrieverRun } from './retriever-run';
import { logsSync } from './throughput';

export interface MemoryFigures {
  small: { records: number; workerPeakRssBytes: number };
  large: { records: number; workerPeakRssBytes: number; recordsPerSecond: number; largestChildRunEvents: number; childRuns: number };
  rssRatio: number;
}

/** One sync of `records` logs in a fresh simulator and worker. */
export async function syncOnce(temporal: TemporalServer, records: number, pageSize: number, destination?: BenchDestination): Promise<RetrieverRun> {
  const from = dayStart(2);
  const simulator = await startSimulatorProcess({ seed: 1, logs: { count: records, from, to: from + DAY } });
  try {
    return await runRetriever(temporal, simulator, [logsSync(from, from + DAY, pageSize)], { histories: true, destination });
  } finally {
    await simulator.stop();
  }
}

let schemas = 0;
/**
 * The local PostgreSQL (bash scripts/postgres.sh ensure), a fresh schema per run: with it the worker
 * process holds no database, so its memory is Retriever's own. Undefined when there is no server.
 */
export function postgresDestination(): (BenchDestination & { drop(): Promise<void> }) | undefined {
  const target = postgresTarget(`bench_${process.pid}_${++schemas}`);
  if (!target?.url) return undefined;
  const query = async <T>(sql: string): Promise<T[]> => {
    const client = new Client({ connectionString: target.url });
    await client.connect();
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  };
  return {
    env: { RETRIEVER_DESTINATION: 'postgres', DATABASE_URL: target.url, RETRIEVER_POSTGRES_SCHEMA: target.schema! },
    countRows: async () => Number((await query<{ n: string }>(`SELECT count(*) AS n FROM "${target.schema}".logs`))[0].n),
    drop: async () => void (await query(`DROP SCHEMA IF EXISTS "${target.schema}" CASCADE`)),
  };
}

/** Both syncs with the PostgreSQL destination; undefined when there is no server. */
export async function postgresMemory(temporal: TemporalServer, records: number, factor: number, pageSize: number): Promise<MemoryFigures | undefined> {
  const runs: RetrieverRun[] = [];
  for (const count of [records, records * factor]) {
    const destination = postgresDestination();
    if (!destination) return undefined;
    try {
      runs.push(await syncOnce(temporal, count, pageSize, destination));
    } finally {
      await destination.drop();
    }
  }
  return memoryFigures(runs[0], runs[1]);
}

export function memoryFigures(small: RetrieverRun, large: RetrieverRun): MemoryFigures {
  return {
    small: { records: small.records, workerPeakRssBytes: small.workerPeakRssBytes },
    large: {
      records: large.records,
      workerPeakRssBytes: large.workerPeakRssBytes,
      recordsPerSecond: large.records / large.seconds,
      largestChildRunEvents: large.largestChildRunEvents!,
      childRuns: large.childRuns!,
    },
    rssRatio: round(large.workerPeakRssBytes / small.workerPeakRssBytes, 3),
  };
}

export function printMemory(m: MemoryFigures): void {
  const row = (label: string, value: string) => console.log(`${label.padEnd(44)}${value}`);
  row(`worker peak RSS, ${int(m.small.records)} records`, mib(m.small.workerPeakRssBytes));
  row(`worker peak RSS, ${int(m.large.records)} records`, `${mib(m.large.workerPeakRssBytes)} (${int(m.large.recordsPerSecond)} records/s)`);
  row(`ratio (target <= 1.2)`, m.rssRatio.toFixed(3));
  row(`largest history of one run (${int(m.large.records)} sync)`, `${int(m.large.largestChildRunEvents)} events, ${m.large.childRuns} runs of the child`);
}

async function main(): Promise<void> {
  const records = option('records', 1_000_000);
  const factor = option('factor', 4);
  const pageSize = option('page-size', 1000);
  console.log(`Memory: syncs of ${int(records)} and ${int(records * factor)} logs, page size ${pageSize}, each in a fresh worker process.`);
  const temporal = await startTemporal();
  try {
    if (flag('postgres')) {
      const figures = await postgresMemory(temporal, records, factor, pageSize);
      if (!figures) throw new Error('no PostgreSQL: run bash scripts/postgres.sh ensure, or set DATABASE_URL');
      printMemory(figures);
      return;
    }
    const small = await syncOnce(temporal, records, pageSize);
    const large = await syncOnce(temporal, records * factor, pageSize);
    printMemory(memoryFigures(small, large));
  } finally {
    await temporal.stop();
  }
}

// Also imported by run-all.ts for its parts.
if (require.main === module) runMain(main);
