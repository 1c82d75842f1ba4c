/** What the account is metered and billed on, when Datadog publishes each figure, and how it writes them. */
import { createHash } from 'node:crypto';
import { DEFAULT_USAGE_ATTRIBUTION_TYPES } from '../../../datadog/streams/usage-types';

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
export const SUMMARY_FIELDS: readonly [string, number][] = [
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
export const ATTRIBUTION_SUFFIXES = ['on_demand_cost', 'committed_cost', 'total_cost', 'percentage_in_org', 'percentage_in_account'] as const;

/** Usage types the organisations report for hourly usage attribution; the other accepted types answer no rows. */
export const ATTRIBUTED_USAGE_TYPES: readonly string[] = [...DEFAULT_USAGE_ATTRIBUTION_TYPES, 'browser_usage', 'api_usage'];
/** Usage attribution is computed a while after the hour: an hour is listed once this many hours have passed since it ended. */
export const ATTRIBUTION_DELAY_HOURS = 2;
/** "Usage data … is retained for 15 months." */
export const USAGE_RETENTION_MONTHS = 15;
/** Estimated cost covers the current and the previous month; start_month "cannot go beyond two months in the past". */
export const ESTIMATE_MONTHS_BACK = 2;
/** Days after a month ends until its cost is out: "no later than the 16th of the following month". */
export const HISTORICAL_COST_DAYS = 15;
/** … and its cost attribution: "no later than the 19th of the following month". */
export const COST_ATTRIBUTION_DAYS = 18;
/** "Becomes available around the 12th of the month." */
export const PROJECTION_DAYS = 11;

/** Datadog's "2022-07-16T14:00:00+00:00". */
export const usageTime = (ms: number) => new Date(ms).toISOString().replace('.000Z', '+00:00');
/** Datadog's "2023-11-30T00:00:00Z". */
export const zuluTime = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
export const hash64 = (text: string) => createHash('sha256').update(text).digest('hex');
export const round2 = (n: number) => Math.round(n * 100) / 100;

/** Values of the tag keys a breakdown asks for. */
export const TAG_VALUES = ['web', 'data'];

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
