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
import type { KeyPart, Pagination, StreamDef, TimeUnit, TimeWindow } from '../src/datadog/streams/types';

export const STREAM_DOCS = join(__dirname, '..', 'docs', 'streams.md');
const START = '<!-- catalogue: generated from src/datadog/streams/table.ts by `npm run docs:streams`; do not edit by hand -->';
const END = '<!-- end of catalogue -->';

const UNITS: Record<TimeUnit, string> = {
  iso: 'ISO-8601',
  s: 'epoch s',
  ms: 'epoch ms',
  ns: 'epoch ns',
  hour: 'ISO-8601, whole hours',
  month: 'ISO-8601, calendar months',
};

function paging(pagination: Pagination): string {
  switch (pagination.kind) {
    case 'offset':
      return `offset \`${pagination.offsetParam}\`, \`${pagination.limitParam}\` ≤ ${pagination.maxPageSize}`;
    case 'page':
      return `page \`${pagination.pageParam}\` from ${pagination.firstPage ?? 0}, \`${pagination.sizeParam}\` ≤ ${pagination.maxPageSize}`;
    case 'cursor': {
      const size = pagination.limitParam === undefined ? 'page size set by Datadog' : `\`${pagination.limitParam}\` ≤ ${pagination.maxPageSize}`;
      return `cursor \`${pagination.cursorParam}\` ← \`${pagination.nextCursorPath}\`, ${size}`;
    }
    case 'backward_time':
      return `newest first, ${pagination.cap} a call, back in time: \`${pagination.toParam}\` ← \`${pagination.nextToPath}\``;
    case 'none':
      return 'none';
  }
}

function timeWindow(window: TimeWindow): string {
  const limits = [
    window.inclusiveTo ? `\`${window.toParam}\` inclusive` : '',
    window.maxSpan ? `≤ ${window.maxSpan} a request` : '',
    window.retentionMonths !== undefined ? `from ${window.retentionMonths} month${window.retentionMonths === 1 ? '' : 's'} back at most` : '',
    window.lookback ? `re-reads ${window.lookback}` : '',
  ].filter(Boolean);
  return `\`${window.fromParam}\`/\`${window.toParam}\` (${[UNITS[window.unit], ...limits].join('; ')})`;
}

/** Where a stream's rows come from: its endpoint, once per parent record, or another stream's records. */
function endpoint(def: StreamDef): string {
  if (def.derivedFrom) return `\`${def.method} ${def.path}\` of \`${def.derivedFrom.stream}\`, no request of its own: rows from each record's \`${def.derivedFrom.items}\``;
  const link = def.parent;
  if (!link) return `\`${def.method} ${def.path}\``;
  const when = link.whenChanged ? `, when its \`${link.whenChanged.parentField}\` changed` : link.refreshAfter ? `, at most every ${link.refreshAfter}` : '';
  return `\`${def.method} ${def.path}\`, once per \`${link.stream}\` record${when}`;
}

/** Upstream rows per page, and how each parent's own answer pages. */
function pagingCell(def: StreamDef): string {
  const upstream = def.parent ?? def.derivedFrom;
  if (upstream) {
    const own = def.parent && def.pagination.kind !== 'none' ? `; each: ${paging(def.pagination)}` : '';
    return `pages of ${def.parent?.batchSize ?? SOURCE_RECORDS_PER_PAGE} \`${upstream.stream}\` rows${own}`;
  }
  if (def.window?.splitWhenFull) return `none; ≤ ${def.window.splitWhenFull} a call, a full answer splits the window`;
  return paging(def.pagination);
}

function row(def: StreamDef): string {
  const separator = def.derivedKey?.separator ?? ':';
  const part = (f: KeyPart) => (typeof f === 'string' ? `\`${f}\`` : `month of \`${f.path}\``);
  const key = def.derivedKey
    ? `\`${def.primaryKey}\` (${def.derivedKey.from.map(part).join(` \`${separator === '|' ? '\\|' : separator}\` `)})`
    : `\`${def.primaryKey}\``;
  const cells = [
    `\`${def.name}\``,
    endpoint(def),
    def.window ? 'incremental' : 'full_refresh',
    key,
    def.window ? `\`${def.window.cursorField}\`${def.window.cursorUnit && def.window.cursorUnit !== 'iso' ? ` (${UNITS[def.window.cursorUnit]})` : ''}` : '',
    pagingCell(def),
    def.window ? timeWindow(def.window) : '',
    `${def.permission === '' ? 'none stated' : `\`${def.permission}\``}${def.parentOrgOnly ? ' (parent organisations only)' : ''}`,
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
