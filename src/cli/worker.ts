import type { Command } from 'commander';
import { readEnv } from '../config/env';
import { runWorkerFromEnv } from '../worker';
import { whenNpmParentEnds } from './npm-parent';

export function register(program: Command): void {
  program
    .command('worker')
    .description('Run a worker: polls the task queue and runs syncs (settings from the environment, see docs/configuration.md)')
    .action(async () => {
      const stop = new AbortController();
      const unwatch = whenNpmParentEnds(() => {
        console.error('worker stopping: the npm process that started it has ended');
        stop.abort();
      });
      try {
        await runWorkerFromEnv(readEnv(), console.error, stop.signal);
      } finally {
        unwatch();
      }
    });
}
