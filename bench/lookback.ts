/**
 * What the default lookback costs: a day of hourly syncs (as a Schedule with `--every 1h` runs
 * them) of a busy logs stream and a quiet audit stream, once with no lookback and once with the
 * default, side by side on the same simulated organisation. Prints the requests each sends.
 *
 *   npm run bench:lookback [-- --logs-per-hour 20000 --audit-per-hour 50 --hours 24]
 */
import { join } from 'node:path';
import { parseDuration } from '../src/config/duration';
import { DEFAULT_LOOKBACK } from '../src/config/request';
import { DuckDbDestination } from '../src/destinations/duckdb';
import { startSimulator, SIMULATOR_KEYS } from '../src/simulator';
import { createWorker } from '../src/worker';
import { datadogSync } from '../src/workflows';
import { startDevServer, workflowBundle } from '../test/helpers/temporal';
import { int, option, round, runMain, tempDir } from './common';

const HOUR = 3_600_000;

async function main(): Promise<void> {
  const logsPerHour = option('logs-per-hour', 20_000);
  const auditPerHour = option('audit-per-hour', 50);
  const hours = option('hours', 24);
  // Whole hours in the past, so every scheduled run's end is behind the simulator's "now".
  const start = Math.floor(Date.now() / HOUR) * HOUR - (hours + 2) * HOUR;
  const env = await startDevServer();
  const simulator = await startSimulator({
    seed: 5,
    logs: { count: logsPerHour * (hours + 1), from: start, to: start + (hours + 1) * HOUR },
    search: { audit_logs: auditPerHour * (hours + 1) },
  });
  const paths = { logs: '/api/v2/logs/events', audit_logs: '/api/v2/audit/events' } as const;
  const requests: Record<string, Record<keyof typeof paths, number>> = {};
  try {
    for (const lookback of ['0s', DEFAULT_LOOKBACK]) {
      const destination = await DuckDbDestination.open(join(tempDir(), 'lookback.duckdb'));
      const taskQueue = `lookback-${lookback}`;
      const { worker, close } = await createWorker({
        connection: env.nativeConnection,
        taskQueue,
        credentials: SIMULATOR_KEYS,
        baseUrl: simulator.url,
        destination,
        workflowBundle: await workflowBundle(),
      });
      const before = simulator.requests.length;
      await worker.runUntil(async () => {
        // Run k reads up to k hours after the start: the first from the start, each later one from
        // the bookmark the one before it left (less the lookback), with the default window size.
        for (let run = 1; run <= hours; run++) {
          const request = {
            streams: ['logs', 'audit_logs'],
            start_date: new Date(start).toISOString(),
            end_date: new Date(start + run * HOUR).toISOString(),
            lookback,
          };
          await env.client.workflow.execute(datadogSync, { taskQueue, workflowId: `lookback-${lookback}-${run}`, args: [request] });
        }
      });
      const sent = simulator.requests.slice(before);
      requests[lookback] = {
        logs: sent.filter((r) => r.path === paths.logs).length,
        audit_logs: sent.filter((r) => r.path === paths.audit_logs).length,
      };
      await close();
      await destination.close();
    }
  } finally {
    await simulator.close();
    await env.teardown();
  }
  const none = requests['0s'];
  const dflt = requests[DEFAULT_LOOKBACK];
  console.log(`${hours} hourly syncs; lookback ${DEFAULT_LOOKBACK} (${round(parseDuration(DEFAULT_LOOKBACK) / HOUR, 2)} h) against none, page size 1000:`);
  for (const stream of Object.keys(paths) as (keyof typeof paths)[]) {
    const perHour = stream === 'logs' ? logsPerHour : auditPerHour;
    console.log(
      `  ${stream.padEnd(10)} ${int(perHour).padStart(7)} records/h: ${int(none[stream]).padStart(5)} → ${int(dflt[stream]).padStart(5)} requests ` +
        `(+${int(dflt[stream] - none[stream])}, ×${round(dflt[stream] / none[stream], 2)}; ${round((dflt[stream] - none[stream]) / hours, 2)} more per run)`,
    );
  }
}

runMain(main);
