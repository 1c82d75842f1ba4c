import type { Command } from 'commander';
import { readEnv, webUiUrl } from '../config/env';
import type { SyncResult } from '../workflows/types';
import { collectProgress } from './progress';
import { failureMessage, formatTable } from './run-sync';
import { connectClient } from './temporal';

export function register(program: Command): void {
  program
    .command('status <workflowId>')
    .description('Show a sync once: its state and per-stream progress (or result)')
    .option('--json', 'machine-readable output', false)
    .action(async (workflowId: string, opts: { json: boolean }) => {
      const env = readEnv();
      const { client, close } = await connectClient(env);
      try {
        const handle = client.workflow.getHandle(workflowId);
        const description = await handle.describe();
        const state = description.status.name;
        let streams;
        let error: string | undefined;
        if (state === 'COMPLETED') streams = ((await handle.result()) as SyncResult).streams;
        else {
          if (state !== 'RUNNING') await handle.result().catch((err) => (error = failureMessage(err)));
          // A closed workflow no longer answers queries: no live progress to show, only its outcome.
          streams = await collectProgress(client, workflowId).catch(() => []);
        }
        const link = webUiUrl(env, workflowId, description.runId);
        if (opts.json) {
          console.log(JSON.stringify({ workflowId, state, error, streams, webUi: link }, null, 2));
        } else {
          console.log(`${workflowId}: ${state}${error ? ` (${error})` : ''}`);
          if (streams.length > 0) console.log(formatTable(streams));
          console.log(`Web UI: ${link}`);
        }
        if (state !== 'RUNNING' && state !== 'COMPLETED') process.exitCode = 1;
      } finally {
        await close();
      }
    });
}
