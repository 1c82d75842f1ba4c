/**
 * Infrastructure (containers, images, processes), synthetic test results, SLO corrections, logs
 * configuration and monitor configuration, as Datadog serves them: its paging, defaults, maxima
 * and the ends of lists its recorded responses show.
 */
import { processRecord, type RESULT_TYPES } from '../datasets/infra';
import { decodeCursor, encodeCursor, ok, Params, refuse, slice, type Route, type SimRequest } from '../http';

type Json = Record<string, unknown>;

const DAY = 86_400_000;
/** The largest page the containers, container-images and processes lists serve. */
const LIST_MAX_PAGE = 10_000;

/** Items carrying all of a comma list of tags (`filter[tags]`, `tags`). */
function taggedWith(tags: unknown, wanted: string | null): boolean {
  if (!wanted) return true;
  return wanted.split(',').every((tag) => (tags as string[]).includes(tag.trim()));
}

/** Parameters these endpoints document that the simulator does not model: a 400 saying so, not a silent ignore. */
function unmodelled(params: Params, ...names: string[]): void {
  for (const name of names) if (params.has(name)) params.problems.push(`${name} is not modelled by the simulator`);
}

interface Key {
  by: string;
  id: string;
}
const isKey = (c: unknown): c is Key => typeof c === 'object' && c !== null && typeof (c as Key).by === 'string' && typeof (c as Key).id === 'string';

/**
 * The containers and container-images lists: `page[size]` (1–10000, default 1000) and
 * `meta.pagination.next_cursor`, which follows the last item (sorted by `attribute`, then id).
 * A page never spans two shards, so a short page may come before more; the last non-empty page
 * still carries a cursor, and the page after it is `{"data": []}` with no `meta`, as recorded.
 */
function cursorList(items: (world: Parameters<Route>[0]) => Json[], attribute: string, shardOf: (item: Json) => string): Route {
  return (world, req) => {
    const params = new Params(req.query);
    const size = params.int('page[size]', 1000, { min: 1, max: LIST_MAX_PAGE });
    const raw = params.string('page[cursor]');
    const after = raw === null ? null : decodeCursor(raw, isKey);
    if (raw !== null && !after) params.problems.push('page[cursor] is not a valid cursor');
    unmodelled(params, 'group_by', 'sort');
    const problem = refuse(params);
    if (problem) return problem;
    const key = (item: Json): Key => ({ by: String((item.attributes as Json)[attribute]), id: String(item.id) });
    const follows = (item: Json) => {
      const k = key(item);
      return !after || k.by > after.by || (k.by === after.by && k.id > after.id);
    };
    const listed = items(world).filter((item) => taggedWith((item.attributes as Json).tags, params.string('filter[tags]')));
    const page: Json[] = [];
    for (const item of listed) {
      if (!follows(item)) continue;
      if (page.length > 0 && shardOf(item) !== shardOf(page[0])) break;
      page.push(item);
      if (page.length === size) break;
    }
    if (page.length === 0 && after) return ok({ data: [] });
    const next = page.length > 0 ? encodeCursor(key(page[page.length - 1])) : '';
    const link = (cursor: string | null) => `${req.baseUrl}${req.path}?${cursor ? `page[cursor]=${cursor}&` : ''}page[size]=${size}`;
    return ok({
      data: page,
      meta: { pagination: { cursor: raw ?? '', prev_cursor: null, next_cursor: next, limit: size, type: 'cursor_limit', total: listed.length } },
      links: { self: `${req.baseUrl}${req.path}?${req.query.toString()}`, first: link(null), next: next ? link(next) : null, last: null, prev: null },
    });
  };
}

/** The shard a container is listed from: the day it started. */
const containerShard = (c: Json) => String((c.attributes as Json).started_at).slice(0, 10);
/** The shard an image is listed from: its registry. */
const imageShard = (image: Json) => String((image.attributes as Json).registry);
/** The shard a process is listed from: a digit of its id. */
const processShard = (id: string) => id[8];

/** GET /api/v2/containers: containers running or stopped within 36 hours, shards by the day they started. */
export const listContainers: Route = cursorList((world) => world.infra.liveContainers(), 'started_at', containerShard);

/** GET /api/v2/container_images: images by name, shards by registry. */
export const listContainerImages: Route = cursorList((world) => world.infra.containerImages, 'name', imageShard);

/**
 * The fewest requests the sharded lists (containers, container_images, processes seen in
 * [from, to)) allow: since a page never spans two shards, a page per shard at the largest size, and
 * the empty page after the last. Undefined for any other stream.
 */
export function fewestShardedPages(world: Parameters<Route>[0], stream: string, window: { from: number; to: number }): number | undefined {
  const shards: Record<string, () => string[]> = {
    containers: () => world.infra.liveContainers().map(containerShard),
    container_images: () => world.infra.containerImages.map(imageShard),
    processes: () => world.infra.processesSeen(window.from, window.to).map(({ process }) => processShard(process.id)),
  };
  if (!shards[stream]) return undefined;
  const sizes = new Map<string, number>();
  for (const shard of shards[stream]()) sizes.set(shard, (sizes.get(shard) ?? 0) + 1);
  return [...sizes.values()].reduce((n, size) => n + Math.ceil(size / LIST_MAX_PAGE), 0) + 1;
}

const PROCESS_DEFAULT_SPAN_MS = 15 * 60_000;
const isProcessCursor = (c: unknown): c is { id: string } => typeof c === 'object' && c !== null && typeof (c as { id: string }).id === 'string';

/**
 * GET /api/v2/processes: processes seen in [`from`, `to`) (epoch seconds; either alone spans 15
 * minutes, neither is the last 15 minutes), each with the last time it was seen there (zone-less
 * UTC), within the 36 hours Datadog keeps them. `page[limit]` 1–10000 (default 1000) and
 * `meta.page.after`. A page never spans two shards, so short pages come before more; an empty
 * first page says `after: ""`, the empty page after the last is `{"data": []}`, as recorded.
 */
export const listProcesses: Route = (world, req) => {
  const params = new Params(req.query);
  const limit = params.int('page[limit]', 1000, { min: 1, max: LIST_MAX_PAGE });
  const fromRaw = params.seconds('from', false);
  const toRaw = params.seconds('to', false);
  const raw = params.string('page[cursor]');
  const after = raw === null ? null : decodeHexCursor(raw);
  if (raw !== null && !after) params.problems.push('page[cursor] is not a valid cursor');
  const now = world.clock();
  const to = toRaw ?? (fromRaw !== undefined ? fromRaw + PROCESS_DEFAULT_SPAN_MS : now);
  const from = fromRaw ?? to - PROCESS_DEFAULT_SPAN_MS;
  if (from > to) params.problems.push('from must not be after to');
  const problem = refuse(params);
  if (problem) return problem;
  const search = params.string('search');
  const listed = world.infra
    .processesSeen(from, to)
    .filter(({ process }) => (!search || process.cmdline.includes(search)) && taggedWith(process.tags, params.string('tags')));
  const page: Json[] = [];
  for (const { process, seen } of listed) {
    if (after && process.id <= after.id) continue;
    if (page.length > 0 && processShard(process.id) !== processShard(String(page[0].id))) break;
    page.push(processRecord(process, seen));
    if (page.length === limit) break;
  }
  if (page.length === 0) return ok(after ? { data: [] } : { meta: { page: { after: '', size: 0 } }, data: [] });
  return ok({ meta: { page: { after: encodeHexCursor({ id: String(page[page.length - 1].id) }), size: page.length } }, data: page });
};

function encodeHexCursor(value: { id: string }): string {
  return Buffer.from(JSON.stringify(value)).toString('hex');
}

function decodeHexCursor(raw: string): { id: string } | null {
  if (!/^([0-9a-f]{2})+$/.test(raw)) return null;
  return decodeCursor(Buffer.from(raw, 'hex').toString('base64url'), isProcessCursor);
}

/** The spec's "last 150 test results summaries". */
export const RESULTS_PER_CALL = 150;
/** Without `from_ts`, the results endpoint reaches back 60 days (recorded). */
const RESULTS_DEFAULT_SPAN_MS = 60 * DAY;

/**
 * GET /api/v1/synthetics/tests/{public_id}/results (API tests) and
 * /api/v1/synthetics/tests/browser/{public_id}/results (browser tests): the newest 150 results with
 * `from_ts` <= check_time <= `to_ts` (epoch ms), newest first. `last_timestamp_fetched` is how far
 * back the answer reached, cut to the second as recorded: the oldest result's time when 150 came
 * back, else `from_ts`. A test of another type is not served at that path (404, as for a test the
 * user does not own); mobile and network tests have no results path at all.
 */
export function syntheticResults(type: (typeof RESULT_TYPES)[number]): Route {
  return (world, req: SimRequest) => {
    const params = new Params(req.query);
    const now = world.clock();
    const toRaw = params.string('to_ts');
    const fromRaw = params.string('from_ts');
    const to = toRaw === null ? now : params.int('to_ts', now);
    const from = fromRaw === null ? now - RESULTS_DEFAULT_SPAN_MS : params.int('from_ts', 0);
    if (from > to) params.problems.push('from_ts must not be after to_ts');
    const problem = refuse(params);
    if (problem) return problem;
    const results = world.infra.results.get(req.params.public_id);
    if (!results || results.test.type !== type) return { status: 404, body: { errors: [`Synthetic ${type} test ${req.params.public_id} not found`] } };
    const locations = req.query.getAll('probe_dc');
    const page = results.newest(from, Math.min(to, now), RESULTS_PER_CALL, locations.length ? (r) => locations.includes(String(r.record.probe_dc)) : undefined);
    const reached = page.length === RESULTS_PER_CALL ? page[page.length - 1].checkTime : from;
    return ok({ last_timestamp_fetched: Math.floor(reached / 1000) * 1000, results: page.map((r) => r.record) });
  };
}

/** GET /api/v1/slo/correction: `offset` and `limit` (default 25; the spec states no maximum). */
export const listSloCorrections: Route = (world, req) => {
  const params = new Params(req.query);
  const offset = params.int('offset', 0);
  const limit = params.int('limit', 25, { min: 1 });
  const all = world.infra.sloCorrections;
  return refuse(params) ?? ok({ data: slice(all, offset, limit), meta: { page: { total_count: all.length, total_filtered_count: all.length } } });
};

/** GET /api/v1/logs/config/indexes: every index in one response. */
export const listLogIndexes: Route = (world) => ok({ indexes: world.infra.logIndexes });
/** GET /api/v1/logs/config/index-order: one object holding the index names in order. */
export const getLogIndexOrder: Route = (world) => ok({ index_names: world.infra.indexOrder });
/** GET /api/v1/logs/config/pipelines: a bare array of every pipeline, integration ones included. */
export const listLogPipelines: Route = (world) => ok(world.infra.pipelines);
/** GET /api/v1/logs/config/pipeline-order: one object holding the pipeline ids in order. */
export const getLogPipelineOrder: Route = (world) => ok({ pipeline_ids: world.infra.pipelineOrder });
/** GET /api/v2/logs/config/archives. */
export const listLogArchives: Route = (world) => ok({ data: world.infra.archives });
/** GET /api/v2/logs/config/metrics: every log-based metric in one response (383 recorded at once). */
export const listLogMetrics: Route = (world) => ok({ data: world.infra.logMetrics });
/** GET /api/v2/logs/config/custom-destinations. */
export const listLogCustomDestinations: Route = (world) => ok({ data: world.infra.customDestinations });

const RULE_SORT_FIELDS = ['name', 'created_at'];

/**
 * GET /api/v2/monitor/notification_rule: `page` from 0 (0–1000000) and `per_page` (1–1000, default
 * 100); `sort` (`name` or `created_at`, `:asc` or `:desc`); `filters` (JSON: `text`, `tags`,
 * `recipients`); `include=created_by`. The body is `{data}` only (no meta, no links): a short page
 * is the end. Times are `created_at`/`modified_at`, as recorded (the spec names `created`/`modified`).
 */
export const listNotificationRules: Route = (world, req) => {
  const params = new Params(req.query);
  const page = params.int('page', 0, { max: 1_000_000 });
  const perPage = params.int('per_page', 100, { min: 1, max: 1000 });
  const [field, direction = 'asc'] = (params.string('sort') ?? 'created_at:asc').split(':');
  if (!RULE_SORT_FIELDS.includes(field) || !['asc', 'desc'].includes(direction)) params.problems.push(`sort must be name or created_at, then :asc or :desc`);
  let filters: { text?: string; tags?: string[]; recipients?: string[] } = {};
  const rawFilters = params.string('filters');
  if (rawFilters !== null) {
    try {
      filters = JSON.parse(rawFilters) as typeof filters;
    } catch {
      // Not JSON: refused like any invalid parameter.
      params.problems.push('filters must be a JSON-encoded object');
    }
  }
  const include = params.string('include');
  if (include !== null && include !== 'created_by') params.problems.push('include supports only created_by');
  const problem = refuse(params);
  if (problem) return problem;
  const matches = (record: Json) => {
    const attributes = record.attributes as Json;
    const text = JSON.stringify(attributes);
    const tags = ((attributes.filter as { tags?: string[] }).tags ?? []) as string[];
    return (!filters.text || text.includes(filters.text)) && (!filters.tags?.length || filters.tags.some((t) => tags.includes(t))) && (!filters.recipients?.length || filters.recipients.some((r) => text.includes(r)));
  };
  const sorted = [...world.infra.notificationRules]
    .filter((rule) => matches(rule.record))
    .sort((a, b) => {
      const order = field === 'name' ? String((a.record.attributes as Json).name).localeCompare(String((b.record.attributes as Json).name)) : a.created - b.created;
      return (direction === 'asc' ? order : -order) || String(a.record.id).localeCompare(String(b.record.id));
    });
  const rules = slice(sorted, page * perPage, perPage);
  // Listed without relationships (as recorded) unless asked to include their creators.
  const data = rules.map(({ record }) => (include ? record : { type: record.type, id: record.id, attributes: record.attributes }));
  return ok(include ? { data, included: rules.map((r) => r.creator) } : { data });
};

/** GET /api/v2/monitor/policy: every monitor configuration policy in one response. */
export const listConfigPolicies: Route = (world) => ok({ data: world.infra.configPolicies });
