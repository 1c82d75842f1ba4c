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
  // Names Datadog does not document are the API's family names.
  '/api/v2/containers': 'containers',
  '/api/v2/container_images': 'container_images',
  '/api/v2/processes': 'processes',
  '/api/v1/synthetics/tests/{public_id}/results': 'synthetics',
  '/api/v1/synthetics/tests/browser/{public_id}/results': 'synthetics',
  '/api/v1/slo/correction': 'slo',
  '/api/v1/logs/config/indexes': 'logs_config',
  '/api/v1/logs/config/index-order': 'logs_config',
  '/api/v1/logs/config/pipelines': 'logs_config',
  '/api/v1/logs/config/pipeline-order': 'logs_config',
  '/api/v2/logs/config/archives': 'logs_config',
  '/api/v2/logs/config/metrics': 'logs_config',
  '/api/v2/logs/config/custom-destinations': 'logs_config',
  '/api/v2/monitor/notification_rule': 'monitors',
  '/api/v2/monitor/policy': 'monitors',
  '/api/v2/catalog/entity': 'software_catalog',
  '/api/v2/catalog/relation': 'software_catalog',
  '/api/v2/services/definitions': 'software_catalog',
  '/api/v2/cases': 'case_management',
  '/api/v2/cases/projects': 'case_management',
  '/api/v2/scorecard/rules': 'scorecards',
  '/api/v2/scorecard/outcomes': 'scorecards',
  '/api/v2/statuspages': 'status_pages',
  '/api/v2/statuspages/degradations': 'status_pages',
  '/api/v2/statuspages/maintenances': 'status_pages',
  '/api/v2/rum/applications': 'rum_config',
  '/api/v2/rum/config/metrics': 'rum_config',
  '/api/v2/powerpacks': 'powerpacks',
  '/api/v2/usage/hourly_usage': 'usage_metering',
  '/api/v1/usage/summary': 'usage_metering',
  '/api/v2/usage/estimated_cost': 'usage_metering',
  '/api/v2/usage/historical_cost': 'usage_metering',
  '/api/v2/usage/projected_cost': 'usage_metering',
  '/api/v2/cost_by_tag/monthly_cost_attribution': 'usage_metering',
  '/api/v1/usage/hourly-attribution': 'usage_metering',
  '/api/v2/cost_by_tag/active_billing_dimensions': 'usage_metering',
  '/api/v2/cost/aws_cur_config': 'cloud_cost_management',
  '/api/v2/cost/azure_uc_config': 'cloud_cost_management',
  '/api/v2/cost/gcp_uc_config': 'cloud_cost_management',
  '/api/v2/cost/custom_costs': 'cloud_cost_management',
  '/api/v2/cost/budgets': 'cloud_cost_management',
  // Named after their families: Datadog's names for these buckets are not recorded.
  '/api/v2/security_monitoring/signals': 'security_monitoring',
  '/api/v2/security_monitoring/rules': 'security_monitoring',
  '/api/v2/security/findings': 'security_monitoring',
  '/api/v2/security_monitoring/configuration/suppressions': 'security_monitoring',
  '/api/v2/security_monitoring/configuration/security_filters': 'security_monitoring',
  '/api/v2/ci/pipelines/events': 'ci_visibility',
  '/api/v2/ci/tests/events': 'ci_visibility',
  '/api/v2/error-tracking/issues/search': 'error_tracking',
  '/api/v2/apm/config/retention-filters': 'apm_config',
  '/api/v2/apm/config/metrics': 'apm_config',
  '/api/v2/apm/services': 'apm_config',
  '/api/v2/dora/deployments': 'dora_metrics',
  '/api/v2/dora/failures': 'dora_metrics',
  // The inventory's endpoints; Datadog's own bucket names for them are not documented.
  '/api/v1/dashboard/{dashboard_id}': 'dashboards',
  '/api/v1/metrics/{metric_name}': 'metrics_metadata',
  '/api/v1/org': 'org_management',
  '/api/v2/api_keys': 'api_keys',
  '/api/v2/application_keys': 'application_keys',
  '/api/v2/authn_mappings': 'authn_mappings',
  '/api/v2/integration/aws/accounts': 'integrations',
  '/api/v2/integration/gcp/accounts': 'integrations',
  '/api/v1/integration/azure': 'integrations',
  '/api/v2/integrations': 'integrations',
  '/api/v2/ndm/devices': 'ndm',
  '/api/v1/tags/hosts': 'host_tags',
  '/api/v1/synthetics/locations': 'synthetics',
  '/api/v2/reference-tables/tables': 'reference_tables',
  '/api/v2/obs-pipelines/pipelines': 'observability_pipelines',
  '/api/v2/sensitive-data-scanner/config': 'sensitive_data_scanner',
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
  /** Paths with `{name}` placeholders (one per parent record), as patterns. */
  private readonly templates: { pattern: RegExp; bucket: string }[];
  private readonly now: () => number;

  constructor(private readonly options: RateLimitOptions = {}) {
    this.paths = { ...BUCKET_BY_PATH, ...options.paths };
    this.templates = Object.entries(this.paths)
      .filter(([path]) => path.includes('{'))
      .map(([path, bucket]) => ({ pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`), bucket }));
    this.now = options.now ?? Date.now;
  }

  bucketFor(path: string): string {
    return this.paths[path] ?? this.templates.find((t) => t.pattern.test(path))?.bucket ?? DEFAULT_BUCKET;
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
