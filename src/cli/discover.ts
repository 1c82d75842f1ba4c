import type { JsonSchema } from '../shared/json';
import type { Command } from 'commander';
import { parseSyncRequest, queryDefinitions, type SyncRequest } from '../config/request';
import { effectivePageSize } from '../datadog/pagination';
import { queryStreamDef, streamSchema, STREAMS, upstreamOf } from '../datadog/streams/table';
import type { StreamDef } from '../datadog/streams/types';
import { loadConfigFile } from './config-file';

/** One stream as `discover` describes it. */
export interface CatalogEntry {
  name: string;
  description: string;
  endpoint: string;
  sync_mode: 'incremental' | 'full_refresh';
  primary_key: string;
  cursor_field: string | null;
  permission: string;
  /** The page size used unless `max_records_per_request` lowers it (null: the endpoint does not page, or sets its own page size). */
  max_page_size: number | null;
  /** For dependent streams: the stream whose records it is read per; for derived ones, the stream its rows are made from. */
  parent: string | null;
  /** Search streams take `stream_options.<stream>.query`. */
  accepts_query: boolean;
  json_schema: JsonSchema;
}

export function catalogEntry(def: StreamDef): CatalogEntry {
  return {
    name: def.name,
    description: def.description,
    endpoint: `${def.method} ${def.path}`,
    sync_mode: def.window ? 'incremental' : 'full_refresh',
    primary_key: def.primaryKey,
    cursor_field: def.window?.cursorField ?? null,
    permission: def.permission,
    // 0: the endpoint chooses its own page size.
    max_page_size: def.pagination.kind === 'none' ? null : effectivePageSize(def.pagination, undefined) || null,
    parent: upstreamOf(def) ?? null,
    accepts_query: Boolean(def.queryParam),
    json_schema: streamSchema(def),
  };
}

/** Every stream: the table's, then one per configured query. */
export function catalog(request: Pick<SyncRequest, 'queries'>): CatalogEntry[] {
  return [...STREAMS, ...queryDefinitions(request).map(queryStreamDef)].map(catalogEntry);
}

/** Plain-text columns, padded to the widest cell. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function register(program: Command): void {
  program
    .command('discover')
    .description('List every stream: endpoint, sync mode, primary key, cursor field, permission needed, schema (--json)')
    .option('-c, --config <file>', 'sync config (JSON) whose queries become streams too')
    .option('--json', 'machine-readable output, with each stream\'s JSON schema', false)
    .action((opts: { config?: string; json: boolean }) => {
      const request = opts.config ? loadConfigFile(opts.config) : parseSyncRequest({}, Date.now(), 'defaults');
      const entries = catalog(request);
      if (opts.json) {
        console.log(JSON.stringify({ streams: entries }, null, 2));
        return;
      }
      const rows = entries.map((e) => [
        e.name,
        e.sync_mode,
        e.primary_key,
        e.cursor_field ?? '',
        e.permission,
        `${e.endpoint}${e.parent ? ` (from ${e.parent})` : ''}`,
      ]);
      console.log(textTable(['stream', 'sync mode', 'primary key', 'cursor field', 'permission', 'endpoint'], rows));
      console.log(`\n${entries.length} streams. Search streams take stream_options.<stream>.query: ${entries.filter((e) => e.accepts_query).map((e) => e.name).join(', ')}.`);
      if (!opts.config) console.log('Timeseries queries (config "queries") become streams of their own name: see --config.');
    });
}
