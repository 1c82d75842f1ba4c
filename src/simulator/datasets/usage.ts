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
import { createHash } from 'node:crypto';
import { addMonths, HOUR_MS, monthText, shiftMonths, startOfHour, startOfMonth } from '../../shared/calendar';
import { DEFAULT_USAGE_ATTRIBUTION_TYPES } from '../../datadog/streams/usage-types';
import { between, hashUnit, pick, randomId, seededRandom, uuid } from '../random';
import type { Json } from './catalog';

const DAY = 86_400_000;

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

export interface Org {
  name: string;
  public_id: string;
  region: string;
}

/**
 * Product families the organisation uses, the usage types each reports per hour, and how many hours
 * after an hour ends Datadog first reports it ("usage data is delayed by up to 72 hours").
 */
export const PRODUCT_FAMILIES: readonly { family: string; types: readonly string[]; delayHours: number; scale: number }[] = [
  { family: 'infra_hosts', types: ['agent_host_count', 'aws_host_count', 'azure_host_count', 'gcp_host_count', 'host_count', 'container_count'], delayHours: 0, scale: 40 },
  { family: 'timeseries', types: ['num_custom_input_timeseries', 'num_custom_output_timeseries', 'num_custom_timeseries'], delayHours: 1, scale: 5_000 },
  { family: 'logs', types: ['billable_ingested_bytes', 'ingested_events_bytes', 'logs_live_ingested_bytes'], delayHours: 1, scale: 4e9 },
  { family: 'indexed_logs', types: ['logs_indexed_events_3_day_count', 'logs_indexed_events_15_day_count', 'logs_indexed_events_30_day_count'], delayHours: 2, scale: 2e6 },
  { family: 'ingested_spans', types: ['ingested_events_bytes'], delayHours: 2, scale: 9e8 },
  { family: 'indexed_spans', types: ['indexed_events_count'], delayHours: 4, scale: 3e5 },
  { family: 'rum', types: ['browser_rum_units', 'mobile_rum_units', 'rum_units'], delayHours: 6, scale: 800 },
  { family: 'synthetics_api', types: ['check_calls_count'], delayHours: 0, scale: 1_200 },
  { family: 'synthetics_browser', types: ['browser_check_calls_count'], delayHours: 0, scale: 90 },
  { family: 'fargate', types: ['avg_profiled_fargate_tasks', 'tasks_count'], delayHours: 3, scale: 30 },
];

/** Every family `filter[product_families]` accepts (the spec's list; `audit_logs` is deprecated but accepted). */
export const KNOWN_FAMILIES: readonly string[] = [
  'all', 'analyzed_logs', 'application_security', 'audit_logs', 'audit_trail', 'bits_ai', 'serverless', 'ci_app', 'cloud_cost_management', 'cloud_siem',
  'csm_container_enterprise', 'csm_host_enterprise', 'cspm', 'custom_events', 'cws', 'dbm', 'error_tracking', 'fargate', 'infra_hosts',
  'incident_management', 'indexed_logs', 'indexed_spans', 'ingested_spans', 'iot', 'lambda_traced_invocations', 'llm_observability', 'logs',
  'network_flows', 'network_hosts', 'network_monitoring', 'observability_pipelines', 'online_archive', 'profiling', 'product_analytics', 'rum',
  'rum_browser_sessions', 'rum_mobile_sessions', 'sds', 'snmp', 'software_delivery', 'synthetics_api', 'synthetics_browser', 'synthetics_mobile',
  'synthetics_parallel_testing', 'timeseries', 'vuln_management', 'workflow_executions',
];

/** Fields of a monthly usage summary (integers, as `UsageSummaryDate` types them) and their typical size. */
const SUMMARY_FIELDS: readonly [string, number][] = [
  ['agent_host_top99p', 40],
  ['apm_host_top99p', 12],
  ['aws_host_top99p', 25],
  ['infra_host_top99p', 44],
  ['container_avg', 120],
  ['container_hwm', 180],
  ['custom_ts_avg', 5_000],
  ['fargate_tasks_count_avg', 30],
  ['indexed_events_count_sum', 2e8],
  ['ingested_events_bytes_sum', 3e12],
  ['browser_rum_units_sum', 6e5],
  ['synthetics_check_calls_count_sum', 9e5],
];

/** Billing dimensions the account is charged for: the products of cost records and the dimensions of cost attribution. */
export const BILLING_DIMENSIONS: readonly [string, number][] = [
  ['infra_host', 620],
  ['apm_host', 410],
  ['logs_indexed_15day', 260],
  ['logs_ingested', 150],
  ['ingested_spans', 120],
  ['custom_timeseries', 90],
  ['rum_browser_sessions', 70],
  ['synthetics_api_tests', 40],
];
const ATTRIBUTION_SUFFIXES = ['on_demand_cost', 'committed_cost', 'total_cost', 'percentage_in_org', 'percentage_in_account'] as const;

/** Usage types the organisations report for hourly usage attribution; the other accepted types answer no rows. */
export const ATTRIBUTED_USAGE_TYPES: readonly string[] = [...DEFAULT_USAGE_ATTRIBUTION_TYPES, 'browser_usage', 'api_usage'];
/** Usage attribution is computed a while after the hour: an hour is listed once this many hours have passed since it ended. */
export const ATTRIBUTION_DELAY_HOURS = 2;
/** "Usage data … is retained for 15 months." */
export const USAGE_RETENTION_MONTHS = 15;
/** Estimated cost covers the current and the previous month; start_month "cannot go beyond two months in the past". */
export const ESTIMATE_MONTHS_BACK = 2;
/** Days after a month ends until its cost is out: "no later than the 16th of the following month". */
const HISTORICAL_COST_DAYS = 15;
/** … and its cost attribution: "no later than the 19th of the following month". */
const COST_ATTRIBUTION_DAYS = 18;
/** "Becomes available around the 12th of the month." */
const PROJECTION_DAYS = 11;

/** Datadog's "2022-07-16T14:00:00+00:00". */
export const usageTime = (ms: number) => new Date(ms).toISOString().replace('.000Z', '+00:00');
/** Datadog's "2023-11-30T00:00:00Z". */
const zuluTime = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
/** Cloud Cost's zone-less "2023-10-27T12:38:39.585408". */
const microTime = (ms: number, random: () => number) => `${new Date(ms).toISOString().slice(0, 23)}${between(random, 100, 999)}`;
const hash64 = (text: string) => createHash('sha256').update(text).digest('hex');
const round2 = (n: number) => Math.round(n * 100) / 100;

export class UsageData {
  readonly orgs: Org[];
  readonly recordsPerPage: number;
  readonly awsConfigs: Json[];
  readonly azureConfigs: Json[];
  readonly gcpConfigs: Json[];
  readonly customCosts: Json[];
  readonly budgets: Json[];
  /** Revisions per figure (`revise`): each changes the figure. */
  private readonly revisions = new Map<string, number>();

  constructor(
    private readonly seed: number,
    private readonly clock: () => number,
    options: UsageOptions = {},
  ) {
    const random = seededRandom(seed ^ 0x05a6e);
    const publicId = () => randomId(random, 16, 'abcdefghijklmnopqrstuvwxyz0123456789');
    const parent = { name: 'Acme Corp', public_id: publicId(), region: 'us' };
    const children = Array.from({ length: options.childOrgs ?? 2 }, (_, i) => ({ name: `Acme ${['EU', 'Staging', 'Labs', 'Retail'][i % 4]} ${i + 1}`, public_id: publicId(), region: i % 2 ? 'eu' : 'us' }));
    this.orgs = [parent, ...children];
    this.recordsPerPage = options.recordsPerPage ?? 500;
    const now = clock();
    this.awsConfigs = generateAwsConfigs(random, options.awsConfigs ?? 3, now);
    this.azureConfigs = generateAzureConfigs(random, options.azureConfigs ?? 2, now);
    this.gcpConfigs = generateGcpConfigs(random, options.gcpConfigs ?? 2, now);
    this.customCosts = generateCustomCosts(random, options.customCosts ?? 130, now);
    this.budgets = generateBudgets(random, options.budgets ?? 4, now);
  }

  get parent(): Org {
    return this.orgs[0];
  }

  now(): number {
    return this.clock();
  }

  /** The organisations a request covers: the keys' own, or with its children. */
  orgsFor(includeDescendants: boolean): Org[] {
    return includeDescendants ? this.orgs : [this.parent];
  }

  /**
   * Datadog revises figures: every one of `what` at `when`, e.g. `revise('infra_hosts', hour)` (an
   * hour of a product family), `revise('infra_host_usage', hour)` (an hour of a usage type's
   * attribution), `revise('summary', month)` or `revise('cost', month)`.
   */
  revise(what: string, when: number): void {
    const key = `${what}|${when}`;
    this.revisions.set(key, (this.revisions.get(key) ?? 0) + 1);
  }

  /** A figure in [0, 1) of `what` at `when` (and of whom): the same until revised. */
  private unit(what: string, when: number, ...of: string[]): number {
    return hashUnit(`${this.seed}|${what}|${when}|${of.join('|')}|${this.revisions.get(`${what}|${when}`) ?? 0}`);
  }

  /** The oldest hour Datadog still keeps. */
  retainedFrom(): number {
    return startOfHour(shiftMonths(this.clock(), -USAGE_RETENTION_MONTHS) + HOUR_MS - 1);
  }

  // ── Hourly usage by product family ─────────────────────────────────────────────────────

  /** Hourly usage records of [from, to) (whole hours) that Datadog reports by now, oldest first. */
  hourlyUsage(from: number, to: number, families: readonly string[] | 'all', includeDescendants: boolean): Json[] {
    const now = this.clock();
    const wanted = PRODUCT_FAMILIES.filter((f) => families === 'all' || families.includes(f.family));
    const records: Json[] = [];
    for (let hour = Math.max(startOfHour(from), this.retainedFrom()); hour < to; hour += HOUR_MS) {
      for (const org of this.orgsFor(includeDescendants)) {
        for (const { family, types, delayHours, scale } of wanted) {
          if (hour + (1 + delayHours) * HOUR_MS > now) continue;
          const measurements = types.map((type) => {
            const u = this.unit(family, hour, org.public_id, type);
            // Datadog sends null for a measurement it has no figure for (container_count on hosts without containers).
            return { usage_type: type, value: type === 'container_count' && u < 0.3 ? null : Math.round(u * scale) };
          });
          records.push({
            attributes: { org_name: org.name, public_id: org.public_id, timestamp: usageTime(hour), region: org.region, measurements, product_family: family },
            type: 'usage_timeseries',
            id: hash64(`${org.public_id}|${family}|${hour}`),
          });
        }
      }
    }
    return records;
  }

  /** The keys a sync of usage_hourly holds after reading [from, to). */
  hourlyUsageKeys(from: number, to: number): string[] {
    return this.hourlyUsage(from, startOfHour(to), 'all', false).map((r) => {
      const a = r.attributes as Json;
      return `${a.public_id}:${a.product_family}:${a.timestamp}`;
    });
  }

  // ── Monthly usage summary ──────────────────────────────────────────────────────────────

  /** How much of a month's usage is in by now: all of a past month, the hours so far of the current one. */
  private monthShare(month: number): number {
    const now = this.clock();
    const end = addMonths(month, 1);
    if (now >= end) return 1;
    return Math.max(0, startOfHour(now) - month) / (end - month);
  }

  /** The usage summary of each month of [fromMonth, toMonth] that has begun, with each organisation's share when asked. */
  usageSummary(fromMonth: number, toMonth: number, orgDetails: boolean): Json[] {
    const rows: Json[] = [];
    for (let month = startOfMonth(fromMonth); month <= toMonth && month <= this.clock(); month = addMonths(month, 1)) {
      const share = this.monthShare(month);
      const figures = (org?: Org) =>
        Object.fromEntries(
          SUMMARY_FIELDS.map(([field, scale]) => {
            const total = Math.round(this.unit('summary', month, field) * scale * (field.endsWith('_sum') ? share : 1));
            const part = org ? (org === this.parent ? 0.6 : 0.4 / (this.orgs.length - 1 || 1)) : 1;
            return [field, Math.round(total * part)];
          }),
        );
      const row: Json = { date: usageTime(month), ...figures() };
      if (orgDetails) row.orgs = this.orgs.map((org) => ({ id: org.public_id, name: org.name, public_id: org.public_id, region: org.region, ...figures(org) }));
      rows.push(row);
    }
    return rows;
  }

  // ── Costs ──────────────────────────────────────────────────────────────────────────────

  /** One organisation's charges for a month, scaled by how much of the month is in. */
  private charges(org: Org, month: number, share: number, kinds: readonly ['committed' | 'projected_committed', 'on_demand' | 'projected_on_demand']): { charges: Json[]; total: number } {
    const charges: Json[] = [];
    let total = 0;
    const orgShare = org === this.parent ? 0.6 : 0.4 / (this.orgs.length - 1 || 1);
    for (const [product, scale] of BILLING_DIMENSIONS) {
      const cost = this.unit('cost', month, org.public_id, product) * scale * orgShare * share;
      const committed = round2(cost * 0.3);
      const onDemand = round2(cost - committed);
      charges.push({ product_name: product, charge_type: kinds[0], cost: committed }, { product_name: product, charge_type: kinds[1], cost: onDemand }, { product_name: product, charge_type: 'total', cost: round2(committed + onDemand) });
      total += committed + onDemand;
    }
    return { charges, total: round2(total) };
  }

  /** Cost records: one per organisation (`sub-org`) or one for the account (`summary`), for `date`. */
  private costRecords(month: number, date: string, share: number, view: 'summary' | 'sub-org', type: 'cost_by_org' | 'projected_cost'): Json[] {
    const kinds = type === 'projected_cost' ? (['projected_committed', 'projected_on_demand'] as const) : (['committed', 'on_demand'] as const);
    const perOrg = this.orgs.map((org) => ({ org, ...this.charges(org, month, share, kinds) }));
    const entries =
      view === 'sub-org'
        ? perOrg
        : [{ org: this.parent, total: round2(perOrg.reduce((sum, o) => sum + o.total, 0)), charges: sumCharges(perOrg.map((o) => o.charges)) }];
    return entries.map(({ org, total, charges }) => ({
      type,
      id: hash64(`${type}|${view}|${org.public_id}|${date}`),
      attributes: {
        org_name: org.name,
        public_id: org.public_id,
        region: org.region,
        ...(type === 'projected_cost' ? { projected_total_cost: total } : { total_cost: total }),
        charges,
        date,
      },
    }));
  }

  /** The first month with an estimate: the previous one. */
  estimatedFrom(): number {
    return addMonths(this.clock(), -1);
  }

  /**
   * Estimated cost by month for the months of [fromMonth, toMonth] Datadog estimates (the current and
   * the previous). The current month's estimate is dated by the last hour it covers.
   */
  estimatedCostByMonth(fromMonth: number, toMonth: number, view: 'summary' | 'sub-org'): Json[] {
    const now = this.clock();
    const records: Json[] = [];
    for (let month = Math.max(startOfMonth(fromMonth), this.estimatedFrom()); month <= toMonth && month <= now; month = addMonths(month, 1)) {
      const current = month === startOfMonth(now);
      const date = current ? startOfHour(now) - HOUR_MS : addMonths(month, 1) - HOUR_MS;
      records.push(...this.costRecords(month, usageTime(date), this.monthShare(month), view, 'cost_by_org'));
    }
    return records;
  }

  /** Estimated cost by day for the days of [fromDay, toDay] (daily or, `cumulative`, month to date). */
  estimatedCostByDay(fromDay: number, toDay: number, view: 'summary' | 'sub-org', cumulative: boolean): Json[] {
    const now = this.clock();
    const records: Json[] = [];
    for (let day = Math.max(fromDay, this.estimatedFrom()); day <= toDay && day + DAY <= now; day += DAY) {
      const month = startOfMonth(day);
      const days = (addMonths(month, 1) - month) / DAY;
      const share = cumulative ? (day + DAY - month) / DAY / days : 1 / days;
      records.push(...this.costRecords(month, usageTime(day), share, view, 'cost_by_org'));
    }
    return records;
  }

  /** When a month's cost is out. */
  historicalCostOut(month: number): number {
    return addMonths(month, 1) + HISTORICAL_COST_DAYS * DAY;
  }

  /** Historical cost of the months of [fromMonth, toMonth] whose cost is out, as far back as Datadog keeps usage. */
  historicalCost(fromMonth: number, toMonth: number, view: 'summary' | 'sub-org'): Json[] {
    const now = this.clock();
    const records: Json[] = [];
    const oldest = addMonths(now, -USAGE_RETENTION_MONTHS);
    for (let month = Math.max(startOfMonth(fromMonth), oldest); month <= toMonth && this.historicalCostOut(month) <= now; month = addMonths(month, 1)) {
      records.push(...this.costRecords(month, usageTime(month), 1, view, 'cost_by_org'));
    }
    return records;
  }

  /** The current month's projection, once Datadog makes one (around the 12th), dated by the month's last day. */
  projectedCost(view: 'summary' | 'sub-org'): Json[] {
    const now = this.clock();
    const month = startOfMonth(now);
    if (now < month + PROJECTION_DAYS * DAY) return [];
    return this.costRecords(month, zuluTime(addMonths(month, 1) - DAY), 1, view, 'projected_cost');
  }

  // ── Cost attribution ───────────────────────────────────────────────────────────────────

  /** When a month's cost attribution is out. */
  costAttributionOut(month: number): number {
    return addMonths(month, 1) + COST_ATTRIBUTION_DAYS * DAY;
  }

  /** Every field `fields=*` stands for. */
  attributionFields(): string[] {
    return BILLING_DIMENSIONS.flatMap(([dimension]) => ATTRIBUTION_SUFFIXES.map((suffix) => `${dimension}_${suffix}`));
  }

  /**
   * Monthly cost attribution of the months of [fromMonth, toMonth] that are out: a row per
   * organisation, or per organisation and tag value with `tagKeys`.
   */
  monthlyCostAttribution(fromMonth: number, toMonth: number, fields: readonly string[], tagKeys: readonly string[], includeDescendants: boolean): Json[] {
    const now = this.clock();
    const rows: Json[] = [];
    const oldest = addMonths(now, -USAGE_RETENTION_MONTHS);
    for (let month = Math.max(startOfMonth(fromMonth), oldest); month <= toMonth && this.costAttributionOut(month) <= now; month = addMonths(month, 1)) {
      const orgs = this.orgsFor(includeDescendants);
      const costs = orgs.map((org) => new Map(BILLING_DIMENSIONS.map(([d, scale]) => [d, this.unit('attribution', month, org.public_id, d) * scale])));
      const account = new Map(BILLING_DIMENSIONS.map(([d]) => [d, costs.reduce((sum, c) => sum + c.get(d)!, 0)]));
      orgs.forEach((org, i) => {
        const parts = tagKeys.length === 0 ? [{ tags: null, share: 1 }] : TAG_VALUES.map((value, j) => ({ tags: Object.fromEntries(tagKeys.map((k) => [k, [value]])), share: j === 0 ? 0.7 : 0.3 }));
        for (const { tags, share } of parts) {
          const values: Record<string, number> = {};
          for (const field of fields) {
            const [dimension, suffix] = splitField(field);
            const cost = costs[i].get(dimension)! * share;
            const committed = cost * 0.3;
            const figure: Record<(typeof ATTRIBUTION_SUFFIXES)[number], number> = {
              on_demand_cost: cost - committed,
              committed_cost: committed,
              total_cost: cost,
              percentage_in_org: share,
              percentage_in_account: cost / account.get(dimension)!,
            };
            values[field] = suffix.startsWith('percentage') ? Math.round(figure[suffix] * 10_000) / 10_000 : round2(figure[suffix]);
          }
          rows.push({
            id: hash64(`attribution|${org.public_id}|${month}|${JSON.stringify(tags)}`),
            type: 'cost_by_tag',
            attributes: {
              month: usageTime(month),
              org_name: org.name,
              public_id: org.public_id,
              tag_config_source: `${this.parent.name}:::team`,
              tags,
              updated_at: usageTime(this.costAttributionOut(month)),
              values,
            },
          });
        }
      });
    }
    return rows;
  }

  /** The month the active billing dimensions are reported for, and the dimensions. */
  activeBillingDimensions(): Json {
    const month = addMonths(this.clock(), -1);
    return { type: 'billing_dimensions', id: hash64(`dimensions|${month}`), attributes: { values: BILLING_DIMENSIONS.map(([d]) => d), month: zuluTime(month) } };
  }

  /** Hourly usage attribution of one usage type over [from, to) (whole hours), oldest first. */
  hourlyAttribution(from: number, to: number, usageType: string, tagKeys: readonly string[], includeDescendants: boolean): Json[] {
    if (!ATTRIBUTED_USAGE_TYPES.includes(usageType)) return [];
    const computed = this.attributedUntil();
    const rows: Json[] = [];
    for (let hour = Math.max(startOfHour(from), this.retainedFrom()); hour < to && hour < computed; hour += HOUR_MS) {
      for (const org of this.orgsFor(includeDescendants)) {
        const total = Math.round(this.unit(usageType, hour, org.public_id) * 500 * 100) / 100;
        const parts = tagKeys.length === 0 ? [{ tags: null, share: 1 }] : TAG_VALUES.map((value, j) => ({ tags: Object.fromEntries(tagKeys.map((k) => [k, [value]])), share: j === 0 ? 0.7 : 0.3 }));
        for (const { tags, share } of parts) {
          rows.push({
            org_name: org.name,
            public_id: org.public_id,
            region: org.region,
            hour: usageTime(hour),
            tag_config_source: `${this.parent.name}:::team`,
            tags,
            total_usage_sum: Math.round(total * share * 100) / 100,
            // "The most recent hour in the current month for all organizations where usages are calculated", zone-less.
            updated_at: new Date(computed - HOUR_MS).toISOString().slice(0, 13),
            usage_type: usageType,
          });
        }
      }
    }
    return rows;
  }

  /** Hours before this one have their usage attribution computed. */
  attributedUntil(): number {
    return startOfHour(this.clock()) - ATTRIBUTION_DELAY_HOURS * HOUR_MS;
  }

  /** The keys a sync of hourly_usage_attribution holds after reading [from, to) for these usage types. */
  hourlyAttributionKeys(from: number, to: number, usageTypes: readonly string[]): string[] {
    return usageTypes.flatMap((type) => this.hourlyAttribution(from, startOfHour(to), type, [], true).map((r) => `${r.public_id}:${r.hour}:${r.usage_type}`));
  }

  /** The ids a correct sync of a usage or cost stream holds after reading [from, to) (incremental) or now (full refresh). */
  groundTruth(stream: string, window: { from: number; to: number } = { from: 0, to: Number.MAX_SAFE_INTEGER }): string[] | undefined {
    const { from, to } = { from: window.from, to: Math.min(window.to, this.clock()) };
    // Month streams read every month [from, to) touches, end_month inclusive.
    const lastMonth = startOfMonth(to - 1);
    const monthKey = (r: Json, field = 'date') => `${(r.attributes as Json).public_id}:${monthText(Date.parse(String((r.attributes as Json)[field])))}`;
    const ids = (items: Json[]) => items.map((item) => String(item.id));
    switch (stream) {
      case 'usage_hourly':
        return this.hourlyUsageKeys(from, to).sort();
      case 'usage_summary':
        return this.usageSummary(Math.max(from, addMonths(this.clock(), -USAGE_RETENTION_MONTHS)), lastMonth, false).map((r) => monthText(Date.parse(String(r.date)))).sort();
      case 'estimated_cost':
        return this.estimatedCostByMonth(from, lastMonth, 'sub-org').map((r) => monthKey(r)).sort();
      case 'historical_cost':
        return this.historicalCost(from, lastMonth, 'sub-org').map((r) => monthKey(r)).sort();
      case 'projected_cost':
        return this.projectedCost('sub-org').map((r) => monthKey(r)).sort();
      case 'monthly_cost_attribution':
        return this.monthlyCostAttribution(from, lastMonth, this.attributionFields(), [], true).map((r) => monthKey(r, 'month')).sort();
      case 'hourly_usage_attribution':
        // What the stream reads with its default usage types.
        return this.hourlyAttributionKeys(from, to, DEFAULT_USAGE_ATTRIBUTION_TYPES).sort();
      case 'active_billing_dimensions':
        return [monthText(Date.parse(String((this.activeBillingDimensions().attributes as Json).month)))];
      case 'cloud_cost_aws_configs':
        return ids(this.awsConfigs).sort();
      case 'cloud_cost_azure_configs':
        return ids(this.azureConfigs).sort();
      case 'cloud_cost_gcp_configs':
        return ids(this.gcpConfigs).sort();
      case 'custom_costs':
        return ids(this.customCosts).sort();
      case 'cost_budgets':
        return ids(this.budgets).sort();
      default:
        return undefined;
    }
  }
}

/** Values of the tag keys a breakdown asks for. */
const TAG_VALUES = ['web', 'data'];

/** `infra_host_total_cost` → [`infra_host`, `total_cost`]. */
export function splitField(field: string): [string, (typeof ATTRIBUTION_SUFFIXES)[number]] {
  const suffix = ATTRIBUTION_SUFFIXES.find((s) => field.endsWith(`_${s}`))!;
  return [field.slice(0, -suffix.length - 1), suffix];
}

/** Whether `field` is one `fields` may name: a billing dimension and a cost or share. */
export function isAttributionField(field: string): boolean {
  const suffix = ATTRIBUTION_SUFFIXES.find((s) => field.endsWith(`_${s}`));
  return suffix !== undefined && BILLING_DIMENSIONS.some(([d]) => `${d}_${suffix}` === field);
}

function sumCharges(lists: Json[][]): Json[] {
  return lists[0].map((charge, i) => ({ ...charge, cost: round2(lists.reduce((sum, list) => sum + Number(list[i].cost), 0)) }));
}

// ── Cloud Cost Management ────────────────────────────────────────────────────────────────

function statusTimes(random: () => number, now: number): { created_at: string; updated_at: string; status_updated_at: string } {
  const created = now - between(random, 30, 500) * DAY;
  const updated = created + Math.floor(random() * (now - created));
  return { created_at: microTime(created, random), updated_at: microTime(updated, random), status_updated_at: microTime(updated + Math.floor(random() * (now - updated)), random) };
}

function generateAwsConfigs(random: () => number, count: number, now: number): Json[] {
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

function generateAzureConfigs(random: () => number, count: number, now: number): Json[] {
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

function generateGcpConfigs(random: () => number, count: number, now: number): Json[] {
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

function generateCustomCosts(random: () => number, count: number, now: number): Json[] {
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

function generateBudgets(random: () => number, count: number, now: number): Json[] {
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
