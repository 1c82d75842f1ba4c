/**
 * Every benchmark, side by side in one run: prints one table and writes the figures to
 * bench-results/bench.json. Absolute times on a shared 2-core machine are noisy; the ratios measured
 * within one run are what to compare.
 *
 *   npm run bench -- [--records 1000000] [--factor 4] [--parallel-records 2000000] [--streams 8]
 *                    [--page-size 1000] [--rate-limit 30] [--rate-period 10] [--rate-pages 180] [--org-scale 1]
 *                    [--skip organisation,destinations,throughput,postgres,untuned,memory,memory-postgres,parallel,ratelimit]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { measureDestinations, type DestinationFigures } from './destination-write';
import { DAY, dayStart, int, mib, option, ROOT, round, runMain, startSimulatorProcess, startTemporal, stringOption } from './common';
import { memoryFigures, postgresDestination, postgresMemory, syncOnce, type MemoryFigures } from './memory';
import { measureParallel, type ParallelFigures } from './parallel';
import { DATADOG_LOGS_REQUESTS_PER_HOUR, measureRateLimit, rateLimitTargetMet, type RateLimitFigures } from './ratelimit';
import { measureOrganisation, type OrganisationFigures } from './organisation';
import { runRetriever, type RetrieverRun } from './retriever-run';
import { logsSync, measureThroughput, type ThroughputFigures } from './throughput';

interface Results {
  machine: Record<string, string | number>;
  options: Record<string, number | string>;
  destinations?: { duckdb: DestinationFigures; postgres?: DestinationFigures };
  organisation?: OrganisationFigures;
  throughput?: ThroughputFigures;
  /** (c) into PostgreSQL, on the same simulator. */
  postgres?: RetrieverRun & { recordsPerSecond: number };
  /** (c) on a dev server without TUNED_DEV_SERVER's settings. */
  untuned?: RetrieverRun & { recordsPerSecond: number };
  memory?: MemoryFigures;
  /** The same, writing to PostgreSQL: the worker's own memory without an embedded database. */
  memoryPostgres?: MemoryFigures;
  parallel?: ParallelFigures;
  rateLimit?: { large: RateLimitFigures; small: RateLimitFigures; ratio: number };
  seconds?: number;
}

function machine(): Results['machine'] {
  const version = (file: string, args: string[]) => {
    try {
      return execFileSync(file, args, { encoding: 'utf8' }).split('\n')[0].trim();
    } catch {
      return 'unknown';
    }
  };
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memory: mib(totalmem()),
    node: process.version,
    kernel: version('uname', ['-sr']),
    temporal: version(join(ROOT, 'tools', 'temporal'), ['--version']),
    duckdb: require('@duckdb/node-api/package.json').version,
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  const skip = new Set((stringOption('skip', '') ?? '').split(',').filter(Boolean));
  const options = {
    records: option('records', 1_000_000),
    factor: option('factor', 4),
    parallelRecords: option('parallel-records', 2_000_000),
    streams: option('streams', 8),
    pageSize: option('page-size', 1000),
    rateLimit: option('rate-limit', 30),
    ratePeriod: option('rate-period', 10),
    ratePages: option('rate-pages', 180),
    destinationPages: option('destination-pages', 20),
    // The organisation's search records (240,000 logs and the rest in proportion) times this.
    orgScale: option('org-scale', 1),
  };
  const results: Results = { machine: machine(), options };
  console.log(`Retriever benchmarks on ${results.machine.cpu} (${results.machine.cores} cores, ${results.machine.memory}), Node ${results.machine.node}.\n`);

  if (!skip.has('organisation')) {
    console.log('A whole organisation under Datadog-like rate limits (an hour\'s budget every 100 s):');
    const temporal = await startTemporal();
    try {
      const n = (count: number) => Math.round(count * options.orgScale);
      results.organisation = await measureOrganisation(temporal, { logs: n(240_000), spans: n(120_000), rum: n(30_000), audit: n(15_000), events: n(15_000), days: 3 });
    } finally {
      await temporal.stop();
    }
  }

  if (!skip.has('destinations')) {
    console.log('Destination writes (1000-row pages of logs):');
    results.destinations = await measureDestinations(options.destinationPages, options.pageSize, 4);
  }

  if (!skip.has('throughput') || !skip.has('memory') || !skip.has('parallel')) {
    const temporal = await startTemporal();
    try {
      if (!skip.has('throughput')) {
        console.log(`\nThroughput, ${int(options.records)} logs, page size ${options.pageSize}:`);
        const from = dayStart(2);
        const simulator = await startSimulatorProcess({ seed: 1, logs: { count: options.records, from, to: from + DAY } });
        try {
          results.throughput = await measureThroughput(simulator, temporal, options.records, from, options.pageSize);
          const postgres = skip.has('postgres') ? undefined : postgresDestination();
          if (postgres) {
            console.log(`  (c) again, into PostgreSQL …`);
            try {
              const run = await runRetriever(temporal, simulator, [logsSync(from, from + DAY, options.pageSize)], { destination: postgres });
              results.postgres = { ...run, recordsPerSecond: run.records / run.seconds };
              console.log(`      ${int(results.postgres.recordsPerSecond)} records/s`);
            } finally {
              await postgres.drop();
            }
          }
          if (!skip.has('untuned')) {
            // The same sync on a dev server as it starts without TUNED_DEV_SERVER's settings.
            console.log(`  (c) again, on a dev server with its default settings …`);
            const plain = await startTemporal({});
            try {
              const run = await runRetriever(plain, simulator, [logsSync(from, from + DAY, options.pageSize)], { histories: true });
              results.untuned = { ...run, recordsPerSecond: run.records / run.seconds };
              console.log(`      ${int(results.untuned.recordsPerSecond)} records/s`);
            } finally {
              await plain.stop();
            }
          }
        } finally {
          await simulator.stop();
        }
      }
      if (!skip.has('memory')) {
        const large = options.records * options.factor;
        console.log(`\nMemory and history, ${int(large)} logs:`);
        // The throughput run's Retriever sync is the small one; without it, run one.
        const small = results.throughput?.retriever ?? (await syncOnce(temporal, options.records, options.pageSize));
        const run = await syncOnce(temporal, large, options.pageSize);
        console.log(`      ${int(run.records / run.seconds)} records/s, worker peak RSS ${mib(run.workerPeakRssBytes)}`);
        results.memory = memoryFigures(small, run);
        if (!skip.has('memory-postgres')) {
          // The same two syncs into PostgreSQL: no database in the worker process, so its memory is Retriever's own.
          console.log(`\nMemory with PostgreSQL as the destination, ${int(options.records)} and ${int(large)} logs:`);
          results.memoryPostgres = await postgresMemory(temporal, options.records, options.factor, options.pageSize);
          if (results.memoryPostgres) console.log(`      worker peak RSS ${mib(results.memoryPostgres.small.workerPeakRssBytes)} and ${mib(results.memoryPostgres.large.workerPeakRssBytes)}`);
        }
      }
      if (!skip.has('parallel')) {
        console.log(`\nSeveral streams at once, ${int(options.parallelRecords)} logs:`);
        results.parallel = await measureParallel(temporal, options.parallelRecords, options.streams, options.pageSize);
      }
    } finally {
      await temporal.stop();
    }
  }

  if (!skip.has('ratelimit')) {
    console.log(`\nUnder the rate limit (${options.rateLimit} requests per ${options.ratePeriod} s, scaled to ${DATADOG_LOGS_REQUESTS_PER_HOUR} an hour):`);
    const run = (pageSize: number) =>
      measureRateLimit({ limit: options.rateLimit, period: options.ratePeriod, pages: options.ratePages, pageSize, syncs: 1 }).then((f) => {
        console.log(`  page size ${pageSize}: utilisation ${f.utilisation.toFixed(3)}, ${f.recordsPerRequest.toFixed(1)} records a request, ${f.limited} 429s`);
        return f;
      });
    const large = await run(options.pageSize);
    const small = await run(10);
    results.rateLimit = { large, small, ratio: round(large.recordsPerHourAt300 / small.recordsPerHourAt300, 1) };
  }

  results.seconds = round((performance.now() - started) / 1000, 1);
  printTable(results);
  const dir = join(ROOT, 'bench-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'bench.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nFigures written to bench-results/bench.json (${results.seconds} s in all).`);
}

/** A figure's target and whether this run met it. */
function target(met: boolean, text: string): string {
  return `${text} ${met ? 'met' : 'MISSED'}`;
}

function printTable(r: Results): void {
  const lines: [string, string, string, string][] = [];
  const add = (figure: string, value: string, goal = '', note = '') => lines.push([figure, value, goal, note]);
  const rate = (n: number) => `${int(n)} records/s`;
  if (r.organisation) {
    const o = r.organisation;
    add(`full sync, ${o.streams} streams, ${int(o.records)} records`, `${o.seconds.toFixed(1)} s`, '', `${o.maxParallelStreams} streams at once`);
    add(`lower bound (slowest bucket, ${o.slowest})`, `${o.lowerBoundSeconds.toFixed(1)} s`, '', `${o.buckets[0].fewest} requests at ${o.buckets[0].limit} per ${o.buckets[0].period} s`);
    add('wall time / lower bound', o.wallOverBound.toFixed(3), target(o.wallOverBound <= 1.15, '<= 1.15'), `granted per period: ${o.buckets[0].grantedPerPeriod.join(' ')}`);
    add('requests sent / fewest', `${o.sentRequests} / ${o.fewestRequests}`, target(o.requestsOverFewest <= 1.1, '<= 1.1'), `${o.requestsOverFewest.toFixed(3)}`);
    add('    extra: windows · retries · key checks · other', `${o.extra.windows} · ${o.extra.retries} · ${o.extra.checks} · ${o.extra.other}`);
    add('    next sync: requests (lookback re-reads)', `${o.nextSync.requests} (${o.nextSync.lookback})`, '', `${o.nextSync.seconds.toFixed(1)} s`);
  }
  if (r.destinations) {
    const d = r.destinations;
    add('DuckDB writes, 1000-row pages', `${int(d.duckdb.fresh)} rows/s`, '', `written again ${int(d.duckdb.again)} rows/s`);
    if (d.postgres) add('PostgreSQL writes, 1000-row pages', `${int(d.postgres.fresh)} rows/s`, '', `again ${int(d.postgres.again)} · 4 at once ${int(d.postgres.parallel ?? NaN)} rows/s`);
    else add('PostgreSQL writes', 'skipped', '', 'no server: bash scripts/postgres.sh ensure');
  }
  if (r.throughput) {
    const t = r.throughput;
    add(`(a) bare undici loop + JSON.parse, ${int(t.records)} logs`, rate(t.bare.recordsPerSecond), '', 'the limit');
    add('(b) loop + DuckDB appender', rate(t.duckdb.recordsPerSecond), '', 'the limit with storage');
    add('(c) Retriever end to end', rate(t.retriever.recordsPerSecond), '', 'dev server, worker process, DuckDB');
    add('c/a', t.cOverA.toFixed(3), target(t.cOverA >= 0.5, '>= 0.5'));
    add('c/b', t.cOverB.toFixed(3), target(t.cOverB >= 0.8, '>= 0.8'));
    if (r.postgres) {
      const ratio = r.postgres.recordsPerSecond / t.bare.recordsPerSecond;
      add('(c) into PostgreSQL', rate(r.postgres.recordsPerSecond));
      add('c/a, PostgreSQL', ratio.toFixed(3), target(ratio >= 0.5, '>= 0.5'));
    }
    const threads = t.retriever.workerThreads;
    add("(c) worker CPU s: main thread · DuckDB's and others'", `${threads.main ?? 0} · ${round(Object.entries(threads).filter(([k]) => k !== 'main').reduce((n, [, v]) => n + v, 0), 1)}`, '', `simulator ${t.retriever.cpu.simulator} · temporal ${t.retriever.cpu.temporal}`);
    const p = t.retriever.pagePhases;
    if (p) add('(c) per page: queued · activity · workflow task', `${p.queuedMs} · ${p.activityMs} · ${p.workflowTaskMs} ms`, '', 'from the histories');
    if (r.untuned) {
      const u = r.untuned.pagePhases;
      add('(c) on an untuned dev server', rate(r.untuned.recordsPerSecond), '', `c/b ${(r.untuned.recordsPerSecond / t.duckdb.recordsPerSecond).toFixed(3)}`);
      if (u) add('    per page: queued · activity · workflow task', `${u.queuedMs} · ${u.activityMs} · ${u.workflowTaskMs} ms`);
    }
  }
  if (r.memory) {
    const m = r.memory;
    add(`worker peak RSS, ${int(m.small.records)} records`, mib(m.small.workerPeakRssBytes));
    add(`worker peak RSS, ${int(m.large.records)} records`, mib(m.large.workerPeakRssBytes), '', `${rate(m.large.recordsPerSecond)}`);
    add('peak RSS ratio', m.rssRatio.toFixed(3), target(m.rssRatio <= 1.2, '<= 1.2'));
    // Continue-as-new when the server suggests it (at 4,096 events on the dev server), plus at most one page's events.
    add(`largest single-run history, ${int(m.large.records)} sync`, `${int(m.large.largestChildRunEvents)} events`, target(m.large.largestChildRunEvents <= 4_096 + 20, 'bounded'), `${m.large.childRuns} runs (continue-as-new)`);
  }
  if (r.memoryPostgres) {
    const m = r.memoryPostgres;
    add(`worker peak RSS into PostgreSQL, ${int(m.small.records)}`, mib(m.small.workerPeakRssBytes));
    add(`worker peak RSS into PostgreSQL, ${int(m.large.records)}`, mib(m.large.workerPeakRssBytes), '', `${rate(m.large.recordsPerSecond)}`);
    add('peak RSS ratio, PostgreSQL', m.rssRatio.toFixed(3), target(m.rssRatio <= 1.2, '<= 1.2'));
  }
  if (r.parallel) {
    const p = r.parallel;
    add(`one stream of ${int(p.records)}`, rate(p.one.recordsPerSecond));
    add(`${p.streams} streams of ${int(p.records / p.streams)} at once`, rate(p.many.recordsPerSecond), '', `${p.ratio.toFixed(2)}× one stream`);
  }
  if (r.rateLimit) {
    const { large, small } = r.rateLimit;
    const share = (f: RateLimitFigures) => (f.requests > 0 ? f.limited / f.requests : 0);
    add(`logs at 300 req/h, page size ${large.pageSize}`, `${int(large.recordsPerHourAt300)} records/h`, '', `${large.limited} 429s of ${large.requests} requests`);
    add('    utilisation, 429s', `${large.utilisation.toFixed(3)}, ${(share(large) * 100).toFixed(2)} %`, target(rateLimitTargetMet(large), '>= 0.98, <= 1 %'));
    add(`logs at 300 req/h, page size ${small.pageSize}`, `${int(small.recordsPerHourAt300)} records/h`, '', `utilisation ${small.utilisation.toFixed(3)}, ${small.limited} 429s`);
    add('page size 1000 / page size 10', `${r.rateLimit.ratio.toFixed(1)}×`);
  }
  const width = [0, 1, 2].map((i) => Math.max(...lines.map((l) => l[i].length), ['figure', 'value', 'target'][i].length));
  console.log('\n' + ['figure'.padEnd(width[0]), 'value'.padEnd(width[1]), 'target'.padEnd(width[2]), 'note'].join('  '));
  console.log([...width.map((w) => '-'.repeat(w)), '----'].join('  '));
  for (const [figure, value, goal, note] of lines) console.log([figure.padEnd(width[0]), value.padStart(width[1]), goal.padEnd(width[2]), note].join('  ').trimEnd());
}

runMain(main);
