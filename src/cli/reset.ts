import type { Command } from 'commander';
import { describeReset } from '../activities/state';
import { readEnv } from '../config/env';
import { InvalidConfigError } from '../config/issues';
import { ORGANIZATION_PATTERN, ORGANIZATION_RULE } from '../config/organizations';
import { STREAM_NAMES } from '../datadog/streams/table';
import { DestinationUnavailableError, type Destination } from '../destinations/destination';
import { openDestination } from '../destinations/open';
import { DEFAULT_ORGANIZATION, organizationNote } from '../shared/organization';
import { loadConfigFile } from './config-file';
import { refusal, runningReads } from './running-syncs';
import { connectClient } from './temporal';

interface ResetOptions {
  streams: string;
  dropRows: boolean;
  organization: string;
  config?: string;
  json: boolean;
}

export function register(program: Command): void {
  program
    .command('reset')
    .description("Forget streams' bookmarks (and, with --drop-rows, their rows) so the next sync reads them from start_date; other streams keep theirs")
    .requiredOption('-s, --streams <names>', 'comma-separated streams to reset')
    .option('--drop-rows', "also delete the streams' rows", false)
    .option('--organization <name>', "the Datadog organisation whose bookmarks and rows are reset; the others' are untouched", DEFAULT_ORGANIZATION)
    .option('-c, --config <file>', 'sync config, for the names of its timeseries queries')
    .option('--json', 'machine-readable output', false)
    .action(async (opts: ResetOptions) => {
      const env = readEnv();
      const streams = [...new Set(opts.streams.split(',').map((s) => s.trim()).filter(Boolean))];
      const known = [...STREAM_NAMES, ...(opts.config ? loadConfigFile(opts.config).queries.map((q) => q.name) : [])];
      const unknown = streams.filter((s) => !known.includes(s));
      const problems = streams.length === 0 ? ['--streams: name at least one stream'] : unknown.map((s) => `--streams: unknown stream "${s}"; known streams: ${known.join(', ')}`);
      if (!ORGANIZATION_PATTERN.test(opts.organization)) problems.push(`--organization: "${opts.organization}" is not an organisation name (${ORGANIZATION_RULE})`);
      if (problems.length > 0) throw new InvalidConfigError(problems, 'reset');

      // A sync reading the stream would commit bookmarks from where it planned, past the reset. Syncs
      // of every organisation count: Temporal's visibility does not say which one a sync reads.
      const { client, close } = await connectClient(env);
      try {
        const reads = await runningReads(client, streams);
        if (reads.length > 0) throw new Error(refusal(reads));
      } finally {
        await close();
      }

      const destination = await open(env);
      try {
        const resets = await destination.resetStreams(streams, { dropRows: opts.dropRows, organization: opts.organization });
        if (opts.json) console.log(JSON.stringify({ destination: destination.description, organization: opts.organization, streams: resets }, null, 2));
        else {
          for (const reset of resets) console.log(describeReset(reset));
          console.log(`The next sync reads ${streams.length === 1 ? 'it' : 'them'} from start_date (${destination.description}${organizationNote(opts.organization)}).`);
        }
      } finally {
        await destination.close();
      }
    });
}

async function open(env: ReturnType<typeof readEnv>): Promise<Destination> {
  try {
    return await openDestination(env);
  } catch (err) {
    if (err instanceof DestinationUnavailableError && env.RETRIEVER_DESTINATION === 'duckdb') {
      // The worker holds the file: the same reset can run inside a sync, on that worker.
      throw new Error(`${err.message}.\nStop the worker first, or let it reset the streams as part of a sync: retriever sync -c <config> --full-refresh <streams>`);
    }
    throw err;
  }
}
