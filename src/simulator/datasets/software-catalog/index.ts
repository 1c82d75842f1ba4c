/**
 * The simulated organisation's software catalog and what is built around it: catalog entities and
 * relations, service definitions, scorecards, Case Management, status pages, RUM configuration and
 * powerpacks. Shapes follow the spec's components and the responses Datadog's own client repos
 * recorded; everything is a pure function of the seed.
 */
import { between, seededRandom, uuid } from '../../random';
import type { Json } from '../catalog';
import { aCase, project, type StoredCase } from './cases';
import { entity, ENTITY_KINDS, relation, serviceDefinition } from './entities';
import { powerpack } from './powerpacks';
import { rumApplication, rumMetric } from './rum';
import { outcome, rule } from './scorecards';
import { degradation, maintenance, statusPage, type Listed } from './status-pages';
import { PEOPLE, serviceName } from './values';

export type { StoredCase } from './cases';
export type { Listed } from './status-pages';
export { serviceName } from './values';

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

const byId = (a: Json, b: Json) => (String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0);

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
