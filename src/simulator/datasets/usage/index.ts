/**
 * Usage and cost of the simulated account, as Datadog's Usage Metering and Cloud Cost Management
 * endpoints serve it: a parent organisation (the keys') with child organisations; hourly usage per
 * product family, reported late by some families and revised later; monthly summaries; estimated,
 * historical and projected costs, each published on Datadog's own calendar; cost and usage
 * attribution; Cloud Cost configurations, custom costs files and budgets.
 *
 * Figures are pure functions of the seed, the organisation, the hour or month and a revision count,
 * so every request sees the same data until a test revises it.
 */
import { addMonths, monthText, startOfMonth } from '../../../shared/calendar';
import { DEFAULT_USAGE_ATTRIBUTION_TYPES } from '../../../datadog/streams/usage-types';
import { randomId, seededRandom } from '../../random';
import type { Json } from '../catalog';
import { USAGE_RETENTION_MONTHS } from './billing';
import { generateAwsConfigs, generateAzureConfigs, generateBudgets, generateCustomCosts, generateGcpConfigs } from './cloud-cost';
import { UsageCosts } from './costs';

export {
  ATTRIBUTED_USAGE_TYPES,
  ATTRIBUTION_DELAY_HOURS,
  BILLING_DIMENSIONS,
  ESTIMATE_MONTHS_BACK,
  isAttributionField,
  KNOWN_FAMILIES,
  PRODUCT_FAMILIES,
  splitField,
  USAGE_RETENTION_MONTHS,
  usageTime,
} from './billing';
import { truthOf } from '../../ground-truth';
export type { Org } from './figures';

export interface UsageOptions {
  /** Child organisations of the keys' organisation, in the views that include descendants (default 2). */
  childOrgs?: number;
  /** Records per page of the `next_record_id` endpoints, which choose their page size themselves (default 500). */
  recordsPerPage?: number;
  /** Sizes of the Cloud Cost Management lists. */
  awsConfigs?: number;
  azureConfigs?: number;
  gcpConfigs?: number;
  customCosts?: number;
  budgets?: number;
}

/** Usage and cost of the account, and its Cloud Cost Management configuration. */
export class UsageData extends UsageCosts {
  readonly recordsPerPage: number;
  readonly awsConfigs: Json[];
  readonly azureConfigs: Json[];
  readonly gcpConfigs: Json[];
  readonly customCosts: Json[];
  readonly budgets: Json[];

  constructor(seed: number, clock: () => number, options: UsageOptions = {}) {
    const random = seededRandom(seed ^ 0x05a6e);
    const publicId = () => randomId(random, 16, 'abcdefghijklmnopqrstuvwxyz0123456789');
    const parent = { name: 'Acme Corp', public_id: publicId(), region: 'us' };
    const children = Array.from({ length: options.childOrgs ?? 2 }, (_, i) => ({ name: `Acme ${['EU', 'Staging', 'Labs', 'Retail'][i % 4]} ${i + 1}`, public_id: publicId(), region: i % 2 ? 'eu' : 'us' }));
    super(seed, clock, [parent, ...children]);
    this.recordsPerPage = options.recordsPerPage ?? 500;
    const now = clock();
    this.awsConfigs = generateAwsConfigs(random, options.awsConfigs ?? 3, now);
    this.azureConfigs = generateAzureConfigs(random, options.azureConfigs ?? 2, now);
    this.gcpConfigs = generateGcpConfigs(random, options.gcpConfigs ?? 2, now);
    this.customCosts = generateCustomCosts(random, options.customCosts ?? 130, now);
    this.budgets = generateBudgets(random, options.budgets ?? 4, now);
  }

  /** The ids a correct sync of a usage or cost stream holds after reading [from, to) (incremental) or now (full refresh). */
  groundTruth(stream: string, window: { from: number; to: number } = { from: 0, to: Number.MAX_SAFE_INTEGER }): string[] | undefined {
    const { from, to } = { from: window.from, to: Math.min(window.to, this.clock()) };
    // Month streams read every month [from, to) touches, end_month inclusive.
    const lastMonth = startOfMonth(to - 1);
    const monthKey = (r: Json, field = 'date') => `${(r.attributes as Json).public_id}:${monthText(Date.parse(String((r.attributes as Json)[field])))}`;
    return truthOf(stream, {
      usage_hourly: () => this.hourlyUsageKeys(from, to).sort(),
      usage_summary: () => this.usageSummary(Math.max(from, addMonths(this.clock(), -USAGE_RETENTION_MONTHS)), lastMonth, false).map((r) => monthText(Date.parse(String(r.date)))).sort(),
      estimated_cost: () => this.estimatedCostByMonth(from, lastMonth, 'sub-org').map((r) => monthKey(r)).sort(),
      historical_cost: () => this.historicalCost(from, lastMonth, 'sub-org').map((r) => monthKey(r)).sort(),
      projected_cost: () => this.projectedCost('sub-org').map((r) => monthKey(r)).sort(),
      monthly_cost_attribution: () => this.monthlyCostAttribution(from, lastMonth, this.attributionFields(), [], true).map((r) => monthKey(r, 'month')).sort(),
      // What the stream reads with its default usage types.
      hourly_usage_attribution: () => this.hourlyAttributionKeys(from, to, DEFAULT_USAGE_ATTRIBUTION_TYPES).sort(),
      active_billing_dimensions: () => [monthText(Date.parse(String((this.activeBillingDimensions().attributes as Json).month)))],
      cloud_cost_aws_configs: this.awsConfigs,
      cloud_cost_azure_configs: this.azureConfigs,
      cloud_cost_gcp_configs: this.gcpConfigs,
      custom_costs: this.customCosts,
      cost_budgets: this.budgets,
    });
  }
}
