/**
 * Usage Metering and Cloud Cost Management: hourly usage, usage summary, costs, cost and usage
 * attribution, Cloud Cost configurations, custom costs files, budgets. Times are taken as Datadog
 * documents them (precise to the hour or the month, `[YYYY-MM-DDThh]`, `[YYYY-MM]`) and as its own
 * clients send them (full ISO-8601), and truncated to the hour or month.
 */
import { addMonths, HOUR_MS, parseUtcTime, shiftMonths, startOfHour, startOfMonth } from '../../shared/calendar';
import { HOURLY_USAGE_ATTRIBUTION_TYPES } from '../../datadog/streams/usage-types';
import { badRequest, decodeCursor, encodeCursor, ok, Params, refuse, slice, type Route } from '../http';
import { ESTIMATE_MONTHS_BACK, isAttributionField, KNOWN_FAMILIES, USAGE_RETENTION_MONTHS, type UsageData } from '../datasets/usage';
import type { Json } from '../datasets/catalog';

const DAY = 86_400_000;

/** A time parameter of these endpoints, truncated to `unit`; a problem when it is missing (and required) or not a time. */
function timeParam(params: Params, name: string, unit: 'hour' | 'month' | 'day', required: boolean): number | undefined {
  const raw = params.string(name);
  if (raw === null) {
    if (required) params.problems.push(`${name} is required`);
    return undefined;
  }
  const ms = parseUtcTime(raw);
  if (Number.isNaN(ms)) {
    const format = unit === 'hour' ? '[YYYY-MM-DDThh]' : unit === 'month' ? '[YYYY-MM]' : '[YYYY-MM-DD]';
    params.problems.push(`${name} must be an ISO-8601 date-time precise to the ${unit}: ${format}, got ${JSON.stringify(raw)}`);
    return undefined;
  }
  return unit === 'hour' ? startOfHour(ms) : unit === 'month' ? startOfMonth(ms) : Math.floor(ms / DAY) * DAY;
}

function bool(params: Params, name: string, fallback: boolean): boolean {
  const raw = params.oneOf(name, ['true', 'false'], fallback ? 'true' : 'false');
  return raw === 'true';
}

function view(params: Params): 'summary' | 'sub-org' {
  return params.oneOf('view', ['summary', 'sub-org'], 'summary');
}

/** The `next_record_id` of a page: where the next one starts, or null after the last. */
function nextRecordId(offset: number, size: number, total: number): string | null {
  return offset + size < total ? encodeCursor({ next: offset + size }) : null;
}

function recordOffset(params: Params, name: string): number {
  const raw = params.string(name);
  if (raw === null) return 0;
  const cursor = decodeCursor(raw, (v): v is { next: number } => typeof (v as { next?: unknown })?.next === 'number');
  if (!cursor) params.problems.push(`${name} is not a record id this endpoint returned`);
  return cursor?.next ?? 0;
}

/** Start and end hours of an hourly endpoint, with Datadog's span limits: 24 hours with child organisations, two months without. */
function hourRange(params: Params, startName: string, endName: string, usage: UsageData, includeDescendants: boolean): { start: number; end: number } | null {
  const start = timeParam(params, startName, 'hour', true);
  const end = timeParam(params, endName, 'hour', false) ?? startOfHour(usage.now()) + HOUR_MS;
  if (start === undefined) return null;
  if (start >= end) {
    params.problems.push(`start_hr [YYYY-MM-DDThh] must be before end_hr [YYYY-MM-DDThh]`);
    return null;
  }
  if (includeDescendants && end - start > 24 * HOUR_MS) params.problems.push('up to 24 hours of hourly usage data can be retrieved at once for multiple organizations');
  if (!includeDescendants && end > shiftMonths(start, 2)) params.problems.push('up to two months of hourly usage data can be retrieved at once for a single organization');
  return { start, end };
}

/** GET /api/v2/usage/hourly_usage: `page[next_record_id]`, `page[limit]` 1–500 (default 500). */
export const hourlyUsage: Route = (world, req) => {
  const params = new Params(req.query);
  const includeDescendants = bool(params, 'filter[include_descendants]', false);
  bool(params, 'filter[include_connected_accounts]', false);
  bool(params, 'filter[include_breakdown]', false);
  const range = hourRange(params, 'filter[timestamp][start]', 'filter[timestamp][end]', world.usage, includeDescendants);
  const rawFamilies = params.string('filter[product_families]');
  if (rawFamilies === null || rawFamilies.trim() === '') params.problems.push('filter[product_families] is required');
  const families = (rawFamilies ?? '').split(',').map((f) => f.trim()).filter(Boolean);
  const unknown = families.filter((f) => !KNOWN_FAMILIES.includes(f));
  if (unknown.length > 0) params.problems.push(`invalid product families: ${unknown.join(', ')}`);
  const limit = params.int('page[limit]', 500, { min: 1, max: 500 });
  const offset = recordOffset(params, 'page[next_record_id]');
  const problem = refuse(params);
  if (problem || !range) return problem ?? badRequest('invalid time range');
  const records = world.usage.hourlyUsage(range.start, range.end, families.includes('all') ? 'all' : families, includeDescendants);
  return ok({ data: slice(records, offset, limit), meta: { pagination: { next_record_id: nextRecordId(offset, limit, records.length) } } });
};

/** GET /api/v1/usage/summary: the months of [start_month, end_month], `start_month` at most 15 months back. */
export const usageSummary: Route = (world, req) => {
  const params = new Params(req.query);
  const now = world.usage.now();
  const start = timeParam(params, 'start_month', 'month', true);
  const end = timeParam(params, 'end_month', 'month', false) ?? startOfMonth(now);
  const orgDetails = bool(params, 'include_org_details', false);
  bool(params, 'include_connected_accounts', false);
  if (start !== undefined && start < addMonths(now, -USAGE_RETENTION_MONTHS)) params.problems.push(`start_month must be at most ${USAGE_RETENTION_MONTHS} months ago`);
  if (start !== undefined && end < start) params.problems.push('end_month must not be before start_month');
  const problem = refuse(params);
  if (problem || start === undefined) return problem!;
  const usage = world.usage.usageSummary(start, end, orgDetails);
  const totals: Record<string, number> = {};
  for (const month of usage) for (const [field, value] of Object.entries(month)) if (typeof value === 'number') totals[`${field}_sum`] = (totals[`${field}_sum`] ?? 0) + value;
  const stamp = (ms: number) => new Date(ms).toISOString().replace('.000Z', '+00:00');
  return ok({ start_date: stamp(start), end_date: stamp(addMonths(end, 1) - DAY), last_updated: stamp(startOfHour(now)), usage, ...totals });
};

/** GET /api/v2/usage/estimated_cost: by `start_month`/`end_month` or by day, the current and previous month only. */
export const estimatedCost: Route = (world, req) => {
  const params = new Params(req.query);
  const now = world.usage.now();
  const byMonth = params.has('start_month');
  const byDay = params.has('start_date');
  if (byMonth === byDay) params.problems.push('Either start_month or start_date should be specified, but not both');
  const shown = view(params);
  bool(params, 'include_connected_accounts', false);
  const aggregation = params.oneOf('cost_aggregation', ['cumulative'], 'cumulative');
  const start = byMonth ? timeParam(params, 'start_month', 'month', true) : byDay ? timeParam(params, 'start_date', 'day', true) : undefined;
  const end = byMonth ? (timeParam(params, 'end_month', 'month', false) ?? startOfMonth(now)) : (timeParam(params, 'end_date', 'day', false) ?? Math.floor(now / DAY) * DAY);
  if (start !== undefined && start < addMonths(now, -ESTIMATE_MONTHS_BACK)) params.problems.push(`${byMonth ? 'start_month' : 'start_date'} cannot go beyond two months in the past`);
  if (start !== undefined && end < start) params.problems.push('the end must not be before the start');
  const problem = refuse(params);
  if (problem || start === undefined) return problem!;
  const data = byMonth
    ? world.usage.estimatedCostByMonth(start, end, shown)
    : world.usage.estimatedCostByDay(start, end, shown, params.has('cost_aggregation') && aggregation === 'cumulative');
  return ok({ data });
};

/** GET /api/v2/usage/historical_cost: the months of [start_month, end_month] whose cost is out. */
export const historicalCost: Route = (world, req) => {
  const params = new Params(req.query);
  const start = timeParam(params, 'start_month', 'month', true);
  const end = timeParam(params, 'end_month', 'month', false) ?? startOfMonth(world.usage.now());
  const shown = view(params);
  bool(params, 'include_connected_accounts', false);
  if (start !== undefined && end < start) params.problems.push('end_month must not be before start_month');
  const problem = refuse(params);
  if (problem || start === undefined) return problem!;
  return ok({ data: world.usage.historicalCost(start, end, shown) });
};

/** GET /api/v2/usage/projected_cost: the current month, once projected. */
export const projectedCost: Route = (world, req) => {
  const params = new Params(req.query);
  const shown = view(params);
  bool(params, 'include_connected_accounts', false);
  return refuse(params) ?? ok({ data: world.usage.projectedCost(shown) });
};

/** GET /api/v2/cost_by_tag/monthly_cost_attribution: `fields` required, `next_record_id` pages of Datadog's own size. */
export const monthlyCostAttribution: Route = (world, req) => {
  const params = new Params(req.query);
  const start = timeParam(params, 'start_month', 'month', true);
  const end = timeParam(params, 'end_month', 'month', false) ?? startOfMonth(world.usage.now());
  const rawFields = params.string('fields');
  if (rawFields === null || rawFields.trim() === '') params.problems.push('fields is required');
  const named = (rawFields ?? '').split(',').map((f) => f.trim()).filter(Boolean);
  const fields = named.includes('*') ? world.usage.attributionFields() : named;
  const invalid = fields.filter((f) => !isAttributionField(f));
  if (invalid.length > 0) params.problems.push(`invalid fields: ${invalid.join(', ')}`);
  const direction = params.oneOf('sort_direction', ['desc', 'asc'], 'desc');
  const sortName = params.string('sort_name');
  const tagKeys = (params.string('tag_breakdown_keys') ?? '').split(',').map((k) => k.trim()).filter(Boolean);
  const includeDescendants = bool(params, 'include_descendants', true);
  const offset = recordOffset(params, 'next_record_id');
  if (start !== undefined && end < start) params.problems.push('end_month must not be before start_month');
  const problem = refuse(params);
  if (problem || start === undefined) return problem!;
  const rows = world.usage.monthlyCostAttribution(start, end, fields, tagKeys, includeDescendants);
  // "Always sorted by total cost": of `sort_name`'s dimension, else of every dimension; within each month.
  const cost = (row: Json) => {
    const values = (row.attributes as Json).values as Record<string, number>;
    return Object.entries(values).filter(([f]) => f.endsWith('_total_cost') && (!sortName || f === `${sortName}_total_cost`)).reduce((sum, [, v]) => sum + v, 0);
  };
  const month = (row: Json) => String((row.attributes as Json).month);
  rows.sort((a, b) => (month(a) < month(b) ? -1 : month(a) > month(b) ? 1 : (direction === 'desc' ? -1 : 1) * (cost(a) - cost(b))));
  const size = world.usage.recordsPerPage;
  const aggregates = fields.map((field) => ({ field, value: rows.reduce((sum, r) => sum + (((r.attributes as Json).values as Record<string, number>)[field] ?? 0), 0), agg_type: 'sum' }));
  return ok({ data: slice(rows, offset, size), meta: { aggregates, pagination: { next_record_id: nextRecordId(offset, size, rows.length) } } });
};

/** GET /api/v1/usage/hourly-attribution: one `usage_type` a request (required), `next_record_id` pages of Datadog's own size. */
export const hourlyUsageAttribution: Route = (world, req) => {
  const params = new Params(req.query);
  const includeDescendants = bool(params, 'include_descendants', true);
  const range = hourRange(params, 'start_hr', 'end_hr', world.usage, includeDescendants);
  const usageType = params.string('usage_type');
  if (usageType === null) params.problems.push('usage_type is required');
  else if (!(HOURLY_USAGE_ATTRIBUTION_TYPES as readonly string[]).includes(usageType)) params.problems.push(`invalid usage_type: ${usageType}`);
  const tagKeys = (params.string('tag_breakdown_keys') ?? '').split(',').map((k) => k.trim()).filter(Boolean);
  const offset = recordOffset(params, 'next_record_id');
  const problem = refuse(params);
  if (problem || !range || usageType === null) return problem ?? badRequest('invalid time range');
  const rows = world.usage.hourlyAttribution(range.start, range.end, usageType, tagKeys, includeDescendants);
  const size = world.usage.recordsPerPage;
  return ok({ metadata: { pagination: { next_record_id: nextRecordId(offset, size, rows.length) } }, usage: slice(rows, offset, size) });
};

/** GET /api/v2/cost_by_tag/active_billing_dimensions: one object. */
export const activeBillingDimensions: Route = (world) => ok({ data: world.usage.activeBillingDimensions() });

/** GET /api/v2/cost/aws_cur_config, azure_uc_config, gcp_uc_config: every configuration in one response. */
export const awsConfigs: Route = (world) => ok({ data: world.usage.awsConfigs });
export const azureConfigs: Route = (world) => ok({ data: world.usage.azureConfigs });
export const gcpConfigs: Route = (world) => ok({ data: world.usage.gcpConfigs });

/** GET /api/v2/cost/custom_costs: `page[number]` from 0, `page[size]` (default 100), `filter[status]`, `sort` by upload time. */
export const customCosts: Route = (world, req) => {
  const params = new Params(req.query);
  const number = params.int('page[number]', 0);
  const size = params.int('page[size]', 100, { min: 1 });
  const status = params.string('filter[status]');
  if (status !== null && !['active', 'inactive'].includes(status.toLowerCase())) params.problems.push(`unknown status, got ${status}`);
  const sort = params.oneOf('sort', ['created_at', '-created_at'], 'created_at');
  const problem = refuse(params);
  if (problem) return problem;
  const files = world.usage.customCosts.filter((f) => status === null || String((f.attributes as Json).status).toLowerCase() === status.toLowerCase());
  const ordered = sort === 'created_at' ? files : [...files].reverse();
  return ok({ data: slice(ordered, number * size, size), meta: { version: '1.0', total_filtered_count: files.length } });
};

/** GET /api/v2/cost/budgets: every budget in one response. */
export const budgets: Route = (world) => ok({ data: world.usage.budgets });
