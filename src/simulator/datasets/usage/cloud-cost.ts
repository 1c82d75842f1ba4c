/** Cloud Cost Management: AWS, Azure and GCP cost configurations, custom costs files and budgets. */
import { addMonths, monthText, startOfMonth } from '../../../shared/calendar';
import { between, pick, randomId, uuid } from '../../random';
import type { Json } from '../catalog';
import { round2 } from './billing';

const DAY = 86_400_000;

/** Cloud Cost's zone-less "2023-10-27T12:38:39.585408". */
const microTime = (ms: number, random: () => number) => `${new Date(ms).toISOString().slice(0, 23)}${between(random, 100, 999)}`;

function statusTimes(random: () => number, now: number): { created_at: string; updated_at: string; status_updated_at: string } {
  const created = now - between(random, 30, 500) * DAY;
  const updated = created + Math.floor(random() * (now - created));
  return { created_at: microTime(created, random), updated_at: microTime(updated, random), status_updated_at: microTime(updated + Math.floor(random() * (now - updated)), random) };
}

export function generateAwsConfigs(random: () => number, count: number, now: number): Json[] {
  return Array.from({ length: count }, (_, i) => ({
    type: 'aws_cur_config',
    id: String(100 + i * 3 + between(random, 0, 2)),
    attributes: {
      account_id: randomId(random, 12, '0123456789'),
      bucket_name: `acme-cur-${i + 1}`,
      bucket_region: pick(random, ['us-east-1', 'us-west-2', 'eu-west-1']),
      report_prefix: 'cur-hourly',
      report_name: `acme-cur-report-${i + 1}`,
      months: 15,
      ...statusTimes(random, now),
      status: pick(random, ['active', 'active', 'active', 'archived']),
      error_messages: random() < 0.2 ? ['Access denied to the S3 bucket'] : [],
      ...(random() < 0.5 ? { account_filters: { include_new_accounts: true, excluded_accounts: [randomId(random, 12, '0123456789')] } } : {}),
    },
  }));
}

export function generateAzureConfigs(random: () => number, count: number, now: number): Json[] {
  return Array.from({ length: count }, (_, i) => {
    const pairId = String(10 + i);
    const account = uuid(random);
    const client = uuid(random);
    const scope = `/subscriptions/${uuid(random)}`;
    const storage = `acmecost${i + 1}`;
    const configs = (['actual', 'amortized'] as const).map((dataset, j) => ({
      id: String(Number(pairId) * 10 + j),
      account_id: account,
      client_id: client,
      dataset_type: dataset,
      export_name: `acme-${dataset}-export`,
      export_path: `exports/${dataset}`,
      scope,
      storage_account: storage,
      storage_container: 'cost-exports',
      months: 15,
      status: 'active',
      error_messages: [],
      ...statusTimes(random, now),
    }));
    return { type: 'azure_uc_configs', id: pairId, attributes: { id: pairId, configs } };
  });
}

export function generateGcpConfigs(random: () => number, count: number, now: number): Json[] {
  return Array.from({ length: count }, (_, i) => ({
    type: 'gcp_uc_config',
    id: String(300 + i),
    attributes: {
      account_id: `${randomId(random, 6, '0123456789ABCDEF')}-${randomId(random, 6, '0123456789ABCDEF')}-${randomId(random, 6, '0123456789ABCDEF')}`,
      bucket_name: `acme-gcp-billing-${i + 1}`,
      dataset: 'billing',
      export_prefix: 'datadog_cloud_cost_usage_export',
      export_project_name: `acme-billing-${i + 1}`,
      project_id: `acme-project-${i + 1}`,
      service_account: `dd-ccm-${i + 1}@acme-project-${i + 1}.iam.gserviceaccount.com`,
      months: 15,
      status: 'active',
      error_messages: [],
      ...statusTimes(random, now),
    },
  }));
}

const UPLOADERS = ['Ana Silva', 'Li Chen', 'Sam Okafor', 'Kim Novak'];

export function generateCustomCosts(random: () => number, count: number, now: number): Json[] {
  return Array.from({ length: count }, (_, i) => {
    const uploaded = now - between(random, 1, 400) * DAY - between(random, 0, 86_399) * 1000;
    const periodStart = startOfMonth(uploaded - 40 * DAY);
    const who = pick(random, UPLOADERS);
    return {
      id: uuid(random),
      type: 'cost_metadata',
      attributes: {
        billed_cost: round2(random() * 5_000),
        billing_currency: 'USD',
        charge_period: { start: periodStart, end: addMonths(periodStart, 1) },
        name: `costs-${i + 1}.${pick(random, ['json', 'csv'])}`,
        provider_names: [pick(random, ['snowflake', 'openai', 'mongodb', 'my_provider'])],
        status: pick(random, ['ACTIVE', 'ACTIVE', 'ACTIVE', 'INACTIVE']),
        uploaded_at: uploaded,
        uploaded_by: { name: who, email: `${who.toLowerCase().replace(' ', '.')}@example.com`, icon: `https://secure.gravatar.com/avatar/${randomId(random, 32, '0123456789abcdef')}?d=retro&s=48` },
      },
    };
  }).sort((a, b) => Number((a.attributes as Json).uploaded_at) - Number((b.attributes as Json).uploaded_at));
}

export function generateBudgets(random: () => number, count: number, now: number): Json[] {
  return Array.from({ length: count }, (_, i) => {
    const created = now - between(random, 10, 300) * DAY;
    const start = startOfMonth(created);
    const months = between(random, 2, 12);
    const yyyymm = (ms: number) => Number(monthText(ms).replace('-', ''));
    const service = pick(random, ['ec2', 's3', 'rds', 'lambda']);
    const entries = Array.from({ length: months }, (_, m) => ({ amount: between(random, 5, 50) * 100, month: yyyymm(addMonths(start, m)), tag_filters: [{ tag_key: 'service', tag_value: service }] }));
    const user = uuid(random);
    return {
      id: uuid(random),
      type: 'budget',
      attributes: {
        name: `${service} budget ${i + 1}`,
        metrics_query: `aws.cost.amortized{service:${service}} by {service}`,
        org_id: 321813,
        start_month: yyyymm(start),
        end_month: yyyymm(addMonths(start, months - 1)),
        total_amount: entries.reduce((sum, e) => sum + e.amount, 0),
        entries,
        created_at: created,
        created_by: user,
        updated_at: created + Math.floor(random() * (now - created)),
        updated_by: user,
      },
    };
  });
}
