/**
 * The simulated organisation's software catalog and what is built around it: catalog entities and
 * relations, service definitions, scorecards, Case Management, status pages, RUM configuration and
 * powerpacks. Shapes follow the spec's components and the responses Datadog's own client repos
 * recorded; everything is a pure function of the seed.
 */
import { SERVICES } from '../data';
import { between, pick, randomId, seededRandom, uuid } from '../random';
import type { Json } from './catalog';

const DAY = 86_400_000;
const HEX = '0123456789abcdef';
const TEAMS = ['platform', 'payments', 'identity', 'discovery', 'sre', 'frontend'];
const PEOPLE = ['ana', 'li', 'sam', 'kim', 'noor', 'raj'];
const SUFFIXES = ['gateway', 'store', 'sync', 'index', 'notifier', 'scheduler', 'reporter', 'cache', 'router', 'ledger'];

/** Streams of this family whose size a test may choose. */
export type SoftwareCatalogStream =
  | 'catalog_entities'
  | 'service_definitions'
  | 'cases'
  | 'case_projects'
  | 'scorecard_rules'
  | 'scorecard_outcomes'
  | 'status_pages'
  | 'status_page_degradations'
  | 'status_page_maintenances'
  | 'rum_applications'
  | 'rum_metrics'
  | 'powerpacks';

export const SOFTWARE_CATALOG_COUNTS: Record<SoftwareCatalogStream, number> = {
  catalog_entities: 30,
  service_definitions: 14,
  cases: 23,
  case_projects: 3,
  scorecard_rules: 9,
  scorecard_outcomes: 40,
  status_pages: 3,
  status_page_degradations: 11,
  status_page_maintenances: 7,
  rum_applications: 4,
  rum_metrics: 5,
  powerpacks: 12,
};

/** ISO-8601 with whole seconds, as the catalog writes `createdAt`: `2022-08-04T20:37:09Z`. */
const seconds = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
/** ISO-8601 with microseconds (`2023-11-01T20:25:35.217803Z`), as most of these endpoints write times. */
const micros = (ms: number, random: () => number) => new Date(ms).toISOString().replace('Z', `${between(random, 0, 999).toString().padStart(3, '0')}Z`);
/** ISO-8601 with nanoseconds (`2026-02-05T03:58:14.876711989Z`), as cases write `modified_at`. */
const nanos = (ms: number, random: () => number) => new Date(ms).toISOString().replace('Z', `${between(random, 0, 999_999).toString().padStart(6, '0')}Z`);
const iso = (ms: number) => new Date(ms).toISOString();

/** A name for the i-th service: unique, and readable (`web-gateway`, `api-store`, …). */
export function serviceName(i: number): string {
  const base = `${SERVICES[i % SERVICES.length]}-${SUFFIXES[Math.floor(i / SERVICES.length) % SUFFIXES.length]}`;
  const round = Math.floor(i / (SERVICES.length * SUFFIXES.length));
  return round === 0 ? base : `${base}-${round + 1}`;
}

const ref = (kind: string, name: string) => `${kind}:default/${name}`;
const byId = (a: Json, b: Json) => (String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0);

// ── Software catalog ────────────────────────────────────────────────────────────────────────

const ENTITY_KINDS = ['service', 'service', 'service', 'service', 'datastore', 'queue', 'api', 'system'] as const;

/** A catalog entity; `discovered` ones (seen by APM, never defined) are listed only with `includeDiscovered=true`. */
function entity(random: () => number, kind: string, name: string, now: number, discovered: boolean): Json {
  const created = now - between(random, 2, 900) * DAY - between(random, 0, DAY);
  const owner = pick(random, TEAMS);
  return {
    id: uuid(random),
    type: 'entity',
    attributes: {
      apiVersion: discovered ? 'v2' : pick(random, ['v3', 'v3', 'v2.2']),
      kind,
      name,
      namespace: 'default',
      displayName: name,
      ...(discovered ? {} : { description: `${name} (${kind}), owned by ${owner}`, owner, tags: [`team:${owner}`, `tier:${between(random, 1, 3)}`] }),
    },
    meta: {
      createdAt: seconds(created),
      modifiedAt: seconds(created + Math.floor(random() * (now - created))),
      ingestionSource: discovered ? 'apm' : pick(random, ['api', 'api', 'github']),
      origin: discovered ? 'datadog' : 'unknown',
    },
  };
}

/** A relation, keyed `<from ref>:<type>:<to ref>` as Datadog keys them. */
function relation(random: () => number, from: Json, type: string, to: Json, now: number, discovered: boolean): Json {
  const side = (e: Json) => {
    const a = e.attributes as Json;
    return { kind: String(a.kind), name: String(a.name), namespace: 'default' };
  };
  const f = side(from);
  const t = side(to);
  const created = Date.parse(String((from.meta as Json).createdAt)) + between(random, 0, 30) * DAY;
  const time = micros(Math.min(created, now), random);
  return {
    id: `${ref(f.kind, f.name)}:${type}:${ref(t.kind, t.name)}`,
    type: 'relation',
    attributes: { from: f, to: t, type },
    meta: { createdAt: time, modifiedAt: time, source: discovered ? 'apm' : 'schema', definedBy: discovered ? 'apm' : ref(f.kind, f.name) },
  };
}

// ── Service definitions ─────────────────────────────────────────────────────────────────────

function serviceDefinition(random: () => number, name: string, now: number): Json {
  const version = pick(random, ['v2', 'v2.1', 'v2.1', 'v2.2']);
  const team = pick(random, TEAMS);
  const schema: Json = {
    'schema-version': version,
    'dd-service': name,
    team,
    contacts: [{ name: 'Team Email', type: 'email', contact: `${team}@example.com` }],
    links: [{ name: 'Runbook', type: 'runbook', url: `https://wiki.example.com/${name}/runbook` }],
    tags: [`team:${team}`, `service:${name}`],
  };
  if (version !== 'v2') Object.assign(schema, { description: `Serves ${name.replace(/-/g, ' ')}`, tier: pick(random, ['critical', 'high', 'low']), lifecycle: pick(random, ['production', 'experimental']) });
  if (version === 'v2.2') Object.assign(schema, { languages: [pick(random, ['go', 'python', 'java', 'ruby'])], type: 'web' });
  return {
    type: 'service-definition',
    id: randomId(random, 32, HEX),
    attributes: {
      meta: {
        'last-modified-time': seconds(now - between(random, 1, 400) * DAY),
        'github-html-url': '',
        'ingestion-source': 'api',
        origin: pick(random, ['dd_sdk', 'api', 'github']),
        'origin-detail': pick(random, ['ruby', 'go', '']),
        warnings: [],
        'ingested-schema-version': version,
      },
      schema,
    },
  };
}

// ── Case Management ─────────────────────────────────────────────────────────────────────────

const PROJECT_NAMES: [string, string][] = [
  ['CASEM', 'Security Investigation'],
  ['OPS', 'Operations'],
  ['ET', 'Error Tracking'],
  ['BILL', 'Billing Escalations'],
];
const CASE_STATUS = [
  { status: 'OPEN', status_group: 'SG_OPEN', status_name: 'Open' },
  { status: 'IN_PROGRESS', status_group: 'SG_IN_PROGRESS', status_name: 'In Progress' },
  { status: 'CLOSED', status_group: 'SG_CLOSED', status_name: 'Closed' },
];
const PRIORITIES = ['NOT_DEFINED', 'P1', 'P2', 'P3', 'P4', 'P5'];
const userRef = (random: () => number) => ({ data: { id: uuid(random), type: 'user' } });

function project(random: () => number, i: number): Json {
  const [key, name] = i < PROJECT_NAMES.length ? PROJECT_NAMES[i] : [`P${i}`, `Project ${i}`];
  return {
    id: uuid(random),
    type: 'project',
    attributes: {
      key,
      name,
      restricted: random() < 0.2,
      enabled_custom_case_types: [],
      settings: { auto_close_inactive_cases: { enabled: random() < 0.5, max_inactive_time_in_secs: 30 * 86_400 }, notification: { enabled: true, notify_on_case_assignment: true } },
    },
    relationships: { member_user: { data: [{ id: uuid(random), type: 'user' }] }, member_team: { data: [] } },
  };
}

/** A case; `created` is kept beside it so the route can sort without parsing. */
export interface StoredCase {
  created: number;
  priority: string;
  status: string;
  record: Json;
}

function aCase(random: () => number, projects: Json[], counters: Map<string, number>, created: number, now: number): StoredCase {
  const projectRecord = pick(random, projects);
  const key = String((projectRecord.attributes as Json).key);
  const number = (counters.get(key) ?? 0) + 1;
  counters.set(key, number);
  const state = pick(random, CASE_STATUS);
  const modified = nanos(created + Math.floor(random() * (now - created)), random);
  const priority = pick(random, PRIORITIES);
  const service = serviceName(between(random, 0, 20));
  const record: Json = {
    id: uuid(random),
    type: 'case',
    attributes: {
      key: `${key}-${number}`,
      title: `${pick(random, ['Elevated errors on', 'Suspicious login to', 'Latency regression in', 'Failed payments through'])} ${service}`,
      description: `Opened from a ${pick(random, ['monitor alert', 'security signal', 'customer report'])}.`,
      priority,
      ...state,
      type: 'STANDARD',
      type_id: '00000000-0000-0000-0000-000000000001',
      attributes: { service: [service], env: [pick(random, ['prod', 'staging'])] },
      custom_attributes: {},
      created_at: micros(created, random),
      modified_at: modified,
      // Closing is the last change a closed case had.
      closed_at: state.status === 'CLOSED' ? modified : null,
      archived_at: null,
      jira_issue: null,
      service_now_ticket: null,
      // Not in the spec, in every recorded case.
      comment_count: between(random, 0, 6),
    },
    relationships: {
      assignee: random() < 0.7 ? userRef(random) : { data: null },
      created_by: userRef(random),
      modified_by: userRef(random),
      project: { data: { id: String(projectRecord.id), type: 'project' } },
    },
  };
  return { created, priority, status: state.status, record };
}

// ── Scorecards ──────────────────────────────────────────────────────────────────────────────

const SCORECARDS: { id: string; name: string; rules: string[] }[] = [
  { id: 'q8MQxk8TCqrHnWkx', name: 'Production Readiness', rules: ['Has on-call', 'Has SLOs defined', 'Has monitors defined', 'Has a runbook'] },
  { id: 'hA5zOZJXXJ4K', name: 'Observability Best Practices', rules: ['Logs correlated with traces', 'Deployment tracking', 'Profiling enabled'] },
  { id: 'p3LvY0cWm1sE', name: 'Documentation & Ownership', rules: ['Has a team', 'Has contacts', 'Has a code repository', 'Has docs'] },
];

function rule(random: () => number, i: number, now: number): Json {
  const card = SCORECARDS[i % SCORECARDS.length];
  const base = card.rules[Math.floor(i / SCORECARDS.length) % card.rules.length];
  const round = Math.floor(i / (SCORECARDS.length * 3));
  const custom = round > 0 || random() < 0.2;
  const created = now - between(random, 5, 700) * DAY;
  return {
    id: uuid(random),
    type: 'rule',
    attributes: {
      name: round === 0 ? base : `${base} (${round + 1})`,
      description: `${base}.`,
      category: card.name,
      scorecard_name: card.name,
      level: between(random, 1, 3),
      enabled: random() < 0.9,
      custom,
      ...(custom ? { owner: pick(random, TEAMS), scope_query: `tier:${between(random, 1, 2)}` } : {}),
      created_at: micros(created, random),
      modified_at: micros(created + Math.floor(random() * (now - created)), random),
    },
    relationships: { scorecard: { data: { id: card.id, type: 'scorecard' } } },
  };
}

function outcome(random: () => number, ruleRecord: Json, service: string, now: number): Json {
  const state = pick(random, ['pass', 'pass', 'fail', 'skip']);
  const time = nanos(now - between(random, 0, 14) * DAY - between(random, 0, DAY), random);
  return {
    // Datadog's own key: the rule's id and the service, joined by a backslash.
    id: `${ruleRecord.id}\\${service}`,
    type: 'outcome',
    attributes: {
      service_name: service,
      state,
      remarks: state === 'fail' ? `See: <a href="https://app.datadoghq.com/services?service=${service}">Services</a>` : '',
      created_at: time,
      modified_at: time,
    },
    relationships: { rule: { data: { id: String(ruleRecord.id), type: 'rule' } } },
  };
}

// ── Status pages ────────────────────────────────────────────────────────────────────────────

/** A record with the creation time its list sorts by (maintenances do not carry theirs). */
export interface Listed {
  created: number;
  /** The second sort key maintenances take (`start_date`), or the modification time of degradations. */
  other: number;
  record: Json;
}

const users = (random: () => number) => {
  const id = uuid(random);
  return { created_by_user: { data: { id, type: 'users' } }, last_modified_by_user: { data: { id, type: 'users' } } };
};

function statusPage(random: () => number, i: number, now: number): Json {
  const id = uuid(random);
  const created = now - between(random, 10, 500) * DAY;
  const component = (name: string, position: number) => ({ id: uuid(random), name, type: 'component', status: pick(random, ['operational', 'operational', 'operational', 'degraded']), position });
  const publicPage = i % 2 === 0;
  return {
    id,
    type: 'status_pages',
    attributes: {
      name: publicPage ? `${pick(random, ['Acme', 'Example'])} status ${i + 1}` : `Internal services ${i + 1}`,
      type: publicPage ? 'public' : 'internal',
      enabled: random() < 0.8,
      domain_prefix: randomId(random, 16, HEX),
      page_url: `https://example.statuspage.datadoghq.com/status-pages/${id}/view`,
      custom_domain: null,
      custom_domain_enabled: false,
      subscriptions_enabled: publicPage,
      visualization_type: pick(random, ['bars_and_uptime_percentage', 'bars_only', 'component_name_only']),
      components: [
        { id: uuid(random), name: 'Application', type: 'group', position: 0, components: [component('Login', 0), component('Checkout', 1)] },
        { ...component('API', 1), components: [] },
      ],
      company_logo: null,
      favicon: null,
      email_header_image: null,
      created_at: micros(created, random),
      modified_at: micros(created + Math.floor(random() * (now - created)), random),
    },
    relationships: users(random),
  };
}

/** The components of a page, flattened: degradations and maintenances name the ones they affect. */
function componentsOf(page: Json): { id: string; name: string }[] {
  const out: { id: string; name: string }[] = [];
  const walk = (items: Json[]) =>
    items.forEach((c) => (c.type === 'component' ? out.push({ id: String(c.id), name: String(c.name) }) : walk((c.components as Json[]) ?? [])));
  walk((page.attributes as Json).components as Json[]);
  return out;
}

function degradation(random: () => number, pages: Json[], now: number): Listed {
  const page = pick(random, pages);
  const affected = pick(random, componentsOf(page));
  const created = now - between(random, 0, 120) * DAY - between(random, 0, DAY);
  const status = pick(random, ['investigating', 'identified', 'monitoring', 'resolved', 'resolved']);
  const modified = created + between(random, 0, 6 * 3_600_000);
  const createdText = micros(created, random);
  const modifiedText = micros(modified, random);
  return {
    created,
    other: modified,
    record: {
      id: uuid(random),
      type: 'degradations',
      attributes: {
        title: pick(random, ['Elevated API Latency', 'Login failures', 'Checkout errors', 'Degraded search']),
        description: 'We are looking into it.',
        status,
        components_affected: [{ id: affected.id, name: affected.name, status: status === 'resolved' ? 'operational' : pick(random, ['degraded', 'partial_outage', 'major_outage']) }],
        updates: [{ id: uuid(random), status, description: 'Update posted.', started_at: createdText, created_at: createdText, modified_at: modifiedText, components_affected: [] }],
        created_at: createdText,
        modified_at: modifiedText,
      },
      relationships: { ...users(random), status_page: { data: { id: String(page.id), type: 'status_pages' } } },
    },
  };
}

function maintenance(random: () => number, pages: Json[], now: number): Listed {
  const page = pick(random, pages);
  const affected = pick(random, componentsOf(page));
  const created = now - between(random, 1, 120) * DAY;
  const start = created + between(random, 1, 14) * DAY;
  const status = start > now ? 'scheduled' : start + 2 * 3_600_000 > now ? 'in_progress' : 'completed';
  return {
    created,
    other: start,
    record: {
      id: uuid(random),
      type: 'maintenances',
      attributes: {
        title: pick(random, ['API Maintenance', 'Database upgrade', 'Network maintenance']),
        status,
        start_date: iso(start),
        completed_date: iso(start + 2 * 3_600_000),
        published_date: micros(created, random),
        scheduled_description: 'Scheduled maintenance.',
        in_progress_description: 'Maintenance under way.',
        completed_description: 'Maintenance completed.',
        components_affected: [{ id: affected.id, name: affected.name, status: status === 'in_progress' ? 'maintenance' : 'operational' }],
        updates: [],
        modified_at: micros(Math.min(now, start), random),
      },
      relationships: { ...users(random), status_page: { data: { id: String(page.id), type: 'status_pages' } } },
    },
  };
}

// ── RUM configuration ───────────────────────────────────────────────────────────────────────

const RUM_TYPES = ['browser', 'ios', 'android', 'react-native', 'flutter'];

function rumApplication(random: () => number, i: number, now: number): Json {
  const id = uuid(random);
  const type = pick(random, RUM_TYPES);
  const created = now - between(random, 30, 1200) * DAY;
  const updated = created + Math.floor(random() * (now - created));
  return {
    type: 'rum_application',
    id,
    attributes: {
      application_id: id,
      name: `${serviceName(i)}-${type}`,
      type,
      org_id: 321813,
      hash: randomId(random, 20, HEX),
      is_active: random() < 0.85,
      // Epoch milliseconds, as Datadog writes them here.
      created_at: created,
      updated_at: updated,
      created_by_handle: `${pick(random, PEOPLE)}@example.com`,
      updated_by_handle: 'Datadog',
      product_scales: {
        rum_event_processing_scale: { state: pick(random, ['ALL', 'ALL', 'ERROR_FOCUSED_MODE']), last_modified_at: created },
        product_analytics_retention_scale: { state: pick(random, ['NONE', 'MAX']), last_modified_at: created },
      },
      tags: [],
    },
  };
}

function rumMetric(random: () => number, i: number): Json {
  const eventType = pick(random, ['session', 'view', 'action', 'error', 'resource', 'long_task', 'vital']);
  const distribution = random() < 0.5;
  return {
    id: `rum.${eventType}.${pick(random, ['count', 'duration', 'by_browser', 'by_country'])}.${i}`,
    type: 'rum_metrics',
    attributes: {
      event_type: eventType,
      compute: distribution ? { aggregation_type: 'distribution', include_percentiles: true, path: '@duration' } : { aggregation_type: 'count' },
      filter: { query: `@application.id:${uuid(random)}` },
      group_by: [{ path: '@browser.name', tag_name: 'browser_name' }],
      ...(eventType === 'session' || eventType === 'view' ? { uniqueness: { when: pick(random, ['match', 'end']) } } : {}),
    },
  };
}

// ── Powerpacks ──────────────────────────────────────────────────────────────────────────────

function powerpack(random: () => number, i: number, authors: string[]): Json {
  const name = `${serviceName(i)} overview`;
  return {
    type: 'powerpack',
    id: uuid(random),
    attributes: {
      name,
      description: `Widgets for ${serviceName(i)}`,
      group_widget: {
        definition: {
          layout_type: 'ordered',
          show_title: true,
          title: name,
          type: 'group',
          widgets: [{ definition: { content: `Owned by ${pick(random, TEAMS)}`, type: 'note' }, id: between(random, 1e15, 9e15) }],
        },
        layout: { height: 3, width: 12, x: 0, y: 0 },
      },
      template_variables: [{ defaults: ['*'], name: 'env' }],
      tags: [`tag:${pick(random, TEAMS)}`],
    },
    relationships: { author: { data: { type: 'users', id: pick(random, authors) } } },
  };
}

/** Every dataset of the family; the routes page through these lists. */
export class SoftwareCatalog {
  /** Defined entities, then those only `includeDiscovered=true` lists; each sorted by id. */
  readonly entities: Json[];
  readonly discoveredEntities: Json[];
  readonly relations: Json[];
  readonly discoveredRelations: Json[];
  readonly serviceDefinitions: Json[];
  readonly caseProjects: Json[];
  readonly cases: StoredCase[];
  readonly scorecardRules: Json[];
  readonly scorecardOutcomes: Json[];
  readonly statusPages: Json[];
  readonly degradations: Listed[];
  readonly maintenances: Listed[];
  readonly rumApplications: Json[];
  readonly rumMetrics: Json[];
  readonly powerpacks: Json[];
  readonly powerpackAuthors: Json[];
  private readonly caseCounters = new Map<string, number>();
  private nextSeed: number;
  /** Records `add` has made so far. */
  private added = 0;

  constructor(
    seed: number,
    counts: Partial<Record<string, number>> = {},
    private readonly now: () => number,
  ) {
    const at = now();
    const count = (stream: SoftwareCatalogStream) => counts[stream] ?? SOFTWARE_CATALOG_COUNTS[stream];
    const random = seededRandom(seed ^ 0x5ca7);

    this.entities = Array.from({ length: count('catalog_entities') }, (_, i) => {
      const kind = ENTITY_KINDS[i % ENTITY_KINDS.length];
      return entity(random, kind, kind === 'service' ? serviceName(i) : `${serviceName(i)}-${kind}`, at, false);
    }).sort(byId);
    this.discoveredEntities = Array.from({ length: 3 }, (_, i) => entity(random, 'service', `${serviceName(i + 40)}-discovered`, at, true)).sort(byId);
    this.relations = this.relationsOf(random, at).sort(byId);
    this.discoveredRelations = this.discoveredEntities.map((d, i) => relation(random, d, 'RelationTypeDependsOn', this.entities[i % this.entities.length], at, true)).sort(byId);
    this.serviceDefinitions = Array.from({ length: count('service_definitions') }, (_, i) => serviceDefinition(random, serviceName(i), at)).sort(byId);

    this.caseProjects = Array.from({ length: Math.max(1, count('case_projects')) }, (_, i) => project(random, i));
    // Spread over the last 300 days, in creation order.
    const caseTimes = Array.from({ length: count('cases') }, () => at - between(random, 1, 300 * 24) * 3_600_000).sort((a, b) => a - b);
    this.cases = caseTimes.map((created) => aCase(random, this.caseProjects, this.caseCounters, created, at));

    this.scorecardRules = Array.from({ length: count('scorecard_rules') }, (_, i) => rule(random, i, at));
    this.scorecardOutcomes = [];
    for (let s = 0; this.scorecardOutcomes.length < count('scorecard_outcomes') && this.scorecardRules.length > 0; s++) {
      for (const r of this.scorecardRules) {
        if (this.scorecardOutcomes.length >= count('scorecard_outcomes')) break;
        this.scorecardOutcomes.push(outcome(random, r, serviceName(s), at));
      }
    }

    this.statusPages = Array.from({ length: count('status_pages') }, (_, i) => statusPage(random, i, at));
    const pages = this.statusPages.length > 0 ? this.statusPages : [statusPage(random, 0, at)];
    this.degradations = Array.from({ length: count('status_page_degradations') }, () => degradation(random, pages, at));
    this.maintenances = Array.from({ length: count('status_page_maintenances') }, () => maintenance(random, pages, at));

    this.rumApplications = Array.from({ length: count('rum_applications') }, (_, i) => rumApplication(random, i, at));
    this.rumMetrics = Array.from({ length: count('rum_metrics') }, (_, i) => rumMetric(random, i));
    this.powerpackAuthors = PEOPLE.slice(0, 3).map((who) => ({ type: 'users', id: uuid(random), attributes: { handle: `${who}@example.com`, name: who, email: `${who}@example.com` } }));
    this.powerpacks = Array.from({ length: count('powerpacks') }, (_, i) => powerpack(random, i, this.powerpackAuthors.map((u) => String(u.id))));
    this.nextSeed = seed + 7_919;
  }

  /** Owners own their services (both directions are relations), services depend on others, systems group them. */
  private relationsOf(random: () => number, now: number): Json[] {
    const services = this.entities.filter((e) => (e.attributes as Json).kind === 'service');
    const systems = this.entities.filter((e) => (e.attributes as Json).kind === 'system');
    const out: Json[] = [];
    services.forEach((service, i) => {
      const dependency = services[(i * 7 + 3) % services.length];
      if (dependency !== service) {
        out.push(relation(random, service, 'RelationTypeDependsOn', dependency, now, false));
        out.push(relation(random, dependency, 'RelationTypeDependencyOf', service, now, false));
      }
      const system = systems[i % Math.max(1, systems.length)];
      if (system) {
        out.push(relation(random, system, 'RelationTypeHasPart', service, now, false));
        out.push(relation(random, service, 'RelationTypePartsOf', system, now, false));
      }
    });
    return [...new Map(out.map((r) => [r.id, r])).values()];
  }

  /**
   * Adds `count` records as if just created (a case opened, a degradation declared…): those that list
   * oldest first get them at the end, the others where their id sorts. Returns their ids.
   */
  add(stream: SoftwareCatalogStream | 'catalog_relations', count: number): string[] {
    const random = seededRandom(this.nextSeed++);
    const now = this.now();
    const made: Json[] = [];
    for (let i = 0; i < count; i++) {
      // Names no generated record has taken: the catalog keys entities by name.
      const n = 1_000 + this.added++;
      switch (stream) {
        case 'catalog_entities':
        case 'catalog_relations': {
          const e = entity(random, 'service', `${serviceName(n)}-new`, now, false);
          this.entities.push(e);
          const dependsOn = relation(random, e, 'RelationTypeDependsOn', this.entities[0], now, false);
          this.relations.push(dependsOn);
          made.push(stream === 'catalog_entities' ? e : dependsOn);
          break;
        }
        case 'service_definitions':
          made.push(pushed(this.serviceDefinitions, serviceDefinition(random, `${serviceName(n)}-new`, now)));
          break;
        case 'cases':
          made.push(pushedRecord(this.cases, aCase(random, this.caseProjects, this.caseCounters, now - (count - i) * 1000, now)));
          break;
        case 'case_projects':
          made.push(pushed(this.caseProjects, project(random, this.caseProjects.length)));
          break;
        case 'scorecard_rules':
          made.push(pushed(this.scorecardRules, rule(random, this.scorecardRules.length, now)));
          break;
        case 'scorecard_outcomes':
          made.push(pushed(this.scorecardOutcomes, outcome(random, this.scorecardRules[0], `${serviceName(n)}-new`, now)));
          break;
        case 'status_pages':
          made.push(pushed(this.statusPages, statusPage(random, this.statusPages.length, now)));
          break;
        case 'status_page_degradations':
          made.push(pushedRecord(this.degradations, { ...degradation(random, this.statusPages, now), created: now - (count - i) * 1000 }));
          break;
        case 'status_page_maintenances':
          made.push(pushedRecord(this.maintenances, { ...maintenance(random, this.statusPages, now), created: now - (count - i) * 1000 }));
          break;
        case 'rum_applications':
          made.push(pushed(this.rumApplications, rumApplication(random, n, now)));
          break;
        case 'rum_metrics':
          made.push(pushed(this.rumMetrics, rumMetric(random, n)));
          break;
        case 'powerpacks':
          made.push(pushed(this.powerpacks, powerpack(random, n, this.powerpackAuthors.map((u) => String(u.id)))));
          break;
      }
    }
    for (const list of [this.entities, this.relations, this.serviceDefinitions]) list.sort(byId);
    return made.map((r) => String(r.id));
  }

  /** Deletes the `index`-th record of a stream, as if removed in Datadog; returns its id. */
  remove(stream: SoftwareCatalogStream | 'catalog_relations', index = 0): string {
    const list = this.list(stream);
    const [gone] = list.splice(index, 1);
    return String(('record' in gone ? (gone.record as Json) : gone).id);
  }

  private list(stream: SoftwareCatalogStream | 'catalog_relations'): (Json | StoredCase | Listed)[] {
    const lists: Record<SoftwareCatalogStream | 'catalog_relations', (Json | StoredCase | Listed)[]> = {
      catalog_entities: this.entities,
      catalog_relations: this.relations,
      service_definitions: this.serviceDefinitions,
      cases: this.cases,
      case_projects: this.caseProjects,
      scorecard_rules: this.scorecardRules,
      scorecard_outcomes: this.scorecardOutcomes,
      status_pages: this.statusPages,
      status_page_degradations: this.degradations,
      status_page_maintenances: this.maintenances,
      rum_applications: this.rumApplications,
      rum_metrics: this.rumMetrics,
      powerpacks: this.powerpacks,
    };
    return lists[stream];
  }

  /** The ids a correct sync of a stream of this family holds (sorted), or undefined for other streams. */
  groundTruth(stream: string): string[] | undefined {
    if (!(stream in SOFTWARE_CATALOG_COUNTS) && stream !== 'catalog_relations') return undefined;
    // What Datadog lists by default: discovered entities and relations are not among them.
    return this.list(stream as SoftwareCatalogStream)
      .map((item) => String(('record' in item ? (item.record as Json) : item).id))
      .sort();
  }
}

function pushed(list: Json[], record: Json): Json {
  list.push(record);
  return record;
}

function pushedRecord<T extends { record: Json }>(list: T[], item: T): Json {
  list.push(item);
  return item.record;
}
