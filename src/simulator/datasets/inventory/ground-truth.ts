import type { DashboardRecord } from '../../data';
import type { Json } from '../catalog';
import { hostTags } from './host-tags';
import type { Inventory } from './index';

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
  const ids = (items: Json[], key = 'id') => items.map((item) => String(item[key])).sort();
  const { inventory } = world;
  switch (stream) {
    case 'dashboard_definitions':
      return world.dashboards.map((d) => d.id).sort();
    case 'metric_metadata':
      // The metrics the metrics list holds (30 days): each has metadata.
      return ids(world.activeMetrics(30 * 86_400));
    case 'org':
      return ids(inventory.orgs, 'public_id');
    case 'api_keys':
      return ids(inventory.apiKeys);
    case 'application_keys':
      return ids(inventory.applicationKeys);
    case 'authn_mappings':
      return ids(inventory.authnMappings.role);
    case 'authn_team_mappings':
      return ids(inventory.authnMappings.team);
    case 'user_roles':
      return world.users.flatMap((u) => ((u.relationships as { roles: { data: Json[] } }).roles.data ?? []).map((r) => `${u.id}:${r.id}`)).sort();
    case 'aws_accounts':
      return ids(inventory.awsAccounts);
    case 'gcp_accounts':
      return ids(inventory.gcpAccounts);
    case 'azure_integrations':
      return inventory.azureAccounts.map((a) => `${a.tenant_name}:${a.client_id}`).sort();
    case 'integrations':
      return ids(inventory.integrations);
    case 'ndm_devices':
      return ids(inventory.ndmDevices);
    case 'host_tags':
      return Object.entries(hostTags(world))
        .flatMap(([tag, hosts]) => hosts.map((host) => `${host}|${tag}`))
        .sort();
    case 'synthetic_private_locations':
      return ids(inventory.locations.filter((l) => String(l.id).startsWith('pl:')));
    case 'reference_tables':
      return ids(inventory.referenceTables);
    case 'observability_pipelines':
      return ids(inventory.pipelines);
    case 'sensitive_data_scanner_groups':
      return ids(inventory.sdsGroups);
    default:
      return undefined;
  }
}
