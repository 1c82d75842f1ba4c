/**
 * Several streams at once: 8 streams of N/8 logs read in parallel (8 syncs of `logs`, each over its
 * own day, so 8 streamSync children run at the same time on one worker) against one stream of N
 * logs over the same 8 days, each in a fresh worker process. Prints records/s of each.
 *
 *   npm run bench:parallel -- [--records 2000000] [--streams 8] [--page-size 1000]
 */
import { DAY, dayStart, int, option, round, runMain, startSimulatorProcess, startTemporal, type TemporalServer } from './common';
import { runRetriever } from './retriever-run';
import { logsSync } from './throughput';

export interface ParallelFigures {
  streams: number;
  records: number;
  one: { recordsPerSecond: number; seconds: number };
  many: { recordsPerSecond: number; seconds: number };
  ratio: number;
}

export async function measureParallel(temporal: TemporalServer, records: number, streams: number, pageSize: number, log = console.log): Promise<ParallelFigures> {
  const from = dayStart(streams + 1);
  const to = from + streams * DAY;
  const simulator = await startSimulatorProcess({ seed: 1, logs: { count: records, from, to } });
  try {
    log(`  one stream of ${int(records)} …`);
    const one = await runRetriever(temporal, simulator, [logsSync(from, to, pageSize)]);
    log(`      ${int(one.records / one.seconds)} records/s`);
    log(`  ${streams} streams of ~${int(records / streams)} at once …`);
    const many = await runRetriever(
      temporal,
      simulator,
      Array.from({ length: streams }, (_, i) => logsSync(from + i * DAY, from + (i + 1) * DAY, pageSize)),
    );
    log(`      ${int(many.records / many.seconds)} records/s`);
    if (one.records !== records || many.records !== records) throw new Error(`expected ${records} records, read ${one.records} and ${many.records}`);
    return {
      streams,
      records,
      one: { recordsPerSecond: one.records / one.seconds, seconds: one.seconds },
      many: { recordsPerSecond: many.records / many.seconds, seconds: many.seconds },
      ratio: round(one.seconds / many.seconds, 3),
    };
  } finally {
    await simulator.stop();
  }
}

export function printParallel(p: ParallelFigures): void {
  const row = (label: string, value: string) => console.log(`${label.padEnd(44)}${value}`);
  row(`one stream of ${int(p.records)}`, `${int(p.one.recordsPerSecond)} records/s (${p.one.seconds.toFixed(1)} s)`);
  row(`${p.streams} streams of ${int(p.records / p.streams)} at once`, `${int(p.many.recordsPerSecond)} records/s (${p.many.seconds.toFixed(1)} s)`);
  row(`${p.streams} streams / one stream`, p.ratio.toFixed(3));
}

async function main(): Promise<void> {
  const records = option('records', 2_000_000);
  const streams = option('streams', 8);
  const pageSize = option('page-size', 1000);
  console.log(`Parallel streams: ${int(records)} logs over ${streams} days, page size ${pageSize}.`);
  const temporal = await startTemporal();
  try {
    printParallel(await measureParallel(temporal, records, streams, pageSize));
  } finally {
    await temporal.stop();
  }
}

// Also imported by run-all.ts for its parts.
if (require.main === module) runMain(main);
