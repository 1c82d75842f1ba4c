import { log } from '@temporalio/activity';
import { parseDuration } from '../config/duration';
import type { DatadogClient, Send } from '../datadog/client';
import { deriveRecords } from '../datadog/page';
import type { PageState } from '../datadog/pagination';
import { readParentPages, type PageAt } from '../datadog/pages';
import { parentPath } from '../datadog/request';
import { getStream, tableSpec } from '../datadog/streams/table';
import type { StreamDef } from '../datadog/streams/types';
import type { Destination, StoredRow } from '../destinations/destination';
import type { RateLimitInfo } from '../shared/rate-limit';

/**
 * Pages of streams read per record of another stream (dependent) or made from its records (derived).
 * Neither lists its parent again: the parents are the rows of the parent stream's table, which the
 * parent's own sync in the same run has just refreshed (the sync starts these streams after it). A
 * page walks that table by key, so no parent list crosses Temporal: the page state is the last key.
 */

/** Source records a derived stream turns into rows per page: no request is made, only a read of the table. */
export const SOURCE_RECORDS_PER_PAGE = 500;

/** What a dependent page needs beyond the stream and its position. */
export interface DependentPageContext {
  client: DatadogClient;
  destination: Destination;
  syncId: string;
  organization: string;
  /** Epoch ms, for `refreshAfter`. */
  now: number;
  /** The sync's `refresh` for this stream (ms), in place of the row's `refreshAfter`. */
  refreshMs?: number;
  signal: AbortSignal;
  /** Parents an earlier attempt of this page already wrote (its heartbeat details): not asked for again. */
  done: ReadonlySet<string>;
  /** The records those parents had, counted in this page's total. */
  recordsDone?: number;
  /** Called once a parent's records are written, so a retried page starts after it (and counts them). */
  parentWritten: (key: string, records: number) => void;
}

/** What one dependent or derived page did. */
export interface DependentPageResult {
  /** Records written. */
  records: number;
  nextPage: PageState | null;
  bytes: number;
  rateLimit?: RateLimitInfo;
}

/** The page after one that read `rows` of at most `limit`: the last key, or the end. */
function nextAfter(rows: StoredRow[], limit: number): PageState | null {
  return rows.length < limit || rows.length === 0 ? null : { cursor: rows[rows.length - 1].key };
}

/**
 * The parents on this page whose stored rows may stand: unchanged since they were read
 * (`whenChanged`), or read less than `refreshAfter` ago.
 */
async function parentsToKeep(
  def: StreamDef,
  parents: StoredRow[],
  { destination, organization, now, refreshMs }: Pick<DependentPageContext, 'destination' | 'organization' | 'now' | 'refreshMs'>,
): Promise<Set<string>> {
  const link = def.parent!;
  const keep = new Set<string>();
  if (!link.whenChanged && !link.refreshAfter) return keep;
  const stored = await destination.readRows(tableSpec(def), { organization, by: link.field, only: parents.map((p) => p.key), field: link.whenChanged?.field });
  const byKey = new Map(stored.map((row) => [row.key, row]));
  const freshFor = link.refreshAfter ? (refreshMs ?? parseDuration(link.refreshAfter)) : undefined;
  for (const parent of parents) {
    const row = byKey.get(parent.key);
    if (!row) continue;
    if (link.whenChanged && (parent.value === null || parent.value === undefined || row.value !== parent.value)) continue;
    if (freshFor !== undefined && now - row.writtenAt >= freshFor) continue;
    keep.add(parent.key);
  }
  return keep;
}

/**
 * The one field of a parent's stored row a dependent stream needs besides its key: what `whenChanged`
 * compares, or what `where` and `paths` choose by (the stream table's rows never need two).
 */
function parentField(def: StreamDef): string | undefined {
  const link = def.parent!;
  const fields = new Set([link.whenChanged?.parentField, link.where?.field, link.paths?.field].filter((f): f is string => f !== undefined));
  if (fields.size > 1) throw new Error(`${def.name}: a dependent stream reads one field of its parents' rows, not ${[...fields].join(' and ')}`);
  return [...fields][0];
}

/**
 * One page of a dependent stream: up to `pageSize` parents from the parent's table, after the last
 * key of the page before; for each one that needs reading, the stream's own pages for the window (one
 * request for most, several for results read backwards), written as they come. Parents gone from
 * Datadog since their listing (404) are logged, and so are those `parent.where` passes over.
 */
export async function writeDependentPage(def: StreamDef, at: PageAt, context: DependentPageContext): Promise<DependentPageResult> {
  const link = def.parent!;
  const { client, destination, syncId, organization, signal } = context;
  const field = parentField(def);
  const parents = await destination.readRows(tableSpec(getStream(link.stream)), { organization, by: link.key, after: at.page.cursor, limit: at.pageSize, field });
  const keep = await parentsToKeep(def, parents, context);
  await destination.keepRows(tableSpec(def), link.field, [...keep], syncId, organization);
  const result: DependentPageResult = { records: context.recordsDone ?? 0, nextPage: nextAfter(parents, at.pageSize), bytes: 0 };
  const gone: string[] = [];
  const passedOver: { key: string; value: string }[] = [];
  const send: Send = (request, options) => client.send(request, options);
  for (const { key, value } of parents) {
    if (keep.has(key) || context.done.has(key)) continue;
    const pathTemplate = parentPath(def, { [link.key]: key, ...(field ? { [field]: value } : {}) });
    if (pathTemplate === null) {
      passedOver.push({ key, value: String(value) });
      continue;
    }
    let written = 0;
    const found = await readParentPages(send, def, at, { id: key, pathTemplate }, signal, async (records, response) => {
      result.bytes += response.bytes;
      result.rateLimit = response.rateLimit ?? result.rateLimit;
      written += await destination.writePage(await destination.prepare(tableSpec(def), records), syncId, organization);
    });
    if (!found) gone.push(key);
    result.records += written;
    context.parentWritten(key, written);
  }
  if (gone.length > 0) {
    log.warn(`${def.name}: ${gone.length} ${link.stream} record(s) were gone from Datadog (404) when read, and are passed over`, {
      parents: gone,
    });
  }
  if (passedOver.length > 0) {
    // Expected, not a fault (no endpoint serves them), but never silent: the log says which and why.
    const values = [...new Set(passedOver.map((p) => p.value))].join(', ');
    log.info(`${def.name}: ${passedOver.length} ${link.stream} record(s) on this page passed over: ${link.where!.field} ${values}, not ${link.where!.in.join(' or ')}`, {
      parents: passedOver.map((p) => p.key),
    });
  }
  return result;
}

/**
 * One page of a derived stream: up to `pageSize` source records from the source stream's table, after
 * the last key of the page before, turned into rows. No request is made.
 */
export async function writeDerivedPage(
  def: StreamDef,
  at: PageAt,
  { destination, syncId, organization }: Pick<DependentPageContext, 'destination' | 'syncId' | 'organization'>,
): Promise<DependentPageResult> {
  const sources = await destination.readRows(tableSpec(getStream(def.derivedFrom!.stream)), { organization, after: at.page.cursor, limit: at.pageSize, records: true });
  const records = deriveRecords(def, sources.map((row) => row.record!));
  const written = await destination.writePage(await destination.prepare(tableSpec(def), records), syncId, organization);
  return { records: written, nextPage: nextAfter(sources, at.pageSize), bytes: 0 };
}
