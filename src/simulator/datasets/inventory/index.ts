/**
 * The organisation's inventory: dashboard definitions and metric metadata (read one per dashboard or
 * metric), the organisation itself, its keys (whole values kept aside: Datadog's lists never show
 * them), SAML mappings, cloud integrations, network devices, host tags, private locations, reference
 * tables, pipelines and Sensitive Data Scanner groups. Shapes follow the spec and Datadog's recordings.
 */
import { between, pick, seededRandom, uuid } from '../../random';
import type { Json } from '../catalog';
import { generateLocations, generatePipelines, generateReferenceTables, generateScanner } from './data-processing';
import { DEFAULT_COUNTS, type Draw, type InventoryCounts } from './draw';
import { generateAwsAccounts, generateAzureAccounts, generateGcpAccounts, generateIntegrations, generateNdmDevices } from './integrations';
import { assignRoles, generateApiKeys, generateApplicationKeys, generateAuthnMappings, generateOrgs } from './organisation';

export { dashboardDefinition, metricMetadata } from './definitions';
export type { InventoryCounts } from './draw';
export { inventoryGroundTruth } from './ground-truth';
export { hostTags, MAX_TAGGED_HOSTS, tagsToHosts } from './host-tags';

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
    const draw: Draw = { random, now, size, ago, userId };

    this.orgs = generateOrgs(draw);
    this.apiKeys = generateApiKeys(draw, this.keyValues);
    this.applicationKeys = generateApplicationKeys(draw, this.keyValues);
    this.authnMappings = generateAuthnMappings(draw, people);
    this.awsAccounts = generateAwsAccounts(draw);
    this.gcpAccounts = generateGcpAccounts(draw);
    this.azureAccounts = generateAzureAccounts(draw);
    this.integrations = generateIntegrations(draw);
    this.ndmDevices = generateNdmDevices(draw);
    this.locations = generateLocations(draw);
    this.referenceTables = generateReferenceTables(draw);
    this.pipelines = generatePipelines(draw);
    const scanner = generateScanner(draw);
    this.sdsGroups = scanner.groups;
    this.sdsRules = scanner.rules;
    this.sdsConfigurationId = scanner.configurationId;
  }
}
