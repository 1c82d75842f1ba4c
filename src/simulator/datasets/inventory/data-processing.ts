/** Synthetic locations, reference tables, observability pipelines and Sensitive Data Scanner groups and rules. */
import { SERVICES } from '../../data';
import { between, pick, randomId, uuid } from '../../random';
import type { Json } from '../catalog';
import { HEX, iso, type Draw } from './draw';

/** The public locations every organisation sees in `GET /api/v1/synthetics/locations`. */
const PUBLIC_LOCATIONS: [string, string][] = [
  ['aws:eu-west-3', 'Paris (AWS)'],
  ['aws:us-east-2', 'Ohio (AWS)'],
  ['aws:ap-northeast-1', 'Tokyo (AWS)'],
  ['azure:eastus', 'Virginia (Azure)'],
  ['gcp:europe-west3', 'Frankfurt (GCP)'],
  ['aws:eu-central-1', 'Frankfurt (AWS)'],
];

/** The public locations, then the organisation's private ones. */
export function generateLocations({ random, size }: Draw): Json[] {
  const privates = Array.from({ length: size('synthetic_private_locations') }, (_, i) => ({
    id: `pl:${pick(random, ['office', 'datacenter', 'vpc'])}-${i + 1}-${randomId(random, 32, HEX)}`,
    name: `Private location ${i + 1}`,
  }));
  return [...PUBLIC_LOCATIONS.map(([id, name]) => ({ id, name })), ...privates];
}

export function generateReferenceTables({ random, size, ago, userId }: Draw): Json[] {
  return Array.from({ length: size('reference_tables') }, (_, i) => {
    const source = pick(random, ['LOCAL_FILE', 'S3', 'GCS', 'AZURE']);
    const updated = ago(0, 300);
    return {
      id: uuid(random),
      type: 'reference_table',
      attributes: {
        table_name: `${pick(random, ['users', 'hosts', 'owners', 'regions', 'prices'])}_${i + 1}`,
        description: 'Enrichment table',
        source,
        status: pick(random, ['DONE', 'DONE', 'PROCESSING', 'ERROR']),
        row_count: between(random, 0, 50_000),
        schema: { fields: [{ name: 'id', type: 'STRING' }, { name: 'value', type: 'INT32' }], primary_keys: ['id'] },
        file_metadata:
          source === 'S3'
            ? { sync_enabled: true, access_details: { aws_detail: { aws_account_id: '123456789000', aws_bucket_name: 'example-data-bucket', file_path: `reference-tables/table-${i + 1}.csv` } } }
            : { sync_enabled: false },
        tags: [],
        created_by: userId(),
        last_updated_by: userId(),
        updated_at: iso(updated),
      },
    };
  });
}

export function generatePipelines({ random, size }: Draw): Json[] {
  return Array.from({ length: size('observability_pipelines') }, (_, i) => ({
    id: uuid(random),
    type: 'pipelines',
    attributes: {
      name: `${pick(random, SERVICES)}-logs-pipeline-${i + 1}`,
      config: {
        pipeline_type: 'logs',
        sources: [{ id: 'source-1', type: 'datadog_agent' }],
        processor_groups: [],
        processors: [],
        destinations: [{ id: 'destination-1', type: 'datadog_logs', inputs: ['source-1'] }],
      },
    },
  }));
}

/** The scanner's groups and rules (each group lists its rules), and the configuration they belong to. */
export function generateScanner({ random, size }: Draw): { groups: Json[]; rules: Json[]; configurationId: string } {
  const configurationId = uuid(random);
  const groups = Array.from({ length: size('sensitive_data_scanner_groups') }, (_, i) => ({
    type: 'sensitive_data_scanner_group',
    id: uuid(random),
    attributes: {
      name: `${pick(random, ['PII', 'Payment data', 'Credentials'])} ${i + 1}`,
      description: '',
      filter: { query: i === 0 ? '*' : `service:${pick(random, SERVICES)}` },
      is_enabled: random() < 0.7,
      product_list: ['logs'],
      samplings: [],
    },
    relationships: { configuration: { data: { type: 'sensitive_data_scanner_configuration', id: configurationId } }, rules: { data: [] as Json[] } },
  }));
  const rules = Array.from({ length: groups.length ? size('sensitive_data_scanner_rules') : 0 }, (_, i) => {
    const group = pick(random, groups);
    const id = uuid(random);
    ((group.relationships as Json).rules as { data: Json[] }).data.push({ type: 'sensitive_data_scanner_rule', id });
    return {
      type: 'sensitive_data_scanner_rule',
      id,
      attributes: {
        name: `Rule ${i + 1}`,
        description: 'Redacts matches',
        pattern: pick(random, ['\\b\\d{16}\\b', '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+']),
        excluded_namespaces: [],
        namespaces: [],
        is_enabled: true,
        priority: between(random, 1, 5),
        tags: ['sensitive_data:credit_card'],
        text_replacement: { type: 'replacement_string', replacement_string: '[redacted]' },
      },
      relationships: { group: { data: { type: 'sensitive_data_scanner_group', id: String(group.id) } } },
    };
  });
  return { groups, rules, configurationId };
}
