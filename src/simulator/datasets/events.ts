/** Timestamped records of the v2 search family besides logs: audit events, events, RUM events, spans. */
import { HOSTS, SERVICES, type Timed } from '../data';
import { between, pick, randomId, seededRandom } from '../random';

export interface SearchRecord {
  id: string;
  type: string;
  attributes: Record<string, unknown> & { tags: string[] };
}

/** The search streams the simulator holds besides logs, each with its own record generator. */
export const SEARCH_DATASETS = ['audit_logs', 'events', 'rum_events', 'spans'] as const;
export type SearchDataset = (typeof SEARCH_DATASETS)[number];

type Generator = (random: () => number, ts: number) => SearchRecord;

const ENVS = ['prod', 'prod', 'prod', 'staging'];
const iso = (ms: number) => new Date(ms).toISOString();

const GENERATORS: Record<SearchDataset, Generator> = {
  audit_logs: (random, ts) => {
    const action = pick(random, ['dashboard.modified', 'monitor.created', 'user.login', 'api_key.read', 'role.modified']);
    const user = `${pick(random, ['ana', 'li', 'sam', 'kim'])}@example.com`;
    return {
      id: `AQAAAZ${randomId(random, 26)}`,
      type: 'audit',
      attributes: {
        timestamp: iso(ts),
        service: pick(random, ['dashboard', 'monitor', 'authentication', 'api', 'rbac']),
        message: `${user} ${action}`,
        tags: [`source:audit`, `action:${action}`],
        attributes: { evt: { name: action.split('.')[0], actor: { type: 'USER' } }, usr: { email: user } },
      },
    };
  },
  events: (random, ts) => {
    const service = pick(random, SERVICES);
    const status = pick(random, ['info', 'info', 'warning', 'error', 'success'] as const);
    const title = `${pick(random, ['Deploy of', 'Restart of', 'Config change in', 'Alert on'])} ${service}`;
    return {
      id: `AAAAAZ${randomId(random, 30)}`,
      type: 'event',
      attributes: {
        timestamp: iso(ts),
        message: `${title} (${status})`,
        tags: [`service:${service}`, `env:${pick(random, ENVS)}`],
        attributes: {
          timestamp: ts,
          title,
          status,
          priority: random() < 0.8 ? 'normal' : 'low',
          service,
          hostname: pick(random, HOSTS),
          source_type_name: pick(random, ['my_apps', 'kubernetes', 'github']),
          aggregation_key: randomId(random, 12),
          evt: { id: String(between(random, 1e9, 9e9)), source_id: between(random, 1, 300), type: 'change' },
        },
      },
    };
  },
  rum_events: (random, ts) => {
    const kind = pick(random, ['view', 'view', 'action', 'error', 'resource']);
    const service = pick(random, ['shop-web', 'shop-ios', 'admin-web']);
    return {
      id: `AgAAAZ${randomId(random, 26)}`,
      type: 'rum',
      attributes: {
        timestamp: iso(ts),
        service,
        tags: [`service:${service}`, `env:${pick(random, ENVS)}`, `type:${kind}`],
        attributes: {
          type: kind,
          application: { id: 'a1b2c3d4-0000-4000-8000-00000000a11c' },
          session: { id: randomId(random, 16), type: 'user' },
          view: { url: `https://shop.example.com/${pick(random, ['', 'cart', 'checkout', 'item/42'])}`, loading_time: between(random, 50, 4000) * 1e6 },
        },
      },
    };
  },
  spans: (random, ts) => {
    const service = pick(random, SERVICES);
    const env = pick(random, ENVS);
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
        host: pick(random, HOSTS),
        resource_name: resource,
        resource_hash: randomId(random, 16, '0123456789abcdef'),
        type: pick(random, ['web', 'db', 'cache']),
        ingestion_reason: 'rule',
        retained_by: 'retention_filter',
        single_span: false,
        tags: [`service:${service}`, `env:${env}`],
        attributes: { http: { status_code: String(pick(random, [200, 200, 201, 404, 500])) } },
        custom: { duration: duration * 1e6 },
      },
    };
  },
};

/** `count` records of one dataset spread at random over [from, to), all derived from `seed`. */
export function generateSearchRecords(dataset: SearchDataset, seed: number, count: number, from: number, to: number): Timed<SearchRecord>[] {
  const random = seededRandom(seed);
  const out: Timed<SearchRecord>[] = [];
  for (let i = 0; i < count; i++) {
    const ts = from + Math.floor(random() * (to - from));
    out.push({ ts, record: GENERATORS[dataset](random, ts) });
  }
  return out;
}
