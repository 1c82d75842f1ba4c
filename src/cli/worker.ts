import type { Command } from 'commander';
import { readEnv } from '../config/env';
import { runWorkerFromEnv } from '../worker';

export function register(program: Command): void {
  program
    .command('worker')
    .description('Run a worker: polls the task queue and runs syncs (settings from the environment, see docs/configuration.md)')
    .action(async () => {
      await runWorkerFromEnv(readEnv());
    });
}
