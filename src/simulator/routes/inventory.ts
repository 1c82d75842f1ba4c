/**
 * The inventory endpoints: one dashboard's definition and one metric's metadata, the organisation,
 * its keys (metadata only, as Datadog lists them), SAML mappings, cloud integrations, network
 * devices, host tags, locations, reference tables, pipelines and the Sensitive Data Scanner config.
 */
import { ok, Params, refuse, slice, type Route, type SimRequest, type SimResponse } from '../http';
import type { Json } from '../datasets/catalog';
import { dashboardDefinition, hostTags, metricMetadata } from '../datasets/inventory';

const notFound = (message: string): SimResponse => ({ status: 404, body: { errors: [message] } });

/** `page[number]` from 0 and `page[size]` at most `max` (default 10), the JSON:API lists' paging. */
function numberedPage(req: SimRequest, max = 100, size = 10): { params: Params; number: number; size: number } {
  const params = new Params(req.query);
  return { params, number: params.int('page[number]', 0), size: params.int('page[size]', size, { min: 1, max }) };
}

/**
 * A list sorted by `sort` (an attribute, `-` for descending), refused when the value is not one the
 * endpoint's enum allows.
 */
function sorted(items: Json[], params: Params, allowed: readonly string[], fallback: string | null): Json[] {
  const raw = params.string('sort') ?? fallback;
  if (raw === null) return items;
  const field = raw.replace(/^-/, '');
  if (!allowed.includes(field)) {
    params.problems.push(`sort must be one of ${allowed.flatMap((f) => [f, `-${f}`]).join(', ')}, got ${JSON.stringify(raw)}`);
    return items;
  }
  const value = (item: Json) => String((item.attributes as Json)?.[field] ?? '');
  const direction = raw.startsWith('-') ? -1 : 1;
  return [...items].sort((a, b) => direction * (value(a) < value(b) ? -1 : value(a) > value(b) ? 1 : 0) || (String(a.id) < String(b.id) ? -1 : 1));
}

/** Items whose `attributes.name` contains `filter`, as the key lists' `filter` parameter does. */
function named(items: Json[], filter: string | null): Json[] {
  return filter === null ? items : items.filter((item) => String((item.attributes as Json).name).toLowerCase().includes(filter.toLowerCase()));
}

/** GET /api/v1/dashboard/{dashboard_id}: the whole dashboard, or 404 once it is deleted. */
export const getDashboard: Route = (world, req) => {
  const summary = world.dashboards.find((d) => d.id === req.params.dashboard_id);
  return summary ? ok(dashboardDefinition(summary)) : notFound(`Dashboard with ID ${req.params.dashboard_id} not found`);
};

/** GET /api/v1/metrics/{metric_name}: the metric's metadata (without its name), 404 for a metric Datadog does not know. */
export const getMetricMetadata: Route = (world, req) => {
  const name = req.params.metric_name;
  return world.metrics.some((m) => m.record.id === name) ? ok(metricMetadata(name)) : notFound(`Metric ${name} not found`);
};

/** GET /api/v1/org: ListOrgs, the organisation and the child organisations it manages. */
export const listOrgs: Route = (world) => ok({ orgs: world.inventory.orgs });

/** GET /api/v2/api_keys: JSON:API pages sorted by `sort` (default `name`); never the key itself. */
export const listApiKeys: Route = (world, req) => {
  const { params, number, size } = numberedPage(req);
  const keys = sorted(named(world.inventory.apiKeys, params.string('filter')), params, ['created_at', 'last4', 'modified_at', 'name'], 'name');
  return refuse(params) ?? ok({ data: slice(keys, number * size, size), meta: { max_allowed: 50, page: { total_filtered_count: keys.length } } });
};

/** GET /api/v2/application_keys: every application key of the organisation, JSON:API pages; never the key itself. */
export const listApplicationKeys: Route = (world, req) => {
  const { params, number, size } = numberedPage(req);
  const keys = sorted(named(world.inventory.applicationKeys, params.string('filter')), params, ['created_at', 'last4', 'name'], 'name');
  return refuse(params) ?? ok({ data: slice(keys, number * size, size), meta: { max_allowed_per_user: 50, page: { total_filtered_count: keys.length } } });
};

/** GET /api/v2/authn_mappings: mappings to roles, or to teams with `resource_type=team`. */
export const listAuthnMappings: Route = (world, req) => {
  const { params, number, size } = numberedPage(req);
  const type = params.oneOf('resource_type', ['role', 'team'] as const, 'role');
  const mappings = sorted(world.inventory.authnMappings[type], params, ['created_at', 'saml_assertion_attribute_id'], null);
  const total = world.inventory.authnMappings[type].length;
  return refuse(params) ?? ok({ data: slice(mappings, number * size, size), included: [], meta: { page: { total_count: total, total_filtered_count: mappings.length } } });
};

/** GET /api/v2/integration/aws/accounts: every account, or the one `aws_account_id` names. */
export const listAwsAccounts: Route = (world, req) => {
  const account = req.query.get('aws_account_id');
  return ok({ data: world.inventory.awsAccounts.filter((a) => account === null || (a.attributes as Json).aws_account_id === account) });
};

/** GET /api/v2/integration/gcp/accounts: the STS-enabled service accounts. */
export const listGcpAccounts: Route = (world) => ok({ data: world.inventory.gcpAccounts });

/** GET /api/v1/integration/azure: a bare array of app registrations. */
export const listAzureIntegrations: Route = (world) => ok(world.inventory.azureAccounts);

/** GET /api/v2/integrations: Datadog's integrations, each with `installed`. */
export const listIntegrations: Route = (world) => ok({ data: world.inventory.integrations });

/** GET /api/v2/ndm/devices: `page[size]` at most 500 (default 50), `page[number]` from 0, `sort` (default `name`), `filter[tag]`. */
export const listNdmDevices: Route = (world, req) => {
  const { params, number, size } = numberedPage(req, 500, 50);
  const tag = params.string('filter[tag]');
  const devices = world.inventory.ndmDevices.filter((d) => tag === null || ((d.attributes as Json).tags as string[]).includes(tag));
  const ordered = sorted(devices, params, ['name', 'ip_address', 'status', 'vendor', 'device_type', 'location'], 'name');
  return refuse(params) ?? ok({ data: slice(ordered, number * size, size), meta: { page: { total_filtered_count: ordered.length } } });
};

/** GET /api/v1/tags/hosts: each tag and the hosts that carry it, from every source or the one `source` names. */
export const listHostTags: Route = (world, req) => ok({ tags: hostTags(world, req.query.get('source') ?? undefined) });

/** GET /api/v1/synthetics/locations: public and private locations, `{id, name}` only. */
export const listSyntheticLocations: Route = (world) => ok({ locations: world.inventory.locations });

/** GET /api/v2/reference-tables/tables: `page[offset]`, `page[limit]` 1–100 (default 15), `sort` (default `-updated_at`), filters. */
export const listReferenceTables: Route = (world, req) => {
  const params = new Params(req.query);
  const offset = params.int('page[offset]', 0);
  const limit = params.int('page[limit]', 15, { min: 1, max: 100 });
  const status = params.string('filter[status]');
  const exact = params.string('filter[table_name][exact]');
  const contains = params.string('filter[table_name][contains]');
  const tables = world.inventory.referenceTables.filter((t) => {
    const attributes = t.attributes as Json;
    const name = String(attributes.table_name);
    return (status === null || attributes.status === status) && (exact === null || name === exact) && (contains === null || name.includes(contains));
  });
  const ordered = sorted(tables, params, ['updated_at', 'table_name', 'status'], '-updated_at');
  return refuse(params) ?? ok({ data: slice(ordered, offset, limit) });
};

/** GET /api/v2/obs-pipelines/pipelines: `page[size]` at most 100 (default 10), `page[number]` from 0, `meta.totalCount`. */
export const listPipelines: Route = (world, req) => {
  const { params, number, size } = numberedPage(req);
  const pipelines = world.inventory.pipelines;
  return refuse(params) ?? ok({ data: slice(pipelines, number * size, size), meta: { totalCount: pipelines.length } });
};

/**
 * GET /api/v2/sensitive-data-scanner/config: the configuration, its groups in order in
 * `relationships.groups`, and the groups and their rules together in `included`.
 */
export const getScannerConfig: Route = (world) => {
  const { sdsGroups, sdsRules, sdsConfigurationId } = world.inventory;
  const included = sdsGroups.flatMap((group) => [group, ...sdsRules.filter((rule) => ((rule.relationships as Json).group as { data: Json }).data.id === group.id)]);
  return ok({
    data: {
      id: sdsConfigurationId,
      type: 'sensitive_data_scanner_configuration',
      attributes: {},
      relationships: { groups: { data: sdsGroups.map((g) => ({ id: g.id, type: g.type })) } },
    },
    included,
    meta: { count_limit: 100, group_count_limit: 20, has_highlight_enabled: true, has_multi_pass_enabled: true, is_pci_compliant: false, version: 42 },
  });
};
