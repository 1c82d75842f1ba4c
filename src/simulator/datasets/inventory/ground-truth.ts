import type { DashboardRecord } from '../../data';
import type { Json } from '../catalog';
import { hostTags } from './host-tags';
import type { Inventory } from './index';
import { sortedIds, truthOf } from '../../ground-truth';

/** What the world holds that the inventory's ground truth reads. */
export interface InventoryWorld {
  inventory: Inventory;
  dashboards: DashboardRecord[];
  users: Json[];
  activeMetrics(windowSeconds: number): Json[];
  visibleHosts(from?: number): Json[];
  clock(): number;
}

/** The ids a correct sync holds for an inventory stream (sorted as strings); undefined for other streams. */
export function inventoryGroundTruth(world: InventoryWorld, stream: string): string[] | undefined {
  const { inventory } = world;
  return truthOf(stream, {
    dashboard_definitions: () => world.dashboards.map((d) => d.id).sort(),
    // The metrics the metrics list holds (30 days): each has metadata.
    metric_metadata: () => sortedIds(world.activeMetrics(30 * 86_400)),
    org: () => sortedIds(inventory.orgs, 'public_id'),
    api_keys: inventory.apiKeys,
    application_keys: inventory.applicationKeys,
    authn_mappings: inventory.authnMappings.role,
    authn_team_mappings: inventory.authnMappings.team,
    user_roles: () => world.users.flatMap((u) => ((u.relationships as { roles: { data: Json[] } }).roles.data ?? []).map((r) => `${u.id}:${r.id}`)).sort(),
    aws_accounts: inventory.awsAccounts,
    gcp_accounts: inventory.gcpAccounts,
    azure_integrations: () => inventory.azureAccounts.map((a) => `${a.tenant_name}:${a.client_id}`).sort(),
    integrations: inventory.integrations,
    ndm_devices: inventory.ndmDevices,
    host_tags: () =>
      Object.entries(hostTags(world))
        .flatMap(([tag, hosts]) => hosts.map((host) => `${host}|${tag}`))
        .sort(),
    synthetic_private_locations: () => sortedIds(inventory.locations.filter((l) => String(l.id).startsWith('pl:'))),
    reference_tables: inventory.referenceTables,
    observability_pipelines: inventory.pipelines,
    sensitive_data_scanner_groups: inventory.sdsGroups,
  });
}
