import { ENVIRONMENTS, httpRequest, networkClient, productionTags, stackTrace } from './datasets/production-shape';
import { between, fixedDraws, pick, randomId, seededRandom, seededRandomAfter } from './random';

export const SERVICES = ['web', 'api', 'billing', 'auth', 'search', 'worker'];
const STATUSES = ['info', 'info', 'info', 'warn', 'error', 'debug'];
export const HOSTS = ['i-0a1b2c', 'i-0d4e5f', 'i-0a7b8c', 'i-09f8e7', 'k8s-node-1', 'k8s-node-2'];

export interface LogRecord {
  id: string;
  type: 'log';
  attributes: {
    timestamp: string;
    host: string;
    service: string;
    status: string;
    message: string;
    tags: string[];
    attributes: Record<string, unknown>;
  };
}

/** A record with its time as a number, kept sorted by (time, id): the order cursors walk. */
export interface Timed<R extends { id: string } = { id: string }> {
  ts: number;
  record: R;
}

export type StoredLog = Timed<LogRecord>;

export interface DashboardRecord {
  id: string;
  title: string;
  description: string | null;
  author_handle: string;
  created_at: string;
  modified_at: string;
  layout_type: 'ordered' | 'free';
  url: string;
  is_read_only: boolean;
}

/** Random draws one log takes, always: log number i can be made alone (`logAt`). */
export const DRAWS_PER_LOG = 400;

const LOGGERS = ['com.example.shop.http.AccessLog', 'com.example.shop.checkout.CheckoutService', 'app.worker.jobs', 'db.pool', 'cache.client'];
const VERSIONS = ['1.42.0', '1.42.1', '1.43.0', '2.0.3'];
/** Short messages with their details filled in; the few long ones are stack traces. */
function shortMessage(random: () => number, http: { method: string; url_details: { path: string }; status_code: number }, durationMs: number): string {
  const n = between(random, 1, 9999);
  return pick(random, [
    `${http.method} ${http.url_details.path} ${http.status_code} ${durationMs}ms`,
    `cache miss for key cart:${n}, fetching from upstream`,
    `retrying upstream call to inventory-service (attempt ${n % 5 + 1} of 5) after connection reset`,
    `user ${n} signed in via oauth2 provider google`,
    `job reindex-products finished: ${n} documents in ${durationMs} ms`,
    `slow query (${durationMs} ms): SELECT id, sku, price FROM items WHERE category_id = $1 ORDER BY price LIMIT 50`,
  ]);
}

/**
 * One log from the next DRAWS_PER_LOG draws of `random`, shaped like a production log after
 * Datadog's pipelines: the spec's `Log` (its id, and the `LogAttributes` fields) with 10–20 tags,
 * and custom attributes nested three and four levels (HTTP request, client network and GeoIP, trace,
 * logger, user), about 1.5 KB of JSON; about one log in thirty is an error with a stack trace.
 */
function drawLog(source: () => number, from: number, to: number): StoredLog {
  const { random, pad } = fixedDraws(source, DRAWS_PER_LOG);
  // The time first: logTimeAt reads only the first draw.
  const ts = from + Math.floor(random() * (to - from));
  const id = `AQAAA${randomId(random, 27)}`;
  const service = pick(random, SERVICES);
  const host = pick(random, HOSTS);
  const env = pick(random, ENVIRONMENTS);
  const version = pick(random, VERSIONS);
  const failed = random() < 1 / 30;
  const status = failed ? 'error' : pick(random, STATUSES);
  const http = httpRequest(random, `${service}.example.com`);
  const durationMs = between(random, 1, 5000);
  // Draws taken or not, the next log starts DRAWS_PER_LOG on: only a failure builds its stack.
  const stack = failed ? stackTrace(random) : undefined;
  const message = stack ?? shortMessage(random, http, durationMs);
  const traceId = String(between(random, 1e15, 9e15));
  const spanId = String(between(random, 1e15, 9e15));
  const userId = between(random, 1, 99999);
  const tags = productionTags(random, { service, env, host, version });
  const thread = `http-nio-8080-exec-${between(random, 1, 200)}`;
  const network = { ...networkClient(random), bytes_written: between(random, 200, 90_000) };
  const logger = { name: pick(random, LOGGERS), thread_name: thread, method_name: pick(random, ['handle', 'placeOrder', 'run', 'query']) };
  pad();
  return {
    ts,
    record: {
      id,
      type: 'log',
      attributes: {
        timestamp: new Date(ts).toISOString(),
        host,
        service,
        status,
        message,
        tags,
        attributes: {
          duration: durationMs * 1_000_000,
          http,
          network,
          dd: { trace_id: traceId, span_id: spanId, service, env, version },
          logger,
          usr: { id: String(userId), email: `user${userId}@example.com`, name: `User ${userId}` },
          ...(stack ? { error: { kind: stack.slice(0, stack.indexOf(':')), message: stack.slice(stack.indexOf(':') + 2, stack.indexOf('\n')), stack } } : {}),
        },
      },
    },
  };
}

/** `count` logs spread at random over [from, to), all derived from `seed`. */
export function generateLogs(seed: number, count: number, from: number, to: number): StoredLog[] {
  const random = seededRandom(seed);
  const logs: StoredLog[] = [];
  for (let i = 0; i < count; i++) logs.push(drawLog(random, from, to));
  return logs;
}

/** Log number `index` of `generateLogs(seed, count, from, to)`, made alone. */
export function logAt(seed: number, index: number, from: number, to: number): StoredLog {
  return drawLog(seededRandomAfter(seed, index * DRAWS_PER_LOG), from, to);
}

/** The time of log number `index` of `generateLogs(seed, count, from, to)`: its first draw only. */
export function logTimeAt(seed: number, index: number, from: number, to: number): number {
  return from + Math.floor(seededRandomAfter(seed, index * DRAWS_PER_LOG)() * (to - from));
}

export function compareTimed(a: Timed, b: Timed): number {
  return a.ts - b.ts || (a.record.id < b.record.id ? -1 : a.record.id > b.record.id ? 1 : 0);
}

export function generateDashboards(seed: number, count: number, now: number): DashboardRecord[] {
  const random = seededRandom(seed ^ 0x5eed);
  const lower = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from({ length: count }, (_, i) => {
    const id = `${randomId(random, 3, lower)}-${randomId(random, 3, lower)}-${randomId(random, 3, lower)}`;
    const created = now - Math.floor(random() * 365 * 86_400_000);
    return {
      id,
      title: `${pick(random, SERVICES)} overview ${i + 1}`,
      description: random() < 0.3 ? null : 'Generated by the Retriever simulator',
      author_handle: `${pick(random, ['ana', 'li', 'sam', 'kim'])}@example.com`,
      created_at: new Date(created).toISOString(),
      modified_at: new Date(created + Math.floor(random() * (now - created))).toISOString(),
      layout_type: random() < 0.5 ? 'ordered' : 'free',
      url: `/dashboard/${id}`,
      is_read_only: false,
    };
  });
}
