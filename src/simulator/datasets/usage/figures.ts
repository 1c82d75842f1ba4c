/**
 * The organisations' usage figures: hourly usage by product family, monthly summaries and hourly usage
 * attribution, each a pure function of the seed, the organisation, the hour or month and a revision count.
 */
import { addMonths, HOUR_MS, shiftMonths, startOfHour, startOfMonth } from '../../../shared/calendar';
import { hashUnit } from '../../random';
import type { Json } from '../catalog';
import { ATTRIBUTED_USAGE_TYPES, ATTRIBUTION_DELAY_HOURS, hash64, PRODUCT_FAMILIES, SUMMARY_FIELDS, TAG_VALUES, USAGE_RETENTION_MONTHS, usageTime } from './billing';

export interface Org {
  name: string;
  public_id: string;
  region: string;
}

/** The organisations, and the usage figures Datadog reports for them; `revise` changes a figure. */
export class UsageFigures {
  /** Revisions per figure (`revise`): each changes the figure. */
  private readonly revisions = new Map<string, number>();

  constructor(
    protected readonly seed: number,
    protected readonly clock: () => number,
    readonly orgs: Org[],
  ) {}

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
  protected unit(what: string, when: number, ...of: string[]): number {
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
  protected monthShare(month: number): number {
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

  // ── Hourly usage attribution ───────────────────────────────────────────────────────────

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
}
