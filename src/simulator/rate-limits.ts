/**
 * Datadog-style rate limits for the simulator: per-bucket counters over calendar-aligned periods,
 * the `X-RateLimit-*` headers on every response, and 429s once a bucket is spent.
 */

export interface BucketLimit {
  /** Requests allowed per period. */
  limit: number;
  /** Period length in seconds; periods start at multiples of it since the epoch, as Datadog's do. */
  period: number;
  /**
   * Requests other clients of the organisation spend at the start of each period, cycled by period
   * number: `[limit, limit, 0]` leaves the bucket empty two periods out of three (a 429 storm).
   */
  othersPerPeriod?: number[];
}

export interface RateLimitOptions {
  /** Limits by bucket name (see `BUCKET_BY_PATH`); buckets not named here get `default`. */
  buckets?: Record<string, BucketLimit>;
  default?: BucketLimit;
  /** Path → bucket assignments added to (or overriding) `BUCKET_BY_PATH`. */
  paths?: Record<string, string>;
  /** Body of a 429: Datadog's `{"errors": [...]}`, or the HTML page it sometimes sends instead. */
  body?: 'json' | 'html';
  /** The clock periods are counted on (tests may pin it). */
  now?: () => number;
}

/**
 * Which bucket each endpoint counts against: one per endpoint family, as Datadog's `X-RateLimit-Name`
 * names them (Datadog says several APIs may share one bucket; here a list endpoint and its search
 * twin share one, and so do the endpoints of one product). The names are the simulator's own;
 * `{name}` stands for one path segment.
 */
export const BUCKET_BY_PATH: Readonly<Record<string, string>> = {
  '/api/v1/dashboard': 'dashboards',
  '/api/v1/dashboard/lists/manual': 'dashboards',
  '/api/v1/monitor': 'monitors',
  '/api/v2/downtime': 'downtimes',
  '/api/v1/synthetics/tests': 'synthetics',
  '/api/v1/synthetics/variables': 'synthetics',
  '/api/v1/notebooks': 'notebooks',
  '/api/v1/slo': 'slo',
  '/api/v1/slo/{slo_id}/history': 'slo',
  '/api/v1/hosts': 'hosts',
  '/api/v2/metrics': 'metrics_list',
  '/api/v2/incidents': 'incidents',
  '/api/v2/team': 'teams',
  '/api/v2/users': 'users',
  '/api/v2/current_user': 'users',
  '/api/v2/roles': 'roles',
  '/api/v2/permissions': 'roles',
  '/api/v2/logs/events': 'logs_list',
  '/api/v2/logs/events/search': 'logs_list',
  '/api/v2/spans/events': 'spans_list',
  '/api/v2/spans/events/search': 'spans_list',
  '/api/v2/rum/events': 'rum_list',
  '/api/v2/rum/events/search': 'rum_list',
  '/api/v2/audit/events': 'audit_list',
  '/api/v2/audit/events/search': 'audit_list',
  '/api/v2/events': 'events_list',
  '/api/v2/events/search': 'events_list',
  '/api/v1/query': 'metrics_query',
  '/api/v2/query/timeseries': 'metrics_query',
  '/api/v1/validate': 'validate',
};

/** Every other path. */
export const DEFAULT_BUCKET = 'api';

/** Generous enough that nothing is limited unless a test or benchmark asks for it. */
export const DEFAULT_LIMIT: BucketLimit = { limit: 100_000, period: 60 };

/**
 * Requests an hour per organisation, by bucket, where Datadog documents them (the logs and spans
 * search: 300; timeseries queries: 1600); the rest of the search family is taken to be like logs,
 * and every other bucket to allow `OTHER_HOURLY_LIMIT`.
 */
export const DATADOG_HOURLY_LIMITS: Readonly<Record<string, number>> = {
  logs_list: 300,
  spans_list: 300,
  rum_list: 300,
  audit_list: 300,
  events_list: 300,
  metrics_query: 1600,
};
export const OTHER_HOURLY_LIMIT = 600;

/**
 * Datadog's limits with time compressed: each bucket's hourly budget every 100 s, in periods of
 * 10 s (300 an hour becomes 30 per 10 s), so a benchmark of a whole organisation takes minutes, not
 * hours, and every bucket keeps its share of the others' pace.
 */
export function datadogLikeLimits(period = 10): RateLimitOptions {
  const per = (hourly: number) => ({ limit: Math.round((hourly * period) / 100), period });
  return {
    buckets: Object.fromEntries(Object.entries(DATADOG_HOURLY_LIMITS).map(([bucket, hourly]) => [bucket, per(hourly)])),
    default: per(OTHER_HOURLY_LIMIT),
  };
}

/** What the limiter decided for one request, for the response headers and the request log. */
export interface RateLimitDecision {
  bucket: string;
  limit: number;
  period: number;
  /** Left in the period after this request. */
  remaining: number;
  /** Whole seconds until the period ends, rounded up so waiting that long always reaches the next period. */
  reset: number;
  /** Start of the period this request fell in (epoch ms). */
  periodStart: number;
  /** Over the limit: the request is answered with a 429 and not counted. */
  limited: boolean;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

export class RateLimiter {
  private readonly used = new Map<string, { periodStart: number; count: number }>();
  private readonly paths: Record<string, string>;
  private readonly now: () => number;

  /** Paths with `{name}` segments, as patterns. */
  private readonly templates: [RegExp, string][];

  constructor(private readonly options: RateLimitOptions = {}) {
    this.paths = { ...BUCKET_BY_PATH, ...options.paths };
    this.now = options.now ?? Date.now;
    this.templates = Object.entries(this.paths)
      .filter(([path]) => path.includes('{'))
      .map(([path, bucket]) => [new RegExp(`^${path.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')).join('[^/]+')}$`), bucket]);
  }

  bucketFor(path: string): string {
    return this.paths[path] ?? this.templates.find(([pattern]) => pattern.test(path))?.[1] ?? DEFAULT_BUCKET;
  }

  limitOf(bucket: string): BucketLimit {
    return this.options.buckets?.[bucket] ?? this.options.default ?? DEFAULT_LIMIT;
  }

  /** Counts one request against its path's bucket, unless the bucket is already spent. */
  take(path: string): RateLimitDecision {
    const bucket = this.bucketFor(path);
    const { limit, period, othersPerPeriod } = this.limitOf(bucket);
    const now = this.now();
    const periodMs = period * 1000;
    const periodStart = Math.floor(now / periodMs) * periodMs;
    let state = this.used.get(bucket);
    if (!state || state.periodStart !== periodStart) {
      const others = othersPerPeriod?.length ? othersPerPeriod[Math.floor(periodStart / periodMs) % othersPerPeriod.length] : 0;
      state = { periodStart, count: Math.min(limit, others) };
      this.used.set(bucket, state);
    }
    const limited = state.count >= limit;
    if (!limited) state.count++;
    const reset = Math.max(1, Math.ceil((periodStart + periodMs - now) / 1000));
    return { bucket, limit, period, remaining: limit - state.count, reset, periodStart, limited };
  }

  /** Datadog's rate-limit headers, sent with every answer. */
  static headers(decision: RateLimitDecision): Record<string, string> {
    return {
      'x-ratelimit-limit': String(decision.limit),
      'x-ratelimit-period': String(decision.period),
      'x-ratelimit-remaining': String(decision.remaining),
      'x-ratelimit-reset': String(decision.reset),
      'x-ratelimit-name': decision.bucket,
    };
  }

  /** The 429 for a spent bucket. */
  tooManyRequests(decision: RateLimitDecision): RawResponse {
    const headers = RateLimiter.headers(decision);
    if (this.options.body === 'html') {
      return {
        status: 429,
        headers: { ...headers, 'content-type': 'text/html' },
        text: '<html><head><title>429 Too Many Requests</title></head><body><h1>429 Too Many Requests</h1></body></html>',
      };
    }
    return { status: 429, headers: { ...headers, 'content-type': 'application/json' }, text: JSON.stringify({ errors: ['Too many requests'] }) };
  }
}
