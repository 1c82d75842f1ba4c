import type { Command } from 'commander';
import { startSimulator, SIMULATOR_KEYS } from '../simulator';
import { serveUntilStopped } from './serve';

const DAY = 86_400_000;

export function register(program: Command): void {
  program
    .command('simulator')
    .description('Serve the built-in Datadog API simulator on loopback, with seeded data')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '8126')
    .option('--host <address>', 'address to listen on (0.0.0.0 inside a container)', '127.0.0.1')
    .option('--seed <n>', 'seed of the generated data', '1')
    .option('--logs <n>', 'logs spread over the last --days days', '20000')
    .option('--days <n>', 'how far back the logs go', '3')
    .option('--dashboards <n>', 'number of dashboards', '40')
    .action(async (opts: { port: string; host: string; seed: string; logs: string; days: string; dashboards: string }) => {
      const now = Date.now();
      const simulator = await startSimulator({
        port: Number(opts.port),
        host: opts.host,
        seed: Number(opts.seed),
        dashboards: Number(opts.dashboards),
        logs: { count: Number(opts.logs), from: now - Number(opts.days) * DAY, to: now },
      });
      console.log(`Datadog simulator at ${simulator.url}`);
      console.log(`  DD_BASE_URL=${simulator.url} DD_API_KEY=${SIMULATOR_KEYS.apiKey} DD_APP_KEY=${SIMULATOR_KEYS.appKey}`);
      await serveUntilStopped(simulator);
    });
}
