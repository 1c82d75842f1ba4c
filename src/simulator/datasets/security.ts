/**
 * The security, CI Visibility, error tracking, APM configuration and DORA data of the simulated
 * organisation, in the shapes of Datadog's spec and recorded responses, all derived from the seed.
 */
import { HOSTS, SERVICES, compareTimed, type Timed } from '../data';
import { between, hashUnit, pick, randomId, seededRandom, uuid } from '../random';
import { TimedList, type SortedRecords } from '../search-records';
import type { SearchRecord } from './events';
import type { Json } from './catalog';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const HEX = '0123456789abcdef';
const LOWER = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ENVS = ['prod', 'prod', 'prod', 'staging'];
const TEAMS = ['backend', 'platform', 'payments', 'growth'];
const PEOPLE = ['ana', 'li', 'sam', 'kim'];
const iso = (ms: number) => new Date(ms).toISOString();
/** Epoch nanoseconds as CI Visibility writes them: a JSON number, with sub-millisecond digits. */
const nanos = (ms: number, random: () => number) => ms * 1e6 + between(random, 0, 999) * 1000;

/** Search-style streams: `filter[from]`/`filter[to]`, a cursor, at most 1000 a page. */
export const SECURITY_SEARCH_STREAMS = ['security_signals', 'ci_pipeline_events', 'ci_test_events'] as const;
export type SecuritySearchStream = (typeof SECURITY_SEARCH_STREAMS)[number];
/** The DORA lists: POST, a time filter, at most 1000 a call, no paging. */
export const DORA_STREAMS = ['dora_deployments', 'dora_failures'] as const;
export type DoraStream = (typeof DORA_STREAMS)[number];
/** Configuration lists, read whole. */
export const SECURITY_LIST_STREAMS = [
  'security_rules',
  'security_findings',
  'security_suppressions',
  'security_filters',
  'apm_retention_filters',
  'span_based_metrics',
  'apm_services',
] as const;
export type SecurityListStream = (typeof SECURITY_LIST_STREAMS)[number];
export type SecurityStream = SecuritySearchStream | DoraStream | SecurityListStream | 'error_tracking_issues';
export const SECURITY_STREAMS: readonly SecurityStream[] = [...SECURITY_SEARCH_STREAMS, ...DORA_STREAMS, ...SECURITY_LIST_STREAMS, 'error_tracking_issues'];

export interface SecurityWorldOptions {
  /** How many of each: events and issues spread over the world's time range, configuration objects. */
  counts?: Partial<Record<SecurityStream, number>>;
  /**
   * One request in this many to a CI Visibility list answers partial results (`meta.status: "timeout"`,
   * half the page and no cursor), as Datadog's search may when it runs out of time. Default: never.
   */
  ciPartialEvery?: number;
}

const DEFAULT_COUNTS: Record<SecurityStream, number> = {
  security_signals: 150,
  ci_pipeline_events: 200,
  ci_test_events: 200,
  dora_deployments: 120,
  dora_failures: 30,
  error_tracking_issues: 60,
  security_rules: 40,
  security_findings: 90,
  security_suppressions: 6,
  security_filters: 3,
  apm_retention_filters: 4,
  span_based_metrics: 5,
  apm_services: 12,
};

// ── Timed records ─────────────────────────────────────────────────────────────────────────

type Generator = (random: () => number, ts: number) => SearchRecord;

const SEARCH_GENERATORS: Record<SecuritySearchStream, Generator> = {
  security_signals: (random, ts) => {
    const host = pick(random, HOSTS);
    const source = pick(random, ['cloudtrail', 'runtime-security-agent', 'kubernetes.audit', 'route53']);
    const severity = pick(random, ['info', 'low', 'medium', 'high', 'critical']);
    const rule = pick(random, ['pam_modification', 'aws_root_login', 'suspicious_dns', 'kubectl_exec']);
    return {
      id: `AQAAAY${randomId(random, 50)}`,
      type: 'signal',
      attributes: {
        timestamp: iso(ts),
        message: `## Goal\nDetect ${rule.replace(/_/g, ' ')} on ${host}.`,
        tags: [`source:${source}`, `env:${pick(random, ENVS)}`, `rule_id:${rule}`, 'security:attack'],
        status: severity,
        host,
        service: [pick(random, SERVICES)],
        custom: {},
        attributes: { status: 'info', hostname: host, entities: [`host:${host}`], workflow: { triage: { state: pick(random, ['open', 'open', 'under_review', 'archived']) } } },
      },
    };
  },
  ci_pipeline_events: (random, ts) => {
    const level = pick(random, ['pipeline', 'stage', 'job', 'job', 'step']);
    const provider = pick(random, ['github', 'gitlab', 'circleci', 'jenkins']);
    const pipeline = pick(random, ['test_and_build', 'deploy', 'nightly', 'lint']);
    const status = pick(random, ['success', 'success', 'success', 'error', 'canceled']);
    return {
      id: `AgAAAYP${randomId(random, 60)}`,
      type: 'cipipeline',
      attributes: {
        ci_level: level,
        tags: ['source:apm', `ci_level:${level}`, `provider:${provider}`, `status:${status}`],
        attributes: {
          start: nanos(ts, random),
          duration: between(random, 5, 3_600) * 1e9,
          ci: { pipeline: { name: pipeline, id: uuid(random) }, provider: { name: provider }, job: { name: pick(random, ['unit', 'integration_tests', 'build']) }, status },
          git: { branch: pick(random, ['main', 'main', 'release/2.4', 'fix/retry']), commit: { sha: randomId(random, 40, HEX) }, repository_url: `https://github.com/example/${pick(random, SERVICES)}.git` },
        },
      },
    };
  },
  ci_test_events: (random, ts) => {
    const level = pick(random, ['session', 'module', 'suite', 'test', 'test', 'test']);
    const service = `${pick(random, SERVICES)}-tests`;
    const status = pick(random, ['pass', 'pass', 'pass', 'fail', 'skip']);
    return {
      id: `AQAAAYP7${randomId(random, 50)}`,
      type: 'citest',
      attributes: {
        test_level: level,
        tags: ['source:apm', `test_level:${level}`, `service:${service}`, `status:${status}`],
        attributes: {
          start: nanos(ts, random),
          duration: between(random, 1, 90_000) * 1e6,
          service,
          test: { name: `handles case ${between(random, 1, 400)}`, suite: `${service}/spec/${pick(random, ['cart', 'auth', 'search'])}.test.ts`, status, framework: pick(random, ['jest', 'pytest', 'junit']) },
          ci: { pipeline: { id: String(between(random, 10_000_000, 19_999_999)) }, provider: { name: pick(random, ['gitlab', 'github']) } },
        },
      },
    };
  },
};

const DORA_GENERATORS: Record<DoraStream, (random: () => number, ts: number) => Json & { id: string }> = {
  dora_deployments: (random, ts) => {
    const service = pick(random, SERVICES);
    return {
      id: randomId(random, 16, HEX),
      type: 'dora_deployment',
      attributes: {
        service,
        env: pick(random, ['production', 'production', 'staging']),
        team: pick(random, TEAMS),
        version: `v${between(random, 1, 3)}.${between(random, 0, 20)}.${between(random, 0, 9)}`,
        // Whole seconds, as deployment events are sent: exact as JSON numbers in nanoseconds.
        started_at: ts * 1e6,
        finished_at: (ts + between(random, 10, 900) * 1000) * 1e6,
        git: { commit_sha: randomId(random, 40, HEX), repository_id: `github.com/example/${service}` },
        custom_tags: [`department:${pick(random, ['engineering', 'platform'])}`, `region:${pick(random, ['us-east-1', 'eu-west-1'])}`],
      },
    };
  },
  dora_failures: (random, ts) => {
    const service = pick(random, SERVICES);
    return {
      id: randomId(random, 16, HEX),
      type: 'dora_failure',
      attributes: {
        name: `${pick(random, ['Database outage', 'Elevated 5xx', 'Checkout latency', 'Queue backlog'])} on ${service}`,
        severity: pick(random, ['SEV-1', 'SEV-2', 'SEV-2', 'SEV-3', 'SEV-4']),
        services: [service],
        env: 'production',
        team: pick(random, TEAMS),
        version: `v${between(random, 1, 3)}.${between(random, 0, 20)}.${between(random, 0, 9)}`,
        started_at: ts * 1e6,
        finished_at: (ts + between(random, 5, 600) * MINUTE) * 1e6,
        git: { commit_sha: randomId(random, 40, HEX), repository_url: `https://github.com/example/${service}` },
        custom_tags: [`incident_type:${pick(random, ['database', 'network', 'deploy'])}`],
      },
    };
  },
};

function spread<T>(seed: number, count: number, from: number, to: number, make: (random: () => number, ts: number) => T, step = 1): Timed<T & { id: string }>[] {
  const random = seededRandom(seed);
  const out: Timed<T & { id: string }>[] = [];
  for (let i = 0; i < count; i++) {
    const ts = Math.floor((from + random() * (to - from)) / step) * step;
    out.push({ ts, record: make(random, ts) as T & { id: string } });
  }
  return out;
}

// ── Error Tracking ────────────────────────────────────────────────────────────────────────

/** An issue and the times of its errors (sorted): it matches a window when it had an error in it. */
export interface StoredIssue {
  id: string;
  track: 'trace' | 'logs' | 'rum';
  attributes: Json & { service: string; platform: string };
  errors: number[];
  sessions: number;
}

const ERRORS = [
  { error_type: 'builtins.TypeError', error_message: "object of type 'NoneType' has no len()", language: 'PYTHON', file: '/app/conduit/apps/core/utils.py', fn: 'filter_forbidden_tags' },
  { error_type: 'java.lang.NullPointerException', error_message: 'Cannot invoke "Order.total()" because "order" is null', language: 'JAVA', file: 'src/main/java/shop/Checkout.java', fn: 'Checkout.submit' },
  { error_type: '*errors.errorString', error_message: 'context deadline exceeded', language: 'GO', file: 'internal/search/client.go', fn: 'search.(*Client).Query' },
  { error_type: 'TypeError', error_message: "Cannot read properties of undefined (reading 'items')", language: 'JAVASCRIPT', file: 'src/cart/CartView.tsx', fn: 'renderCart' },
  { error_type: 'ActiveRecord::RecordNotFound', error_message: "Couldn't find User with 'id'=0", language: 'RUBY', file: 'app/controllers/users_controller.rb', fn: 'UsersController#show' },
];

/**
 * `count` issues over [from, to): most burst for minutes to hours and stop; about one in seven keeps
 * failing every hour or so across the whole range (and began long before it), so it is in every window.
 */
function generateIssues(seed: number, count: number, from: number, to: number): StoredIssue[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => issue(random, from, to));
}

function issue(random: () => number, from: number, to: number): StoredIssue {
  const track = pick(random, ['trace', 'trace', 'logs', 'rum'] as const);
  const template = pick(random, ERRORS);
  const platform = track === 'rum' ? pick(random, ['BROWSER', 'BROWSER', 'IOS', 'ANDROID']) : 'BACKEND';
  const errors: number[] = [];
  if (random() < 0.15) {
    const gap = between(random, 20, 180) * MINUTE;
    for (let t = from - between(random, 1, 30) * DAY + between(random, 0, gap); t < to; t += gap) errors.push(t);
  } else {
    const start = from + Math.floor(random() * (to - from));
    const span = between(random, 5, 8 * 60) * MINUTE;
    const n = between(random, 1, 25);
    for (let k = 0; k < n; k++) errors.push(start + Math.floor(random() * span));
    errors.sort((a, b) => a - b);
  }
  const version = () => randomId(random, 8, HEX);
  return {
    id: uuid(random),
    track,
    errors,
    sessions: between(random, 0, 40),
    attributes: {
      error_type: template.error_type,
      error_message: template.error_message,
      file_path: template.file,
      function_name: template.fn,
      service: `${pick(random, SERVICES)}${track === 'rum' ? '-web' : ''}`,
      platform,
      languages: [track === 'rum' ? 'JAVASCRIPT' : template.language],
      state: pick(random, ['OPEN', 'OPEN', 'OPEN', 'ACKNOWLEDGED', 'RESOLVED', 'IGNORED']),
      first_seen_version: version(),
      last_seen_version: version(),
      is_crash: random() < 0.05,
    },
  };
}

/** First index whose value is at least `t` (errors are sorted). */
function firstAtLeast(sorted: number[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// ── Configuration lists ───────────────────────────────────────────────────────────────────

function lifetime(random: () => number, now: number): { created: number; modified: number } {
  const created = now - Math.floor(random() * 365 * DAY);
  return { created, modified: created + Math.floor(random() * (now - created)) };
}

function generateRules(random: () => number, count: number, now: number): Json[] {
  return Array.from({ length: count }, (_, i) => {
    const builtIn = random() < 0.8;
    const type = pick(random, ['log_detection', 'log_detection', 'cloud_configuration', 'workload_security', 'application_security']);
    const source = pick(random, ['cloudtrail', 'okta', 'kubernetes.audit', 'gcp.audit', 'azure.activity_logs']);
    const { created, modified } = lifetime(random, now);
    const severity = pick(random, ['info', 'low', 'medium', 'high', 'critical']);
    return {
      id: builtIn ? `def-${String(i).padStart(3, '0')}-${randomId(random, 3, LOWER)}` : `${randomId(random, 3, LOWER)}-${randomId(random, 3, LOWER)}-${randomId(random, 3, LOWER)}`,
      version: between(random, 1, 9),
      name: `${pick(random, ['Anomalous', 'Repeated', 'Unusual', 'Public'])} ${pick(random, ['console login', 'API key use', 'bucket access', 'pod exec'])} (${source}) ${i + 1}`,
      createdAt: created,
      updatedAt: modified,
      creationAuthorId: builtIn ? 0 : between(random, 1_000, 9_999),
      isDefault: builtIn,
      isEnabled: random() < 0.7,
      isDeleted: false,
      hasExtendedTitle: random() < 0.5,
      message: `Investigate the ${source} activity and escalate if it is not expected.`,
      queries: [{ query: `source:${source} @evt.outcome:failure`, aggregation: 'count', dataSource: 'logs', distinctFields: [], groupByFields: ['@usr.id'], name: 'a' }],
      cases: [{ name: '', status: severity, condition: 'a > 5', notifications: [] }],
      options: { detectionMethod: 'threshold', evaluationWindow: 300, keepAlive: 3600, maxSignalDuration: 86400 },
      filters: [],
      type,
      tags: [`source:${source}`, `security:${pick(random, ['attack', 'compliance'])}`],
      defaultTags: builtIn ? [`source:${source}`] : [],
    };
  });
}

function generateFindings(random: () => number, count: number, now: number): Json[] {
  return Array.from({ length: count }, () => {
    const resource = pick(random, ['host', 'aws_s3_bucket', 'aws_iam_role', 'gcp_compute_instance', 'kubernetes_pod']);
    const detected = now - Math.floor(random() * 60 * DAY);
    const kind = pick(random, ['misconfiguration', 'misconfiguration', 'library_vulnerability', 'identity_risk']);
    return {
      id: Buffer.from(`${randomId(random, 3, LOWER)}-${randomId(random, 3, LOWER)}-${randomId(random, 3, LOWER)}~${randomId(random, 18, HEX)}`).toString('base64'),
      type: 'finding',
      attributes: {
        // Epoch milliseconds, as Datadog sends it (the spec's example reads as seconds).
        timestamp: detected,
        tags: [`env:${pick(random, ENVS)}`, 'scored:true', `resource_type:${resource}`],
        attributes: {
          custom: {
            status: pick(random, ['open', 'open', 'muted', 'resolved']),
            severity: pick(random, ['critical', 'high', 'medium', 'low', 'info']),
            finding_type: kind,
            resource_type: resource,
            resource_id: `${resource === 'host' ? 'i-' : ''}${randomId(random, 17, HEX)}`,
            title: pick(random, ['Uninstall bind package', 'S3 bucket allows public read', 'Role has unused admin permissions', 'OpenSSL is vulnerable']),
            detection_changed_at: detected,
            first_seen_at: detected - between(random, 0, 30) * DAY,
            last_seen_at: now - between(random, 0, 3) * HOUR,
            rule: { id: `def-000-${randomId(random, 3, LOWER)}`, name: 'Compliance rule', type: kind === 'misconfiguration' ? 'cloud_configuration' : 'application_security', version: 1 },
          },
        },
      },
    };
  });
}

function generateSuppressions(random: () => number, count: number, now: number): Json[] {
  return Array.from({ length: count }, (_, i) => {
    const { created, modified } = lifetime(random, now);
    const who = pick(random, PEOPLE);
    const source = pick(random, ['cloudtrail', 'okta', 'kubernetes.audit']);
    return {
      id: `${randomId(random, 3, LOWER)}-${randomId(random, 3, LOWER)}-${randomId(random, 3, LOWER)}`,
      type: 'suppressions',
      attributes: {
        name: `Ignore ${pick(random, ['staging', 'CI account', 'break-glass role'])} ${i + 1}`,
        description: 'Known and expected activity.',
        enabled: random() < 0.8,
        editable: true,
        rule_query: `source:${source}`,
        suppression_query: `env:${pick(random, ['staging', 'test', 'ci'])}`,
        data_exclusion_query: '',
        start_date: created,
        ...(random() < 0.5 ? { expiration_date: modified + 90 * DAY } : {}),
        creation_date: created,
        update_date: modified,
        creator: { handle: `${who}@example.com`, name: who },
        updater: { handle: `${who}@example.com`, name: who },
        tags: [`source:${source}`],
        version: between(random, 1, 4),
      },
    };
  });
}

function generateSecurityFilters(random: () => number, count: number): Json[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${randomId(random, 3, LOWER)}-${randomId(random, 3, LOWER)}-${randomId(random, 3, LOWER)}`,
    type: 'security_filters',
    attributes: {
      name: i === 0 ? 'Default security filter' : `Custom security filter ${i}`,
      query: i === 0 ? '*' : `service:${pick(random, SERVICES)}`,
      is_enabled: true,
      is_builtin: i === 0,
      filtered_data_type: 'logs',
      exclusion_filters: i === 0 ? [] : [{ name: 'Exclude staging', query: 'env:staging' }],
      version: between(random, 1, 5),
    },
  }));
}

function generateRetentionFilters(random: () => number, count: number, now: number): Json[] {
  return Array.from({ length: count }, (_, i) => {
    const { created, modified } = lifetime(random, now);
    const who = uuid(random);
    const kind = i === 0 ? 'spans-errors-sampling-processor' : i === 1 ? 'spans-appsec-sampling-processor' : 'spans-sampling-processor';
    return {
      id: randomId(random, 22, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-'),
      type: 'apm_retention_filter',
      attributes: {
        name: kind === 'spans-sampling-processor' ? `Keep ${pick(random, SERVICES)} spans ${i}` : kind === 'spans-errors-sampling-processor' ? 'Error Default' : 'Application Security',
        enabled: true,
        editable: kind === 'spans-sampling-processor',
        execution_order: i + 1,
        filter: { query: kind === 'spans-sampling-processor' ? `@_top_level:1 service:${pick(random, SERVICES)}` : '*' },
        filter_type: kind,
        rate: pick(random, [0.1, 0.5, 0.9, 1]),
        trace_rate: pick(random, [0, 0.25, 1]),
        // Epoch seconds.
        created_at: Math.floor(created / 1000),
        modified_at: Math.floor(modified / 1000),
        created_by: who,
        modified_by: who,
      },
    };
  });
}

function generateSpanMetrics(random: () => number, count: number): Json[] {
  return Array.from({ length: count }, (_, i) => {
    const distribution = random() < 0.5;
    return {
      id: `apm.${pick(random, SERVICES)}.${pick(random, ['requests', 'latency', 'errors'])}_${i}`,
      type: 'spans_metrics',
      attributes: {
        compute: distribution ? { aggregation_type: 'distribution', path: '@duration', include_percentiles: random() < 0.5 } : { aggregation_type: 'count' },
        filter: { query: `@http.status_code:${pick(random, ['200', '5*', '4*'])} service:${pick(random, SERVICES)}` },
        group_by: [{ path: 'resource_name', tag_name: 'resource_name' }],
      },
    };
  });
}

function generateServices(random: () => number, count: number): { name: string; envs: string[]; traced: boolean; usm: boolean }[] {
  const names = new Set<string>();
  while (names.size < count) names.add(`${pick(random, ['web', 'api', 'billing', 'auth', 'search', 'worker', 'cart', 'orders'])}-${randomId(random, 4, LOWER)}`);
  return [...names].map((name) => ({ name, envs: random() < 0.7 ? ['prod', 'staging'] : ['staging'], traced: random() < 0.9, usm: random() < 0.3 }));
}

// ── The family's data, as the World holds it ──────────────────────────────────────────────

/** Records with `{id}` and a time, sorted by (time, id). */
type TimedJson = Timed<Json & { id: string }>;

export class SecurityWorld {
  private readonly search: Record<SecuritySearchStream, SortedRecords>;
  private readonly dora: Record<DoraStream, TimedJson[]>;
  private issues: StoredIssue[];
  readonly rules: Json[];
  readonly findings: Json[];
  readonly suppressions: Json[];
  readonly securityFilters: Json[];
  readonly retentionFilters: Json[];
  readonly spanMetrics: Json[];
  readonly services: { name: string; envs: string[]; traced: boolean; usm: boolean }[];
  private readonly ciPartialEvery?: number;
  private ciAnswers = 0;
  private nextSeed: number;

  constructor(
    seed: number,
    private readonly clock: () => number,
    range: { from: number; to: number },
    options: SecurityWorldOptions = {},
  ) {
    const count = (stream: SecurityStream) => options.counts?.[stream] ?? DEFAULT_COUNTS[stream];
    const now = clock();
    this.ciPartialEvery = options.ciPartialEvery;
    this.search = { security_signals: new TimedList([]), ci_pipeline_events: new TimedList([]), ci_test_events: new TimedList([]) };
    SECURITY_SEARCH_STREAMS.forEach((stream, i) => {
      this.search[stream] = new TimedList(spread(seed * 37 + i + 1, count(stream), range.from, range.to, SEARCH_GENERATORS[stream]).sort(compareTimed));
    });
    this.dora = { dora_deployments: [], dora_failures: [] };
    DORA_STREAMS.forEach((stream, i) => {
      this.dora[stream] = spread(seed * 41 + i + 1, count(stream), range.from, range.to, DORA_GENERATORS[stream], 1000).sort(compareTimed);
    });
    this.issues = generateIssues(seed * 43 + 1, count('error_tracking_issues'), range.from, range.to);
    const random = seededRandom(seed ^ 0x5ec);
    this.rules = generateRules(random, count('security_rules'), now);
    this.findings = generateFindings(random, count('security_findings'), now).sort((a, b) => detectedAt(b) - detectedAt(a));
    this.suppressions = generateSuppressions(random, count('security_suppressions'), now);
    this.securityFilters = generateSecurityFilters(random, count('security_filters'));
    this.retentionFilters = generateRetentionFilters(random, count('apm_retention_filters'), now);
    this.spanMetrics = generateSpanMetrics(random, count('span_based_metrics'));
    this.services = generateServices(random, count('apm_services'));
    this.nextSeed = seed * 47 + 2_000_003;
  }

  /** A search stream's records by position, and the end of what is visible now (the search route pages through them). */
  searchIndex(stream: SecuritySearchStream): { records: SortedRecords; visibleBefore: number } {
    return { records: this.search[stream], visibleBefore: this.clock() + 1 };
  }

  /** Whether this answer of a CI Visibility list is to be a partial one (`ciPartialEvery`). */
  ciAnswerIsPartial(): boolean {
    return this.ciPartialEvery !== undefined && ++this.ciAnswers % this.ciPartialEvery === 0;
  }

  /** DORA events whose `started_at` is in [from, to) and not in the future, in time order. */
  doraBetween(stream: DoraStream, from: number, to: number): (Json & { id: string })[] {
    const end = Math.min(to, this.clock() + 1);
    return this.dora[stream].filter((r) => r.ts >= from && r.ts < end).map((r) => r.record);
  }

  /** The issues with at least one error in [from, to) (errors not yet happened are not seen), with their errors in it. */
  issuesBetween(from: number, to: number): { issue: StoredIssue; count: number }[] {
    const end = Math.min(to, this.clock() + 1);
    const out: { issue: StoredIssue; count: number }[] = [];
    for (const issue of this.issues) {
      const count = firstAtLeast(issue.errors, end) - firstAtLeast(issue.errors, from);
      if (count > 0) out.push({ issue, count });
    }
    return out;
  }

  /** The `Issue` resource as the search endpoint includes it: first and last error seen so far. */
  issueResource(issue: StoredIssue): Json {
    const seen = issue.errors.slice(0, firstAtLeast(issue.errors, this.clock() + 1));
    return {
      id: issue.id,
      type: 'issue',
      attributes: { ...issue.attributes, first_seen: seen[0], last_seen: seen[seen.length - 1] },
    };
  }

  /**
   * Adds records as if Datadog had just received them, with times in [from, to): events, DORA events,
   * or new issues with errors there. Returns their ids.
   */
  add(stream: SecuritySearchStream | DoraStream | 'error_tracking_issues', count: number, from: number, to: number): string[] {
    const seed = this.nextSeed++;
    if (stream === 'error_tracking_issues') {
      const random = seededRandom(seed);
      const added = Array.from({ length: count }, () => {
        const made = issue(random, from, to);
        // Errors only inside [from, to): a late or a new issue, not a long-lived one.
        made.errors = made.errors.filter((t) => t >= from && t < to);
        if (made.errors.length === 0) made.errors = [from + Math.floor(random() * (to - from))];
        return made;
      });
      this.issues = [...this.issues, ...added];
      return added.map((i) => i.id);
    }
    if (stream === 'dora_deployments' || stream === 'dora_failures') {
      const added = spread(seed, count, from, to, DORA_GENERATORS[stream], 1000);
      this.dora[stream] = [...this.dora[stream], ...added].sort(compareTimed);
      return added.map((r) => r.record.id);
    }
    const added = spread(seed, count, from, to, SEARCH_GENERATORS[stream]);
    this.search[stream] = new TimedList([...this.search[stream].all(), ...added].sort(compareTimed));
    return added.map((r) => r.record.id);
  }

  /** The service list for `filter[env]` (`*`: every environment). */
  servicesIn(env: string): { name: string; traced: boolean; usm: boolean }[] {
    return this.services.filter((s) => env === '*' || s.envs.includes(env));
  }

  /** The ids a correct sync of `stream` holds (sorted as strings); for timed streams, of [window.from, window.to). */
  groundTruth(stream: SecurityStream, window: { from: number; to: number } = { from: 0, to: Number.MAX_SAFE_INTEGER }): string[] {
    const ids = (items: Json[]) => items.map((item) => String(item.id)).sort();
    switch (stream) {
      case 'security_signals':
      case 'ci_pipeline_events':
      case 'ci_test_events': {
        const { records, visibleBefore } = this.searchIndex(stream);
        const out: string[] = [];
        for (let i = 0; i < records.length; i++) if (records.time(i) >= window.from && records.time(i) < Math.min(window.to, visibleBefore)) out.push(records.id(i));
        return out.sort();
      }
      case 'dora_deployments':
      case 'dora_failures':
        return ids(this.doraBetween(stream, window.from, window.to));
      case 'error_tracking_issues':
        return this.issuesBetween(window.from, window.to).map((m) => m.issue.id).sort();
      case 'security_rules':
        return ids(this.rules);
      case 'security_findings':
        return ids(this.findings);
      case 'security_suppressions':
        return ids(this.suppressions);
      case 'security_filters':
        return ids(this.securityFilters);
      case 'apm_retention_filters':
        return ids(this.retentionFilters);
      case 'span_based_metrics':
        return ids(this.spanMetrics);
      case 'apm_services':
        return this.servicesIn('*').map((s) => s.name).sort();
    }
  }
}

function detectedAt(finding: Json): number {
  return Number(((finding.attributes as Json).attributes as { custom: { detection_changed_at: number } }).custom.detection_changed_at);
}

/** A stable number in [0, 1) for an issue: its priority, for `order_by: PRIORITY`. */
export function issuePriority(issue: StoredIssue): number {
  return hashUnit(issue.id);
}
