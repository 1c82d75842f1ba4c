import type { Command } from 'commander';
import { readEnv } from '../config/env';
import { connectClient } from './temporal';

export function register(program: Command): void {
  program
    .command('cancel <workflowId>')
    .description('Cancel a sync: its streams stop after the page in flight; finished windows stay committed')
    .option('--wait', 'wait until the sync has stopped', false)
    .option('--json', 'machine-readable output', false)
    .action(async (workflowId: string, opts: { wait: boolean; json: boolean }) => {
      const { client, close } = await connectClient(readEnv());
      try {
        const handle = client.workflow.getHandle(workflowId);
        await handle.cancel();
        let state = 'cancel requested';
        if (opts.wait) {
          // The sync ends as cancelled (its result is that failure); what is printed is the state it ends in.
          await handle.result().catch(() => undefined);
          state = (await handle.describe()).status.name;
        }
        console.log(opts.json ? JSON.stringify({ workflowId, state }) : `${workflowId}: ${state}`);
      } finally {
        await close();
      }
    });
}
