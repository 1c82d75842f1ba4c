/** Costs of the account: estimated, historical and projected, and their attribution, each published on Datadog's calendar. */
import { addMonths, HOUR_MS, startOfHour, startOfMonth } from '../../../shared/calendar';
import type { Json } from '../catalog';
import { ATTRIBUTION_SUFFIXES, BILLING_DIMENSIONS, COST_ATTRIBUTION_DAYS, hash64, HISTORICAL_COST_DAYS, PROJECTION_DAYS, round2, splitField, TAG_VALUES, USAGE_RETENTION_MONTHS, usageTime, zuluTime } from './billing';
import { UsageFigures, type Org } from './figures';

const DAY = 86_400_000;

/** The usage figures, and the costs that follow from them. */
export class UsageCosts extends UsageFigures {
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
}

function sumCharges(lists: Json[][]): Json[] {
  return lists[0].map((charge, i) => ({ ...charge, cost: round2(lists.reduce((sum, list) => sum + Number(list[i].cost), 0)) }));
}
