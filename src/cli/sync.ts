import type { Command } from 'commander';
import { readEnv } from '../config/env';
import { loadConfigFile } from './config-file';
import { defaultWorkflowId, printOutcome, startSync, watchSync } from './run-sync';
import { refusal, runningReads } from './running-syncs';
import { connectClient } from './temporal';
import { webUiUrl } from '../config/env';

interface SyncOptions {
  config: string;
  streams?: string;
  id?: string;
  wait: boolean;
  json: boolean;
  strict?: boolean;
  organization?: string;
  fullRefresh?: string;
  dropRows?: boolean;
}

export function register(program: Command): void {
  program
    .command('sync')
    .description('Start a sync on the task queue a worker polls; --wait shows progress and the result')
    .requiredOption('-c, --config <file>', 'sync config (JSON): streams, start_date, site, ...; never keys')
    .option('-s, --streams <names>', 'comma-separated streams or query names, overriding the config (see `retriever discover`)')
    .option('--id <workflowId>', 'workflow ID (default retriever-<name>-<timestamp>)')
    .option('--strict', 'fail when a stream is not readable instead of skipping it')
    .option('--organization <name>', "the Datadog organisation to read, overriding the config (its keys are the worker's: DD_API_KEY__<NAME>, DD_APP_KEY__<NAME>)")
    .option('--full-refresh <names>', "comma-separated streams to read from scratch: their bookmarks are forgotten first, by the sync itself (request field full_refresh)")
    .option('--drop-rows', "with --full-refresh: also delete those streams' rows first (full_refresh_drop_rows)")
    .option('-w, --wait', 'wait for the end, with live progress', false)
    .option('--json', 'machine-readable output', false)
    .action(async (opts: SyncOptions) => {
      const env = readEnv();
      const overrides = {
        ...(opts.streams ? { streams: opts.streams.split(',').map((s) => s.trim()) } : {}),
        ...(opts.strict ? { strict: true } : {}),
        ...(opts.organization ? { organization: opts.organization } : {}),
        ...(opts.fullRefresh ? { full_refresh: opts.fullRefresh.split(',').map((s) => s.trim()) } : {}),
        ...(opts.dropRows ? { full_refresh_drop_rows: true } : {}),
      };
      const request = loadConfigFile(opts.config, overrides);
      const workflowId = opts.id ?? defaultWorkflowId(request);
      const { client, close } = await connectClient(env);
      try {
        if (request.full_refresh.length > 0) {
          // Another sync reading them would commit bookmarks past the reset this one makes.
          const reads = await runningReads(client, request.full_refresh);
          if (reads.length > 0) throw new Error(refusal(reads));
        }
        await startSync(client, env, request, workflowId);
        if (!opts.wait) {
          console.log(opts.json ? JSON.stringify({ workflowId, webUi: webUiUrl(env, workflowId) }) : `started ${workflowId}\nWeb UI: ${webUiUrl(env, workflowId)}`);
          return;
        }
        const outcome = await watchSync(client, workflowId, { progress: !opts.json });
        printOutcome(outcome, env, workflowId, opts.json);
        if (outcome.error) process.exitCode = 1;
      } finally {
        await close();
      }
    });
}
