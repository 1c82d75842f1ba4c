/**
 * Writes the catalogue of docs/streams.md from the stream table: the part between the `catalogue`
 * markers is generated, the prose around it is written by hand. A test fails when it is stale.
 *
 *   npm run docs:streams
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SOURCE_RECORDS_PER_PAGE } from '../src/activities/dependent-pages';
import { STREAMS, TIMESERIES_ENDPOINT } from '../src/datadog/streams/table';
import type { Pagination, StreamDef, TimeUnit } from '../src/datadog/streams/types';

export const STREAM_DOCS = join(__dirname, '..', 'docs', 'streams.md');
const START = '<!-- catalogue: generated from src/datadog/streams/table.ts by `npm run docs:streams`; do not edit by hand -->';
const END = '<!-- end of catalogue -->';

const UNITS: Record<TimeUnit, string> = { iso: 'ISO-8601', ms: 'epoch ms', s: 'epoch s' };

function paging(pagination: Pagination): string {
  switch (pagination.kind) {
    case 'offset':
      return `offset \`${pagination.offsetParam}\`, \`${pagination.limitParam}\` ≤ ${pagination.maxPageSize}`;
    case 'page':
      return `page \`${pagination.pageParam}\` from 0, \`${pagination.sizeParam}\` ≤ ${pagination.maxPageSize}`;
    case 'cursor':
      return `cursor \`${pagination.cursorParam}\` ← \`${pagination.nextCursorPath}\`, \`${pagination.limitParam}\` ≤ ${pagination.maxPageSize}`;
    case 'none':
      return 'none';
  }
}

/** Where a stream's rows come from: its endpoint, once per parent record, or another stream's records. */
function endpoint(def: StreamDef): string {
  if (def.derivedFrom) return `\`${def.method} ${def.path}\` of \`${def.derivedFrom.stream}\`, no request of its own: rows from each record's \`${def.derivedFrom.items}\``;
  const link = def.parent;
  if (!link) return `\`${def.method} ${def.path}\``;
  const when = link.whenChanged ? `, when its \`${link.whenChanged.parentField}\` changed` : link.refreshAfter ? `, at most every ${link.refreshAfter}` : '';
  return `\`${def.method} ${def.path}\`, once per \`${link.stream}\` record${when}`;
}

function row(def: StreamDef): string {
  const upstream = def.parent ?? def.derivedFrom;
  const join = def.derivedKey?.separator ?? ':';
  const key = def.derivedKey ? `\`${def.primaryKey}\` (${def.derivedKey.from.map((f) => `\`${f}\``).join(` \`${join === '|' ? '\\|' : join}\` `)})` : `\`${def.primaryKey}\``;
  const cells = [
    `\`${def.name}\``,
    endpoint(def),
    def.window ? 'incremental' : 'full_refresh',
    key,
    def.window ? `\`${def.window.cursorField}\`` : '',
    upstream ? `pages of ${def.parent?.batchSize ?? SOURCE_RECORDS_PER_PAGE} \`${upstream.stream}\` rows` : paging(def.pagination),
    def.window ? `\`${def.window.fromParam}\`/\`${def.window.toParam}\` (${UNITS[def.window.unit]})` : '',
    def.permission ? `\`${def.permission}\`` : 'none stated',
  ];
  return `| ${cells.join(' | ')} |`;
}

/** The generated part: the table of every stream, then each stream's notes. */
export function renderCatalogue(streams: readonly StreamDef[] = STREAMS): string {
  const header = ['stream', 'endpoint', 'sync mode', 'primary key', 'cursor field', 'paging', 'time window', 'permission'];
  const query = `| *each entry of \`queries\`* | \`${TIMESERIES_ENDPOINT.method} ${TIMESERIES_ENDPOINT.path}\` | incremental | \`id\` (group \`\\|\` timestamp) | \`timestamp\` | none (one request per window) | \`data.attributes.from\`/\`to\` (epoch ms) | \`${TIMESERIES_ENDPOINT.permission}\` |`;
  const notes = streams.filter((s) => s.notes).map((s) => `- **\`${s.name}\`**: ${s.notes}`);
  return [
    START,
    `${streams.length} streams, and one more per configured query.`,
    '',
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...streams.map(row),
    query,
    '',
    'Notes on particular streams:',
    '',
    ...notes,
    END,
  ].join('\n');
}

/** docs/streams.md as it should be: its prose, with the catalogue generated anew. */
export function renderStreamDocs(current: string): string {
  const start = current.indexOf(START);
  const end = current.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${STREAM_DOCS} has lost its catalogue markers; put back ${START} and ${END}`);
  return current.slice(0, start) + renderCatalogue() + current.slice(end + END.length);
}

if (require.main === module) {
  writeFileSync(STREAM_DOCS, renderStreamDocs(readFileSync(STREAM_DOCS, 'utf8')));
  console.log(`wrote the catalogue of ${STREAM_DOCS} (${STREAMS.length} streams)`);
}
