/** Security rules, findings, suppressions and filters; APM retention filters, span-based metrics and services. */
import { SERVICES } from '../../data';
import { between, pick, randomId, uuid } from '../../random';
import type { Json } from '../catalog';
import { DAY, ENVS, HEX, HOUR } from './values';

const LOWER = 'abcdefghijklmnopqrstuvwxyz0123456789';
const PEOPLE = ['ana', 'li', 'sam', 'kim'];

function lifetime(random: () => number, now: number): { created: number; modified: number } {
  const created = now - Math.floor(random() * 365 * DAY);
  return { created, modified: created + Math.floor(random() * (now - created)) };
}

export function generateRules(random: () => number, count: number, now: number): Json[] {
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

export function generateFindings(random: () => number, count: number, now: number): Json[] {
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

export function generateSuppressions(random: () => number, count: number, now: number): Json[] {
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

export function generateSecurityFilters(random: () => number, count: number): Json[] {
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

export function generateRetentionFilters(random: () => number, count: number, now: number): Json[] {
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

export function generateSpanMetrics(random: () => number, count: number): Json[] {
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

export function generateServices(random: () => number, count: number): { name: string; envs: string[]; traced: boolean; usm: boolean }[] {
  const names = new Set<string>();
  while (names.size < count) names.add(`${pick(random, ['web', 'api', 'billing', 'auth', 'search', 'worker', 'cart', 'orders'])}-${randomId(random, 4, LOWER)}`);
  return [...names].map((name) => ({ name, envs: random() < 0.7 ? ['prod', 'staging'] : ['staging'], traced: random() < 0.9, usm: random() < 0.3 }));
}

export function detectedAt(finding: Json): number {
  return Number(((finding.attributes as Json).attributes as { custom: { detection_changed_at: number } }).custom.detection_changed_at);
}
