/** What the inventory's generators share: its sizes, and the one random sequence they draw from in turn. */
import type { Json } from '../catalog';

export const DAY = 86_400_000;
export const HEX = '0123456789abcdef';
export const iso = (ms: number) => new Date(ms).toISOString();

/** Sizes a test may choose for the inventory datasets. */
export interface InventoryCounts {
  /** Child organisations the parent manages (ListOrgs lists them after it). */
  child_orgs?: number;
  api_keys?: number;
  application_keys?: number;
  authn_mappings?: number;
  authn_team_mappings?: number;
  aws_accounts?: number;
  gcp_accounts?: number;
  azure_integrations?: number;
  integrations?: number;
  ndm_devices?: number;
  synthetic_private_locations?: number;
  reference_tables?: number;
  observability_pipelines?: number;
  sensitive_data_scanner_groups?: number;
  sensitive_data_scanner_rules?: number;
}

export const DEFAULT_COUNTS: Required<InventoryCounts> = {
  child_orgs: 1,
  api_keys: 14,
  application_keys: 12,
  authn_mappings: 13,
  authn_team_mappings: 4,
  aws_accounts: 3,
  gcp_accounts: 2,
  azure_integrations: 3,
  integrations: 40,
  ndm_devices: 60,
  synthetic_private_locations: 3,
  reference_tables: 18,
  observability_pipelines: 12,
  sensitive_data_scanner_groups: 5,
  sensitive_data_scanner_rules: 8,
};

/**
 * One random sequence, drawn from by each generator in the order the inventory calls them (so each
 * record is the same for a seed), and what they draw with it.
 */
export interface Draw {
  random: () => number;
  now: number;
  /** How many of a dataset to make. */
  size(name: keyof InventoryCounts): number;
  /** A time between `minDays` and `maxDays` days ago, to the hour. */
  ago(minDays: number, maxDays: number): number;
  /** One of the organisation's users. */
  userId(): string;
}

/** Oldest first by an attribute, ties by id, as `sort=<attribute>` returns them. */
export function byAttribute(name: string): (a: Json, b: Json) => number {
  return (a, b) => {
    const av = String((a.attributes as Json)[name]);
    const bv = String((b.attributes as Json)[name]);
    return av < bv ? -1 : av > bv ? 1 : String(a.id) < String(b.id) ? -1 : 1;
  };
}
