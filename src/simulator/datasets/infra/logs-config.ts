/** The logs configuration: indexes, pipelines, archives, log-based metrics and custom destinations. */
import { SERVICES } from '../../data';
import { pick, randomId, seededRandom, uuid } from '../../random';
import type { Json } from './shared';

const INDEX_NAMES = ['main', 'payments', 'web', 'security', 'debug-sampled', 'audit', 'flex-archive', 'mobile'];

export function generateLogIndexes(seed: number, count: number): Json[] {
  const random = seededRandom(seed ^ 0x1d);
  return Array.from({ length: count }, (_, i) => {
    const name = i < INDEX_NAMES.length ? INDEX_NAMES[i] : `team-${i}`;
    const limited = random() < 0.6;
    return {
      name,
      filter: { query: i === 0 ? '*' : `service:${pick(random, SERVICES)}` },
      num_retention_days: pick(random, [3, 7, 15, 30]),
      ...(random() < 0.3 ? { num_flex_logs_retention_days: pick(random, [90, 180, 360]) } : {}),
      ...(limited
        ? {
            daily_limit: pick(random, [10_000_000, 300_000_000, 1_000_000_000]),
            daily_limit_reset: { reset_time: '14:00', reset_utc_offset: '+00:00' },
            daily_limit_warning_threshold_percentage: pick(random, [70, 80, 90]),
          }
        : {}),
      exclusion_filters: random() < 0.5 ? [{ name: 'drop debug', is_enabled: true, filter: { query: 'status:debug', sample_rate: 1.0 } }] : [],
      is_rate_limited: false,
      tags: [`team:${pick(random, ['core', 'platform'])}`],
    };
  });
}

export function generatePipelines(seed: number, count: number): Json[] {
  const random = seededRandom(seed ^ 0x1e);
  return Array.from({ length: count }, (_, i) => {
    const integration = i < 2;
    const source = integration ? ['nginx', 'python'][i] : pick(random, SERVICES);
    return {
      id: randomId(random, 22),
      type: 'pipeline',
      name: integration ? source[0].toUpperCase() + source.slice(1) : `${source} parsing ${i}`,
      is_enabled: random() < 0.9,
      is_read_only: integration,
      filter: { query: `source:${source}` },
      description: integration ? '' : `Parses ${source} logs`,
      tags: [],
      processors: [
        {
          type: 'grok-parser',
          name: `Parsing ${source} logs`,
          is_enabled: true,
          source: 'message',
          samples: [],
          grok: { support_rules: '', match_rules: `rule %{date("yyyy-MM-dd HH:mm:ss"):date} %{word:level} %{data:msg}` },
        },
        { type: 'date-remapper', name: 'Define `date` as the official date', is_enabled: true, sources: ['date'] },
        { type: 'status-remapper', name: 'Define `level` as the status', is_enabled: true, sources: ['level'] },
      ],
    };
  });
}

export function generateArchives(seed: number, count: number): Json[] {
  const random = seededRandom(seed ^ 0x1a);
  return Array.from({ length: count }, (_, i) => {
    const kind = ['s3', 'gcs', 'azure'][i % 3];
    const destination =
      kind === 's3'
        ? { type: 's3', bucket: `acme-logs-${i}`, path: '/archive', storage_class: 'STANDARD_IA', integration: { account_id: '123456789012', role_name: 'DatadogLogsArchive' }, encryption: { type: 'SSE_S3' } }
        : kind === 'gcs'
          ? { type: 'gcs', bucket: `acme-logs-${i}`, path: '/archive', integration: { client_email: 'archiver@acme-prod.iam.gserviceaccount.com', project_id: 'acme-prod' } }
          : { type: 'azure', container: 'logs', storage_account: 'acmelogs', path: '/archive', integration: { client_id: uuid(random), tenant_id: uuid(random) } };
    return {
      type: 'archives',
      id: randomId(random, 22),
      attributes: {
        name: `${pick(random, SERVICES)} archive ${i + 1}`,
        query: `service:${pick(random, SERVICES)}`,
        destination,
        include_tags: random() < 0.5,
        rehydration_tags: ['team:intake'],
        rehydration_max_scan_size_in_gb: random() < 0.5 ? 100 : null,
        state: pick(random, ['WORKING', 'WORKING', 'FAILING', 'UNKNOWN']),
      },
    };
  });
}

export function generateLogMetrics(seed: number, count: number): Json[] {
  const random = seededRandom(seed ^ 0x1b);
  const names = new Set<string>();
  while (names.size < count) names.add(`logs.${pick(random, SERVICES)}.${pick(random, ['errors', 'requests', 'latency', 'bytes'])}.${randomId(random, 4, 'abcdefghijklmnopqrstuvwxyz')}`);
  return [...names].map((id) => {
    const distribution = id.includes('latency');
    return {
      type: 'logs_metrics',
      id,
      attributes: {
        compute: distribution ? { aggregation_type: 'distribution', include_percentiles: true, path: '@duration' } : { aggregation_type: 'count' },
        filter: { query: `service:${id.split('.')[1]}` },
        group_by: random() < 0.5 ? [{ path: '@http.status_code', tag_name: 'status_code' }] : [],
      },
    };
  });
}

export function generateCustomDestinations(seed: number, count: number): Json[] {
  const random = seededRandom(seed ^ 0x1f);
  return Array.from({ length: count }, (_, i) => {
    const forwarder_destination = [
      { type: 'http', endpoint: 'https://logs.example.com/intake', auth: { type: 'basic' } },
      { type: 'http', endpoint: 'https://collector.example.com', auth: { type: 'custom_header', header_name: 'X-Collector-Token' } },
      { type: 'splunk_hec', endpoint: 'https://splunk.example.com:8088', sourcetype: null },
      // The response never carries the credentials; Elasticsearch's `auth` comes back empty.
      { type: 'elasticsearch', endpoint: 'https://es.example.com', index_name: 'nginx-logs', index_rotation: 'yyyy-MM-dd', auth: {} },
    ][i % 4];
    const allow = random() < 0.5;
    return {
      type: 'custom_destination',
      id: uuid(random),
      attributes: {
        name: `Forward ${pick(random, SERVICES)} logs ${i + 1}`,
        query: `source:${pick(random, ['nginx', 'python', 'java'])}`,
        enabled: random() < 0.8,
        forwarder_destination,
        forward_tags_restriction_list_type: allow ? 'ALLOW_LIST' : 'BLOCK_LIST',
        forward_tags_restriction_list: allow ? ['env', 'service'] : ['host'],
        forward_tags: random() < 0.7,
      },
    };
  });
}
