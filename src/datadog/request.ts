import { pageParams, type PageState } from './pagination';
import { parseUtcTime, startOfHour, startOfMonth } from '../shared/calendar';
import { getPath, setPath } from '../shared/json';
import type { StreamDef, TimeUnit } from './streams/types';

export interface Window {
  /** Epoch milliseconds, inclusive. */
  from: number;
  /** Epoch milliseconds, exclusive. */
  to: number;
}

export interface ApiRequest {
  method: 'GET' | 'POST';
  path: string;
  query: Record<string, string>;
  body?: Record<string, unknown>;
}

export interface PageRequestInput {
  window?: Window;
  page: PageState;
  pageSize: number;
  /** Epoch ms: what a stream with `since` sends as that parameter, fixed once per sync (`sinceFor`). */
  since?: number;
  /** The per-stream search query, for streams that take one. */
  query?: string;
  /** Values for the `{name}` placeholders of the path (a dependent stream's parent id). */
  pathParams?: Record<string, string>;
  /** A stream with a fan-out: the values it reads, one per request (`page.value` says which). */
  fanOutValues?: readonly string[];
  /** The path to fill instead of the row's, when the parent picks another (`parentPath`). */
  pathTemplate?: string;
}

const NS_PER_MS = 1_000_000n;

export function formatTime(ms: number, unit: TimeUnit): string {
  switch (unit) {
    case 'iso':
      return new Date(ms).toISOString();
    case 'ms':
      return String(ms);
    case 's':
      return String(Math.floor(ms / 1000));
    case 'hour':
      return new Date(startOfHour(ms)).toISOString();
    case 'month':
      return new Date(startOfMonth(ms)).toISOString();
    case 'ns':
      // Beyond 2^53: exact only as a BigInt.
      return String(BigInt(Math.floor(ms)) * NS_PER_MS);
  }
}

/**
 * Reads a record's time (epoch ms) in the unit the stream states; NaN when it is not one. An ISO
 * time without a zone is UTC, as Datadog means it (processes, containers), not the worker's local
 * time, which is how `Date.parse` would read it.
 */
export function parseTime(value: unknown, unit: TimeUnit): number {
  if (unit === 'iso' || unit === 'hour' || unit === 'month') return typeof value === 'string' ? parseUtcTime(value) : NaN;
  if (unit === 'ns') {
    // A digit string is exact; a JSON number this large has already lost its last digits, which are
    // well below a millisecond.
    if (typeof value === 'string' && /^\d+$/.test(value)) return Number(BigInt(value) / NS_PER_MS);
    return typeof value === 'number' && Number.isFinite(value) ? Math.floor(value / 1e6) : NaN;
  }
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  return unit === 's' ? n * 1000 : n;
}

function fillPath(def: StreamDef, values: Record<string, string> = {}, template = def.path): string {
  const path = template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined || value === '') throw new Error(`${def.name}: no value for {${name}} in ${template}`);
    return encodeURIComponent(value);
  });
  return path;
}

/**
 * The path a dependent stream reads for one parent record: the row's, or the one its `parent.paths`
 * gives for the parent's value; null when `parent.where` passes the parent over.
 */
export function parentPath(def: StreamDef, parent: Record<string, unknown>): string | null {
  const link = def.parent;
  if (!link) return def.path;
  if (link.where && !link.where.in.includes(String(getPath(parent, link.where.field)))) return null;
  if (!link.paths) return def.path;
  return link.paths.byValue[String(getPath(parent, link.paths.field))] ?? def.path;
}

/** The time a stream with `since` asks from, for a sync that reads "now" as `now` (epoch ms). */
export function sinceFor(def: StreamDef, now: number): number | undefined {
  return def.since ? now - def.since.lookbackMs : undefined;
}

/** Builds the HTTP request for one page of a stream: the one place request parameters are assembled. */
export function buildPageRequest(def: StreamDef, input: PageRequestInput): ApiRequest {
  // A GET sends everything in its query string; a POST sends its fixed `params` there and the rest in its body.
  const params: Record<string, unknown> = def.method === 'GET' ? { ...def.params, ...def.body } : { ...def.body };
  if (def.window) {
    // Never leave the time filter out: several endpoints (audit logs among them) then read only the last 15 minutes.
    if (!input.window) throw new Error(`${def.name}: an incremental stream needs a time window for every request`);
    const write = (ms: number) => (def.window!.numeric ? Number(formatTime(ms, def.window!.unit)) : formatTime(ms, def.window!.unit));
    params[def.window.fromParam] = write(input.window.from);
    // An inclusive end names the unit holding the window's last instant: [March, April) is end_month=March.
    params[def.window.toParam] = write(def.window.inclusiveTo ? input.window.to - 1 : input.window.to);
    if (def.window.sort) params[def.window.sort.param] = def.window.sort.value;
  }
  if (def.since) {
    // Left out, the endpoint would list only recent items and the refresh would drop the others.
    if (input.since === undefined) throw new Error(`${def.name}: needs its "${def.since.param}" time (planned once per sync) for every request`);
    params[def.since.param] = formatTime(input.since, def.since.unit);
  }
  if (def.queryParam && input.query) params[def.queryParam] = input.query;
  if (def.fanOut) {
    const value = input.fanOutValues?.[input.page.value ?? 0];
    if (value === undefined) throw new Error(`${def.name}: needs a "${def.fanOut.param}" value for every request (stream_options.${def.name}.${def.fanOut.option})`);
    params[def.fanOut.param] = value;
  }
  Object.assign(params, pageParams(def.pagination, input.page, input.pageSize));
  const path = fillPath(def, input.pathParams, input.pathTemplate);

  if (def.method === 'GET') {
    const query = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));
    return { method: 'GET', path, query };
  }
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) setPath(body, key, value);
  return { method: 'POST', path, query: { ...def.params }, body };
}
