import { Command, CommanderError } from 'commander';
import { InvalidConfigError } from './config/issues';

/**
 * The `retriever` CLI. Each command lives in src/cli/<command>.ts and registers itself here.
 * Exit codes: 0 success, 1 the sync or check failed, 2 bad usage or invalid config.
 */
export function buildProgram(): Command {
  const program = new Command('retriever')
    .description('Durable extraction of Datadog data into DuckDB or PostgreSQL, orchestrated by Temporal')
    .showHelpAfterError()
    .exitOverride();
  for (const register of commands()) register(program);
  return program;
}

function commands(): ((program: Command) => void)[] {
  // Required lazily so `retriever --help` does not load the Temporal SDK.
  return [
    require('./cli/sync').register,
    require('./cli/status').register,
    require('./cli/cancel').register,
    require('./cli/reset').register,
    require('./cli/export').register,
    require('./cli/schedule').register,
    require('./cli/discover').register,
    require('./cli/check').register,
    require('./cli/worker').register,
    require('./cli/simulator').register,
    require('./cli/demo').register,
    require('./cli/codec-server').register,
  ];
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    process.exitCode = exitCodeFor(err);
  }
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (err instanceof InvalidConfigError) {
    console.error(`error: ${err.message}`);
    return EXIT.usage;
  }
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  return EXIT.failed;
}
