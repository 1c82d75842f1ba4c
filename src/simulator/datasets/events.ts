/** Timestamped records of the v2 search family besides logs: audit events, events, RUM events, spans. */
import { HOSTS, SERVICES, type Timed } from '../data';
import { between, fixedDraws, pick, randomId, seededRandom, seededRandomAfter } from '../random';
import { ENVIRONMENTS, hex, httpRequest, networkClient, productionTags } from './production-shape';

export interface SearchRecord {
  id: string;
  type: string;
  attributes: Record<string, unknown> & { tags: string[] };
}

/** The search streams the simulator holds besides logs, each with its own record generator. */
export const SEARCH_DATASETS = ['audit_logs', 'events', 'rum_events', 'spans'] as const;
export type SearchDataset = (typeof SEARCH_DATASETS)[number];

type Generator = (random: () => number, ts: number) => SearchRecord;

const iso = (ms: number) => new Date(ms).toISOString();
const VERSIONS = ['1.42.0', '1.43.0', '2.0.3'];
const PEOPLE = ['ana', 'li', 'sam', 'kim'];

/** Who did it, as Datadog writes a user on audit and RUM events. */
function user(random: () => number) {
  const who = pick(random, PEOPLE);
  const n = between(random, 1, 9999);
  return { id: `${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-a${hex(random, 3)}-${hex(random, 12)}`, email: `${who}${n}@example.com`, name: `${who[0].toUpperCase()}${who.slice(1)} ${n}` };
}

/**
 * Each dataset's records as production data looks, modelled on the spec's examples (`AuditLogsEvent`,
 * `EventResponse`, `RUMEvent`, `Span`) with the tags and standard attributes (HTTP, network and GeoIP,
 * user) of the logs (production-shape.ts): about 1–2 KB of JSON, nested three or four levels.
 */
const GENERATORS: Record<SearchDataset, Generator> = {
  audit_logs: (random, ts) => {
    const action = pick(random, ['dashboard.modified', 'monitor.created', 'user.login', 'api_key.read', 'role.modified']);
    const actor = user(random);
    const service = pick(random, ['dashboard', 'monitor', 'authentication', 'api', 'rbac']);
    const [asset, verb] = action.split('.');
    const assetId = hex(random, 12);
    return {
      id: `AQAAAZ${randomId(random, 26)}`,
      type: 'audit',
      attributes: {
        timestamp: iso(ts),
        service,
        message: `${actor.email} ${verb} ${asset} ${assetId}`,
        tags: [...productionTags(random, { service, env: 'prod', host: 'datadog', version: 'v2' }).slice(0, 10), 'source:audit', `action:${action}`],
        attributes: {
          evt: { name: asset, category: pick(random, ['Request', 'Authentication', 'Resource']), actor: { type: 'USER' }, outcome: pick(random, ['success', 'success', 'error']) },
          usr: { ...actor, handle: actor.email },
          http: httpRequest(random, 'app.datadoghq.com'),
          network: networkClient(random),
          asset: { type: asset, id: assetId, name: `${pick(random, SERVICES)} ${asset} ${between(random, 1, 99)}`, new_value: { title: `${asset} ${assetId}`, widgets: between(random, 1, 30) } },
          action: verb,
          org: { uuid: '8dee7c38-0000-4000-8000-000000000000', name: 'Example Org' },
        },
      },
    };
  },
  events: (random, ts) => {
    const service = pick(random, SERVICES);
    const env = pick(random, ENVIRONMENTS);
    const host = pick(random, HOSTS);
    const status = pick(random, ['info', 'info', 'warning', 'error', 'success'] as const);
    const title = `${pick(random, ['Deploy of', 'Restart of', 'Config change in', 'Alert on'])} ${service}`;
    const version = pick(random, VERSIONS);
    const monitorId = between(random, 1_000_000, 9_999_999);
    return {
      id: `AAAAAZ${randomId(random, 30)}`,
      type: 'event',
      attributes: {
        timestamp: iso(ts),
        message: `%%%\n### ${title} (${status})\n${service} ${version} on ${host}: ${pick(random, ['rollout finished', 'pods restarted', 'threshold crossed for 5 minutes'])}.\n\n[Monitor](https://app.datadoghq.com/monitors/${monitorId}) · [Dashboard](https://app.datadoghq.com/dashboard/abc-def-ghi)\n%%%`,
        tags: productionTags(random, { service, env, host, version }),
        attributes: {
          timestamp: ts,
          title,
          status,
          priority: random() < 0.8 ? 'normal' : 'low',
          service,
          hostname: host,
          source_type_name: pick(random, ['my_apps', 'kubernetes', 'github']),
          aggregation_key: randomId(random, 12),
          evt: { id: String(between(random, 1e9, 9e9)), source_id: between(random, 1, 300), type: 'change' },
          monitor: { id: monitorId, name: `${service} latency`, query: `avg(last_5m):avg:trace.http.request.duration{service:${service},env:${env}} > 2`, groups: [`host:${host}`], transition: { source_state: 'OK', destination_state: 'Alert' } },
          deployment: { version, previous_version: pick(random, VERSIONS), git: { commit_sha: hex(random, 40), repository_url: `github.com/example/${service}` } },
        },
      },
    };
  },
  rum_events: (random, ts) => {
    const kind = pick(random, ['view', 'view', 'action', 'error', 'resource']);
    const service = pick(random, ['shop-web', 'shop-ios', 'admin-web']);
    const env = pick(random, ENVIRONMENTS);
    const version = pick(random, VERSIONS);
    const path = pick(random, ['', 'cart', 'checkout', 'item/42']);
    const agent = httpRequest(random, 'shop.example.com');
    const { client } = networkClient(random);
    return {
      id: `AgAAAZ${randomId(random, 26)}`,
      type: 'rum',
      attributes: {
        timestamp: iso(ts),
        service,
        tags: productionTags(random, { service, env, host: 'browser', version }),
        attributes: {
          type: kind,
          application: { id: 'a1b2c3d4-0000-4000-8000-00000000a11c', name: service },
          session: { id: `${hex(random, 8)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 12)}`, type: 'user', has_replay: random() < 0.2 },
          view: {
            id: hex(random, 32),
            url: `https://shop.example.com/${path}`,
            url_details: { host: 'shop.example.com', path: `/${path}`, scheme: 'https' },
            referrer: agent.referer,
            loading_time: between(random, 50, 4000) * 1e6,
            largest_contentful_paint: between(random, 100, 6000) * 1e6,
            first_input_delay: between(random, 1, 300) * 1e6,
            cumulative_layout_shift: Math.round(random() * 1000) / 1000,
          },
          usr: user(random),
          geo: client.geoip,
          device: { type: agent.useragent_details.device.category, brand: agent.useragent_details.device.family },
          os: agent.useragent_details.os,
          browser: agent.useragent_details.browser,
          connectivity: { status: 'connected', interfaces: [pick(random, ['wifi', 'cellular', 'ethernet'])], effective_type: pick(random, ['4g', '3g']) },
          _dd: { format_version: 2, session: { plan: 2 }, browser_sdk_version: '5.35.0' },
        },
      },
    };
  },
  spans: (random, ts) => {
    const service = pick(random, SERVICES);
    const env = pick(random, ENVIRONMENTS);
    const host = pick(random, HOSTS);
    const version = pick(random, VERSIONS);
    const duration = between(random, 1, 2500);
    const resource = pick(random, ['GET /api/items', 'POST /api/cart', 'SELECT items', 'redis.get', 'GET /health']);
    return {
      id: `AAAAAW${randomId(random, 30)}`,
      type: 'spans',
      attributes: {
        span_id: String(between(random, 1e15, 9e15)),
        trace_id: String(between(random, 1e15, 9e15)),
        parent_id: random() < 0.3 ? '0' : String(between(random, 1e15, 9e15)),
        start_timestamp: iso(ts),
        end_timestamp: iso(ts + duration),
        service,
        env,
        host,
        resource_name: resource,
        resource_hash: hex(random, 16),
        type: pick(random, ['web', 'db', 'cache']),
        ingestion_reason: 'rule',
        retained_by: 'retention_filter',
        single_span: false,
        tags: productionTags(random, { service, env, host, version }),
        attributes: {
          http: httpRequest(random, `${service}.example.com`),
          network: networkClient(random),
          db: { system: 'postgresql', instance: 'shop', statement: 'SELECT id, sku, price FROM items WHERE category_id = ? ORDER BY price LIMIT ?', row_count: between(random, 0, 50) },
          peer: { service: pick(random, ['postgres', 'redis', 'inventory-service']), hostname: pick(random, HOSTS) },
          language: pick(random, ['jvm', 'python', 'go']),
          process_id: between(random, 1, 65535),
          _dd: { base_service: service, measured: 1, top_level: 1 },
        },
        custom: { duration: duration * 1e6, version },
      },
    };
  },
};

/** Random draws one record of any dataset takes, always: record number i can be made alone (`searchRecordAt`). */
export const DRAWS_PER_RECORD = 400;

/** One record from the next DRAWS_PER_RECORD draws of `source`; its time is the first. */
function drawRecord(dataset: SearchDataset, source: () => number, from: number, to: number): Timed<SearchRecord> {
  const { random, pad } = fixedDraws(source, DRAWS_PER_RECORD);
  const ts = from + Math.floor(random() * (to - from));
  const record = GENERATORS[dataset](random, ts);
  pad();
  return { ts, record };
}

/** `count` records of one dataset spread at random over [from, to), all derived from `seed`. */
export function generateSearchRecords(dataset: SearchDataset, seed: number, count: number, from: number, to: number): Timed<SearchRecord>[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => drawRecord(dataset, random, from, to));
}

/** Record number `index` of `generateSearchRecords(dataset, seed, count, from, to)`, made alone. */
export function searchRecordAt(dataset: SearchDataset, seed: number, index: number, from: number, to: number): Timed<SearchRecord> {
  return drawRecord(dataset, seededRandomAfter(seed, index * DRAWS_PER_RECORD), from, to);
}

/** The time of that record: its first draw only. */
export function searchRecordTimeAt(seed: number, index: number, from: number, to: number): number {
  return from + Math.floor(seededRandomAfter(seed, index * DRAWS_PER_RECORD)() * (to - from));
}
