import { Option, type Command } from 'commander';
import { readEnv } from '../config/env';
import { InvalidConfigError } from '../config/issues';
import { queryDefinitions } from '../config/request';
import { getStream, STREAM_NAMES } from '../datadog/streams/table';
import { DAY_COLUMN, exportParquet, openExportSource } from '../export';
import { loadConfigFile } from './config-file';

interface ExportOptions {
  format: 'parquet';
  out: string;
  streams?: string;
  config?: string;
  json: boolean;
}

export function register(program: Command): void {
  program
    .command('export')
    .description(`Write each stream's table as Parquet files (incremental streams partitioned by the day of their cursor, ${DAY_COLUMN}=YYYY-MM-DD), from DuckDB or PostgreSQL`)
    .addOption(new Option('--format <format>', 'file format').choices(['parquet']).default('parquet'))
    .requiredOption('-o, --out <dir>', 'directory to write; each stream gets <dir>/<stream>/, replaced on each export')
    .option('-s, --streams <names>', 'comma-separated streams (default: every stream with a table)')
    .option('-c, --config <file>', 'sync config, for its timeseries queries (their tables are exported too)')
    .option('--json', 'machine-readable output', false)
    .action(async (opts: ExportOptions) => {
      const env = readEnv();
      const queries = opts.config ? queryDefinitions(loadConfigFile(opts.config)) : [];
      const known = [...STREAM_NAMES, ...queries.map((q) => q.name)];
      const named = opts.streams ? [...new Set(opts.streams.split(',').map((s) => s.trim()).filter(Boolean))] : undefined;
      const unknown = (named ?? []).filter((s) => !known.includes(s));
      if (unknown.length > 0 || named?.length === 0) {
        const problems = named?.length === 0 ? ['--streams: name at least one stream'] : unknown.map((s) => `--streams: unknown stream "${s}"; known streams: ${known.join(', ')}`);
        throw new InvalidConfigError(problems, 'export');
      }
      const defs = (named ?? known).map((name) => getStream(name, queries));
      const source = await openExportSource(env);
      try {
        const exported = await exportParquet(source, defs, opts.out, named !== undefined);
        if (opts.json) {
          console.log(JSON.stringify({ source: source.description, streams: exported }, null, 2));
          return;
        }
        const width = Math.max(6, ...exported.map((e) => e.stream.length));
        console.log(`${'stream'.padEnd(width)}  ${'rows'.padStart(9)}  ${'files'.padStart(5)}  partitioned by`);
        for (const e of exported) console.log(`${e.stream.padEnd(width)}  ${String(e.rows).padStart(9)}  ${String(e.files).padStart(5)}  ${e.partitionedBy ? `day of ${e.partitionedBy}` : ''}`.trimEnd());
        console.log(`\n${exported.reduce((n, e) => n + e.rows, 0)} rows from ${source.description} in ${opts.out}`);
        console.log(`Read them back: duckdb -c "select count(*) from read_parquet('${opts.out}/logs/**/*.parquet', hive_partitioning = true)"`);
      } finally {
        await source.close();
      }
    });
}
