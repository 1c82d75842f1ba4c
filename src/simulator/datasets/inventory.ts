/**
 * The organisation's inventory: dashboard definitions and metric metadata (read one per dashboard or
 * metric), the organisation itself, its keys (whole values kept aside: Datadog's lists never show
 * them), SAML mappings, cloud integrations, network devices, host tags, private locations, reference
 * tables, pipelines and Sensitive Data Scanner groups. Shapes follow the spec and Datadog's recordings.
 */
import type { DashboardRecord } from '../data';
import { SERVICES } from '../data';
import { between, hashUnit, pick, randomId, seededRandom, uuid } from '../random';
import type { Json } from './catalog';

const DAY = 86_400_000;
const HEX = '0123456789abcdef';
const iso = (ms: number) => new Date(ms).toISOString();

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

const DEFAULT_COUNTS: Required<InventoryCounts> = {
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

/** The public locations every organisation sees in `GET /api/v1/synthetics/locations`. */
const PUBLIC_LOCATIONS: [string, string][] = [
  ['aws:eu-west-3', 'Paris (AWS)'],
  ['aws:us-east-2', 'Ohio (AWS)'],
  ['aws:ap-northeast-1', 'Tokyo (AWS)'],
  ['azure:eastus', 'Virginia (Azure)'],
  ['gcp:europe-west3', 'Frankfurt (GCP)'],
  ['aws:eu-central-1', 'Frankfurt (AWS)'],
];

const INTEGRATION_NAMES = ['amazon-ecs', 'amazon-s3', 'amazon-rds', 'azure-vm', 'google-cloud-run', 'kubernetes', 'docker', 'nginx', 'postgres', 'redis', 'kafka', 'mysql', 'slack', 'pagerduty', 'github'];
const CATEGORIES = ['Category::AWS', 'Category::Cloud', 'Category::Containers', 'Category::Log Collection', 'Category::Metrics', 'Offering::Integration'];
const UNITS = ['byte', 'second', 'millisecond', 'percent', 'request', 'query', 'connection', null];

/**
 * A metric's metadata as `GET /api/v1/metrics/{metric_name}` answers: the same every time for one
 * name, without the name. Fields nobody set are left out (the spec types none of them nullable).
 */
export function metricMetadata(name: string): Json {
  const random = seededRandom(Math.floor(hashUnit(name) * 2 ** 32));
  const type = pick(random, ['gauge', 'count', 'rate', 'distribution']);
  // A custom metric nobody described has a type and nothing else.
  if (name.startsWith('custom.') && random() < 0.4) return { type };
  const unit = pick(random, UNITS);
  const integration = name.startsWith('system.') ? 'system' : name.startsWith('trace.') ? 'trace' : undefined;
  return {
    description: `${name.split('.').slice(0, 2).join(' ')} as reported by the agent`,
    short_name: name.split('.').pop(),
    ...(integration ? { integration } : {}),
    ...(type === 'count' || type === 'rate' ? { statsd_interval: 10 } : {}),
    ...(type === 'rate' ? { per_unit: 'second' } : {}),
    type,
    ...(unit ? { unit } : {}),
  };
}

/**
 * A dashboard's whole definition, as `GET /api/v1/dashboard/{dashboard_id}` answers: its summary's
 * fields, and widgets and template variables that follow from its id and `modified_at` (a modified
 * dashboard has other widgets).
 */
export function dashboardDefinition(summary: DashboardRecord): Json {
  const random = seededRandom(Math.floor(hashUnit(`${summary.id}@${summary.modified_at}`) * 2 ** 32));
  const service = pick(random, SERVICES);
  const widgets = Array.from({ length: between(random, 1, 6) }, (_, i) => {
    const id = 1_000_000_000_000_000 + Math.floor(random() * 8_000_000_000_000_000);
    const layout = summary.layout_type === 'free' ? { layout: { x: (i % 2) * 6, y: Math.floor(i / 2) * 4, width: 6, height: 4 } } : {};
    if (random() < 0.3) return { id, definition: { type: 'note', content: `Runbook for ${service}`, background_color: 'yellow', show_tick: false }, ...layout };
    return {
      id,
      definition: {
        type: 'timeseries',
        title: `${pick(random, ['CPU', 'Errors', 'Latency', 'Requests'])} of ${service}`,
        requests: [{ q: `avg:${pick(random, ['system.cpu.user', 'trace.http.request.errors', 'requests.total'])}{service:${service}}`, display_type: 'line' }],
        show_legend: random() < 0.5,
      },
      ...layout,
    };
  });
  return {
    id: summary.id,
    title: summary.title,
    description: summary.description,
    author_handle: summary.author_handle,
    author_name: summary.author_handle.split('@')[0],
    layout_type: summary.layout_type,
    ...(summary.layout_type === 'ordered' ? { reflow_type: 'auto' } : {}),
    url: summary.url,
    is_read_only: summary.is_read_only,
    notify_list: null,
    restricted_roles: [],
    tags: random() < 0.5 ? [`team:${pick(random, ['core', 'growth', 'platform'])}`] : [],
    template_variables: random() < 0.6 ? [{ name: 'env', prefix: 'env', available_values: ['prod', 'staging'], defaults: ['prod'] }] : null,
    widgets,
    created_at: summary.created_at,
    modified_at: summary.modified_at,
  };
}

/** A full key and its last four characters. */
function secretKey(random: () => number, length: number): { key: string; last4: string } {
  const key = randomId(random, length, HEX);
  return { key, last4: key.slice(-4) };
}

/** The inventory of one simulated organisation. */
export class Inventory {
  readonly orgs: Json[];
  readonly apiKeys: Json[];
  readonly applicationKeys: Json[];
  /** Whole key values by key id: what a table must never hold. */
  readonly keyValues = new Map<string, string>();
  readonly authnMappings: { role: Json[]; team: Json[] };
  readonly awsAccounts: Json[];
  readonly gcpAccounts: Json[];
  readonly azureAccounts: Json[];
  readonly integrations: Json[];
  readonly ndmDevices: Json[];
  readonly locations: Json[];
  readonly referenceTables: Json[];
  readonly pipelines: Json[];
  readonly sdsGroups: Json[];
  readonly sdsRules: Json[];
  readonly sdsConfigurationId: string;

  constructor(seed: number, counts: InventoryCounts = {}, now: number, people: { users: Json[]; roles: Json[]; teams: Json[] }) {
    const size = (name: keyof InventoryCounts) => counts[name] ?? DEFAULT_COUNTS[name];
    const random = seededRandom(seed ^ 0x1e47);
    const userId = () => String(pick(random, people.users.length ? people.users : [{ id: uuid(random) }]).id);
    const ago = (minDays: number, maxDays: number) => now - between(random, minDays * 24, maxDays * 24) * 3_600_000;
    assignRoles(random, people.users, people.roles);

    this.orgs = Array.from({ length: 1 + size('child_orgs') }, (_, i) => ({
      public_id: randomId(random, 12, HEX),
      name: i === 0 ? 'Example Org' : `Example Org ${pick(random, ['EU', 'US', 'Staging'])} ${i}`,
      description: i === 0 ? 'The parent organization' : 'A child organization',
      created: iso(ago(200, 2000)),
      billing: { type: i === 0 ? 'parent_billing' : 'child_billing' },
      subscription: { type: 'pro' },
      trial: false,
      settings: {
        private_widget_share: random() < 0.3,
        saml: { enabled: i === 0 },
        saml_autocreate_access_role: 'st',
        saml_autocreate_users_domains: { enabled: false, domains: [] },
        saml_can_be_enabled: true,
        saml_idp_initiated_login: { enabled: false },
        saml_idp_metadata_uploaded: i === 0,
        ...(i === 0 ? { saml_login_url: `https://app.datadoghq.com/account/login/id/${randomId(random, 12, HEX)}` } : {}),
        saml_strict_mode: { enabled: false },
      },
    }));

    this.apiKeys = Array.from({ length: size('api_keys') }, (_, i) => {
      const id = uuid(random);
      const { key, last4 } = secretKey(random, 32);
      this.keyValues.set(id, key);
      const created = ago(1, 900);
      const creator = userId();
      return {
        type: 'api_keys',
        id,
        attributes: {
          category: 'default',
          created_at: iso(created),
          date_last_used: random() < 0.7 ? iso(now - between(random, 0, 30) * DAY) : null,
          last4,
          modified_at: iso(created + Math.floor(random() * (now - created))),
          name: `${pick(random, SERVICES)} agent key ${i + 1}`,
          remote_config_read_enabled: random() < 0.5,
          used_in_last_24_hours: random() < 0.5,
        },
        relationships: { created_by: { data: { type: 'users', id: creator } }, modified_by: { data: { type: 'users', id: creator } } },
      };
    }).sort(byAttribute('created_at'));

    this.applicationKeys = Array.from({ length: size('application_keys') }, (_, i) => {
      const id = uuid(random);
      const { key, last4 } = secretKey(random, 40);
      this.keyValues.set(id, key);
      return {
        type: 'application_keys',
        id,
        attributes: {
          created_at: iso(ago(1, 900)),
          last4,
          last_used_at: random() < 0.6 ? iso(now - between(random, 0, 30) * DAY) : null,
          name: `${pick(random, ['terraform', 'retriever', 'ci', 'grafana'])} ${i + 1}`,
          scopes: random() < 0.5 ? null : ['dashboards_read', 'metrics_read'],
        },
        relationships: { owned_by: { data: { type: 'users', id: userId() } } },
      };
    }).sort(byAttribute('created_at'));

    const mapping = (to: 'role' | 'team', target: () => string) => {
      const created = ago(1, 700);
      return {
        type: 'authn_mappings',
        id: uuid(random),
        attributes: {
          attribute_key: pick(random, ['groups', 'member_of', 'department']),
          attribute_value: `${pick(random, SERVICES)}-${randomId(random, 6, HEX)}`,
          created_at: iso(created),
          modified_at: iso(created + Math.floor(random() * (now - created))),
          saml_assertion_attribute_id: String(between(random, 100, 999)),
        },
        relationships: { [to]: { data: { type: to === 'role' ? 'roles' : 'team', id: target() } } },
      };
    };
    const roleId = () => String(pick(random, people.roles.length ? people.roles : [{ id: uuid(random) }]).id);
    const teamId = () => String(pick(random, people.teams.length ? people.teams : [{ id: uuid(random) }]).id);
    this.authnMappings = {
      role: Array.from({ length: size('authn_mappings') }, () => mapping('role', roleId)).sort(byAttribute('created_at')),
      team: Array.from({ length: size('authn_team_mappings') }, () => mapping('team', teamId)).sort(byAttribute('created_at')),
    };

    this.awsAccounts = Array.from({ length: size('aws_accounts') }, () => {
      const account = String(between(random, 100_000_000_000, 999_999_999_999));
      const byRole = random() < 0.7;
      const created = ago(10, 900);
      return {
        id: uuid(random),
        type: 'account',
        attributes: {
          account_tags: random() < 0.5 ? [`env:${pick(random, ['prod', 'staging'])}`] : [],
          // Access keys are listed by id only: the secret is write-only.
          auth_config: byRole ? { role_name: 'DatadogIntegrationRole', external_id: randomId(random, 32, HEX) } : { access_key_id: `AKIA${account}` },
          aws_account_id: account,
          aws_partition: 'aws',
          aws_regions: random() < 0.6 ? { include_all: true } : { include_only: ['eu-central-1', 'us-east-1'] },
          created_at: iso(created),
          logs_config: { lambda_forwarder: { lambdas: [], sources: [] } },
          metrics_config: { enabled: true, automute_enabled: true, collect_custom_metrics: false, collect_cloudwatch_alarms: false, tag_filters: [], namespace_filters: { exclude_only: ['AWS/SQS'] } },
          modified_at: iso(created + Math.floor(random() * (now - created))),
          resources_config: { cloud_security_posture_management_collection: false, extended_collection: random() < 0.5 },
          traces_config: { xray_services: { include_only: [] } },
        },
      };
    });

    this.gcpAccounts = Array.from({ length: size('gcp_accounts') }, (_, i) => ({
      type: 'gcp_service_account',
      id: uuid(random),
      attributes: {
        account_tags: [],
        automute: random() < 0.5,
        client_email: `datadog-${i + 1}@project-${randomId(random, 6, HEX)}.iam.gserviceaccount.com`,
        cloud_run_revision_filters: [],
        host_filters: [],
        is_cspm_enabled: random() < 0.3,
        is_resource_change_collection_enabled: false,
        is_security_command_center_enabled: false,
        resource_collection_enabled: random() < 0.5,
      },
      meta: { accessible_projects: [`project-${randomId(random, 6, HEX)}`] },
    }));

    this.azureAccounts = Array.from({ length: size('azure_integrations') }, () => {
      const secretless = random() < 0.3;
      return {
        tenant_name: uuid(random),
        client_id: uuid(random),
        // Not write-only in the spec: an app registration made with a secret may come back with it.
        ...(secretless ? {} : { client_secret: `${randomId(random, 8)}~${randomId(random, 31)}` }),
        host_filters: random() < 0.5 ? 'env:prod' : '',
        app_service_plan_filters: '',
        container_app_filters: '',
        automute: random() < 0.5,
        cspm_enabled: false,
        custom_metrics_enabled: random() < 0.5,
        metrics_enabled: true,
        metrics_enabled_default: true,
        resource_collection_enabled: random() < 0.5,
        resource_provider_configs: [{ namespace: 'Microsoft.Compute', metrics_enabled: true }],
        secretless_auth_enabled: secretless,
        usage_metrics_enabled: true,
        errors: [],
      };
    });

    this.integrations = Array.from({ length: size('integrations') }, (_, i) => {
      const id = i < INTEGRATION_NAMES.length ? INTEGRATION_NAMES[i] : `${pick(random, ['acme', 'contoso', 'initech'])}-${randomId(random, 5, 'abcdefghijklmnopqrstuvwxyz')}-${i}`;
      return {
        id,
        type: 'integration',
        attributes: {
          title: id.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join(' '),
          description: `Collect metrics and logs from ${id}.`,
          categories: CATEGORIES.filter(() => random() < 0.4),
          installed: random() < 0.3,
        },
        links: { self: `/integrations?integrationId=${id}` },
      };
    }).sort((a, b) => (a.id < b.id ? -1 : 1));

    this.ndmDevices = Array.from({ length: size('ndm_devices') }, (_, i) => {
      const ip = `10.${between(random, 0, 3)}.${Math.floor(i / 250)}.${(i % 250) + 1}`;
      return {
        id: `default:${ip}`,
        type: 'device',
        attributes: {
          name: `${pick(random, ['core-switch', 'edge-router', 'firewall', 'access-point'])}-${String(i + 1).padStart(3, '0')}`,
          description: 'a device monitored with NDM',
          device_type: pick(random, ['switch', 'router', 'firewall', 'access_point', 'other']),
          integration: 'snmp',
          interface_statuses: { up: between(random, 0, 48), down: between(random, 0, 4), warning: between(random, 0, 2), off: between(random, 0, 8) },
          ip_address: ip,
          location: pick(random, ['paris', 'frankfurt', 'virginia']),
          model: `xx-${between(random, 100, 999)}`,
          os_hostname: `dev-${i + 1}`,
          os_name: 'example OS',
          os_version: '1.0.2',
          ping_status: pick(random, ['up', 'unmonitored']),
          product_name: 'example device',
          serial_number: `X${between(random, 10_000, 99_999)}`,
          status: pick(random, ['ok', 'ok', 'ok', 'warning', 'critical']),
          subnet: `10.0.${Math.floor(i / 250)}.0/24`,
          sys_object_id: '1.3.6.1.4.1.99999',
          tags: [`device_ip:${ip}`, `device_id:default:${ip}`, `device_namespace:default`],
          vendor: pick(random, ['cisco', 'juniper', 'arista']),
          version: '1.0',
        },
      };
    });

    const privates = Array.from({ length: size('synthetic_private_locations') }, (_, i) => ({
      id: `pl:${pick(random, ['office', 'datacenter', 'vpc'])}-${i + 1}-${randomId(random, 32, HEX)}`,
      name: `Private location ${i + 1}`,
    }));
    this.locations = [...PUBLIC_LOCATIONS.map(([id, name]) => ({ id, name })), ...privates];

    this.referenceTables = Array.from({ length: size('reference_tables') }, (_, i) => {
      const source = pick(random, ['LOCAL_FILE', 'S3', 'GCS', 'AZURE']);
      const updated = ago(0, 300);
      return {
        id: uuid(random),
        type: 'reference_table',
        attributes: {
          table_name: `${pick(random, ['users', 'hosts', 'owners', 'regions', 'prices'])}_${i + 1}`,
          description: 'Enrichment table',
          source,
          status: pick(random, ['DONE', 'DONE', 'PROCESSING', 'ERROR']),
          row_count: between(random, 0, 50_000),
          schema: { fields: [{ name: 'id', type: 'STRING' }, { name: 'value', type: 'INT32' }], primary_keys: ['id'] },
          file_metadata:
            source === 'S3'
              ? { sync_enabled: true, access_details: { aws_detail: { aws_account_id: '123456789000', aws_bucket_name: 'example-data-bucket', file_path: `reference-tables/table-${i + 1}.csv` } } }
              : { sync_enabled: false },
          tags: [],
          created_by: userId(),
          last_updated_by: userId(),
          updated_at: iso(updated),
        },
      };
    });

    this.pipelines = Array.from({ length: size('observability_pipelines') }, (_, i) => ({
      id: uuid(random),
      type: 'pipelines',
      attributes: {
        name: `${pick(random, SERVICES)}-logs-pipeline-${i + 1}`,
        config: {
          pipeline_type: 'logs',
          sources: [{ id: 'source-1', type: 'datadog_agent' }],
          processor_groups: [],
          processors: [],
          destinations: [{ id: 'destination-1', type: 'datadog_logs', inputs: ['source-1'] }],
        },
      },
    }));

    const configurationId = uuid(random);
    this.sdsGroups = Array.from({ length: size('sensitive_data_scanner_groups') }, (_, i) => ({
      type: 'sensitive_data_scanner_group',
      id: uuid(random),
      attributes: {
        name: `${pick(random, ['PII', 'Payment data', 'Credentials'])} ${i + 1}`,
        description: '',
        filter: { query: i === 0 ? '*' : `service:${pick(random, SERVICES)}` },
        is_enabled: random() < 0.7,
        product_list: ['logs'],
        samplings: [],
      },
      relationships: { configuration: { data: { type: 'sensitive_data_scanner_configuration', id: configurationId } }, rules: { data: [] as Json[] } },
    }));
    this.sdsRules = Array.from({ length: this.sdsGroups.length ? size('sensitive_data_scanner_rules') : 0 }, (_, i) => {
      const group = pick(random, this.sdsGroups);
      const id = uuid(random);
      ((group.relationships as Json).rules as { data: Json[] }).data.push({ type: 'sensitive_data_scanner_rule', id });
      return {
        type: 'sensitive_data_scanner_rule',
        id,
        attributes: {
          name: `Rule ${i + 1}`,
          description: 'Redacts matches',
          pattern: pick(random, ['\\b\\d{16}\\b', '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+']),
          excluded_namespaces: [],
          namespaces: [],
          is_enabled: true,
          priority: between(random, 1, 5),
          tags: ['sensitive_data:credit_card'],
          text_replacement: { type: 'replacement_string', replacement_string: '[redacted]' },
        },
        relationships: { group: { data: { type: 'sensitive_data_scanner_group', id: String(group.id) } } },
      };
    });
    this.sdsConfigurationId = configurationId;
  }
}

/** Oldest first by an attribute, ties by id, as `sort=<attribute>` returns them. */
function byAttribute(name: string): (a: Json, b: Json) => number {
  return (a, b) => {
    const av = String((a.attributes as Json)[name]);
    const bv = String((b.attributes as Json)[name]);
    return av < bv ? -1 : av > bv ? 1 : String(a.id) < String(b.id) ? -1 : 1;
  };
}

/**
 * Gives each user the roles Datadog lists in `relationships.roles.data` (most one, some two, a pending
 * invitation none yet), and its organisation, as the recorded ListUsers answers show.
 */
function assignRoles(random: () => number, users: Json[], roles: Json[]): void {
  const org = uuid(random);
  for (const user of users) {
    const pending = (user.attributes as Json)?.status === 'Pending';
    const count = roles.length === 0 ? 0 : pending ? between(random, 0, 1) : random() < 0.2 ? 2 : 1;
    const held = new Set<string>();
    while (held.size < Math.min(count, roles.length)) held.add(String(pick(random, roles).id));
    user.relationships = { roles: { data: [...held].map((id) => ({ type: 'roles', id })) }, org: { data: { type: 'orgs', id: org } } };
  }
}

/**
 * Host tags as `GET /api/v1/tags/hosts` answers: each tag, with every host carrying it (from any
 * source, or from one). Datadog returns at most 10,000 host names in all.
 */
export function tagsToHosts(hosts: Json[], source?: string): Record<string, string[]> {
  const tags: Record<string, string[]> = {};
  const named = [...new Set(hosts.map((h) => String(h.host_name)))].sort().slice(0, MAX_TAGGED_HOSTS);
  const kept = new Set(named);
  for (const host of hosts) {
    const name = String(host.host_name);
    if (!kept.has(name)) continue;
    for (const [from, list] of Object.entries((host.tags_by_source as Record<string, string[]>) ?? {})) {
      if (source !== undefined && from.toLowerCase() !== source.toLowerCase()) continue;
      for (const tag of list) (tags[tag] ??= []).includes(name) || tags[tag].push(name);
    }
  }
  return tags;
}

/** The host tags Datadog answers now: of the hosts it still keeps (7 days after their last report, as the host list). */
export function hostTags(world: Pick<InventoryWorld, 'visibleHosts' | 'clock'>, source?: string): Record<string, string[]> {
  return tagsToHosts(world.visibleHosts(world.clock() - 7 * DAY), source);
}

/** "a restriction of 10k total host names from the org that can be attached to tags and returned" (the spec). */
export const MAX_TAGGED_HOSTS = 10_000;

/** What the world holds that the inventory's ground truth reads. */
interface InventoryWorld {
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
