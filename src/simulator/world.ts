import { compareTimed, generateDashboards, generateLogs, logAt, logTimeAt, type DashboardRecord, type StoredLog, type Timed } from './data';
import { GeneratedRecords, lowerBound, TimedList, type SortedRecords } from './search-records';
import { generateIncidents, generatePermissions, generateRoles, generateTeams, generateUsers } from './datasets/access';
import {
  generateDashboardLists,
  generateDowntimes,
  generateGlobalVariables,
  generateHosts,
  generateMetrics,
  generateMonitors,
  generateNotebooks,
  generateSlos,
  generateSyntheticTests,
  type Json,
  type StoredMetric,
} from './datasets/catalog';
import { InfraData, type InfraStream } from './datasets/infra';
import { generateSearchRecords, SEARCH_DATASETS, searchRecordAt, searchRecordTimeAt, type SearchDataset, type SearchRecord } from './datasets/events';
import { effectiveInterval, evaluate, type TimeseriesQueryBody } from './datasets/timeseries';
import { SoftwareCatalog, type SoftwareCatalogStream } from './datasets/software-catalog';
import { UsageData, type UsageOptions } from './datasets/usage';
import { SECURITY_STREAMS, SecurityWorld, type SecurityStream, type SecurityWorldOptions } from './datasets/security';
import { Inventory, inventoryGroundTruth, type InventoryCounts } from './datasets/inventory';
import { sortedIds, truthOf } from './ground-truth';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Every stream that reads timestamped search records, logs included. */
export type SearchStream = 'logs' | SearchDataset;

export interface WorldOptions {
  seed?: number;
  dashboards?: number;
  /** Logs spread over [from, to); only those at or before the clock's now are visible. */
  logs?: { count: number; from: number; to: number };
  /** Audit events, events, RUM events and spans, each spread over the logs' time range. */
  search?: Partial<Record<SearchDataset, number>>;
  /** Sizes of the configuration datasets; each has a small default. */
  counts?: Partial<Record<CatalogStream | SoftwareCatalogStream, number>>;
  /**
   * Search results live in partitions of this many milliseconds and a page stops at a partition
   * boundary, with a cursor, as Datadog's search may: short pages that are not the end. Default: none.
   */
  searchPartitionMs?: number;
  /** Sizes of the infrastructure, logs-configuration and monitor-configuration datasets (datasets/infra/). */
  infra?: Partial<Record<InfraStream, number>>;
  /** The simulator's now; tests may pin it. */
  clock?: () => number;
  /** Usage and cost: organisations, page size of the `next_record_id` endpoints, Cloud Cost list sizes. */
  usage?: UsageOptions;
  /** Security, CI Visibility, Error Tracking, APM configuration and DORA data, over the logs' time range. */
  security?: SecurityWorldOptions;
  /** Sizes of the inventory datasets (keys, integrations, devices…); each has a small default. */
  inventory?: InventoryCounts;
}

/** Full-refresh streams whose size a test may choose. */
export type CatalogStream =
  | 'dashboard_lists'
  | 'monitors'
  | 'downtimes'
  | 'synthetic_tests'
  | 'synthetic_global_variables'
  | 'notebooks'
  | 'service_level_objectives'
  | 'hosts'
  | 'metrics'
  | 'users'
  | 'roles'
  | 'teams'
  | 'incidents';

const DEFAULT_COUNTS: Record<CatalogStream, number> = {
  dashboard_lists: 6,
  monitors: 40,
  downtimes: 12,
  synthetic_tests: 15,
  synthetic_global_variables: 5,
  notebooks: 8,
  service_level_objectives: 6,
  hosts: 20,
  metrics: 30,
  users: 25,
  roles: 5,
  teams: 6,
  incidents: 12,
};

const DEFAULT_SEARCH_COUNTS: Record<SearchDataset, number> = { audit_logs: 300, events: 300, rum_events: 300, spans: 300 };

/** Hosts that have not reported in this long are left out of the host list unless `from` asks for them. */
export const HOSTS_DEFAULT_LOOKBACK_MS = 3 * HOUR;
/** The spec's "Retention is 7 days": a host silent for longer is not listed, whatever `from` says. */
export const HOSTS_RETENTION_MS = 7 * DAY;

/** The simulated organisation: its data, and the ground truth tests compare against. */
export class World {
  readonly clock: () => number;
  readonly searchPartitionMs?: number;
  readonly dashboards: DashboardRecord[];
  readonly dashboardLists: Json[];
  readonly monitors: Json[];
  readonly downtimes: Json[];
  readonly syntheticTests: Json[];
  readonly globalVariables: Json[];
  readonly notebooks: Json[];
  readonly slos: Json[];
  readonly hosts: Json[];
  readonly metrics: StoredMetric[];
  readonly users: Json[];
  /** Containers, processes, synthetic results, SLO corrections, logs and monitor configuration. */
  readonly infra: InfraData;
  readonly roles: Json[];
  readonly permissions: Json[];
  readonly teams: Json[];
  readonly incidents: Json[];
  /** Catalog entities and relations, service definitions, cases, scorecards, status pages, RUM configuration, powerpacks. */
  readonly softwareCatalog: SoftwareCatalog;
  /** Usage and cost (datasets/usage/). */
  readonly usage: UsageData;
  readonly security: SecurityWorld;
  readonly inventory: Inventory;
  /** Each sorted by (time, id). */
  private readonly searchData: Record<SearchStream, SortedRecords>;
  private nextSeed: number;

  constructor(options: WorldOptions = {}) {
    const seed = options.seed ?? 1;
    this.clock = options.clock ?? Date.now;
    this.searchPartitionMs = options.searchPartitionMs;
    const now = this.clock();
    const count = (stream: CatalogStream) => options.counts?.[stream] ?? DEFAULT_COUNTS[stream];
    this.dashboards = generateDashboards(seed, options.dashboards ?? 25, now);
    this.dashboardLists = generateDashboardLists(seed, count('dashboard_lists'), now);
    this.monitors = generateMonitors(seed, count('monitors'), now);
    this.downtimes = generateDowntimes(seed, count('downtimes'), now);
    this.syntheticTests = generateSyntheticTests(seed, count('synthetic_tests'));
    this.globalVariables = generateGlobalVariables(seed, count('synthetic_global_variables'));
    this.notebooks = generateNotebooks(seed, count('notebooks'), now);
    this.slos = generateSlos(seed, count('service_level_objectives'), now);
    this.hosts = generateHosts(seed, count('hosts'), now);
    this.metrics = generateMetrics(seed, count('metrics'), now);
    this.users = generateUsers(seed, count('users'), now);
    this.roles = generateRoles(seed, count('roles'), now);
    this.permissions = generatePermissions(seed, now);
    this.teams = generateTeams(seed, count('teams'), now);
    this.incidents = generateIncidents(seed, count('incidents'), now);
    this.infra = new InfraData(seed, this.clock, this.syntheticTests, this.slos, options.infra);
    this.softwareCatalog = new SoftwareCatalog(seed, options.counts, this.clock);
    this.usage = new UsageData(seed, this.clock, options.usage);
    this.inventory = new Inventory(seed, options.inventory, now, { users: this.users, roles: this.roles, teams: this.teams });

    const logs = options.logs ?? { count: 5_000, from: now - 3 * DAY, to: now };
    const search = (dataset: SearchDataset, i: number) => {
      const datasetSeed = seed * 31 + i + 1;
      const count = options.search?.[dataset] ?? DEFAULT_SEARCH_COUNTS[dataset];
      const source = { at: (index: number) => searchRecordAt(dataset, datasetSeed, index, logs.from, logs.to), timeAt: (index: number) => searchRecordTimeAt(datasetSeed, index, logs.from, logs.to) };
      return GeneratedRecords.create(source, count, logs.from, logs.to) ?? new TimedList(generateSearchRecords(dataset, datasetSeed, count, logs.from, logs.to).sort(compareTimed));
    };
    const logSource = {
      at: (index: number) => logAt(seed, index, logs.from, logs.to) as unknown as Timed<SearchRecord>,
      timeAt: (index: number) => logTimeAt(seed, index, logs.from, logs.to),
    };
    const sortedLogs =
      GeneratedRecords.create(logSource, logs.count, logs.from, logs.to) ??
      new TimedList((generateLogs(seed, logs.count, logs.from, logs.to) as unknown as Timed<SearchRecord>[]).sort(compareTimed));
    const empty = new TimedList([]);
    this.searchData = { logs: sortedLogs, audit_logs: empty, events: empty, rum_events: empty, spans: empty };
    SEARCH_DATASETS.forEach((dataset, i) => (this.searchData[dataset] = search(dataset, i)));
    this.security = new SecurityWorld(seed, this.clock, logs, options.security);
    this.nextSeed = seed + 1_000_003;
  }

  /** Adds logs as if they had just been indexed (for incremental-sync tests). */
  addLogs(count: number, from: number, to: number): string[] {
    return this.addSearchRecords('logs', count, from, to);
  }

  /** Adds records to a search stream as if they had just been indexed. */
  addSearchRecords(stream: SearchStream, count: number, from: number, to: number): string[] {
    const added: Timed<SearchRecord>[] =
      stream === 'logs' ? (generateLogs(this.nextSeed++, count, from, to) as unknown as Timed<SearchRecord>[]) : generateSearchRecords(stream, this.nextSeed++, count, from, to);
    this.searchData[stream] = new TimedList([...this.searchData[stream].all(), ...added].sort(compareTimed));
    return added.map((l) => l.record.id);
  }

  /** Visible logs with from <= time < to, in time order. */
  logsBetween(from: number, to: number): StoredLog[] {
    return this.searchBetween('logs', from, to) as StoredLog[];
  }

  /** Visible records of a search stream with from <= time < to, in time order. */
  searchBetween(stream: SearchStream, from: number, to: number): Timed<SearchRecord>[] {
    const records = this.searchData[stream];
    const end = Math.min(to, this.clock() + 1);
    const out: Timed<SearchRecord>[] = [];
    for (let i = lowerBound(records, from); i < records.length && records.time(i) < end; i++) out.push({ ts: records.time(i), record: records.record(i) });
    return out;
  }

  /**
   * A search stream's records by position (sorted by time, id), and the end of what is visible now:
   * the search route pages through them without copying the range.
   */
  searchIndex(stream: SearchStream): { records: SortedRecords; visibleBefore: number } {
    return { records: this.searchData[stream], visibleBefore: this.clock() + 1 };
  }

  /** Hosts the host list shows: those that reported since `from` (default: the last 3 hours), within the retention. */
  visibleHosts(from = this.clock() - HOSTS_DEFAULT_LOOKBACK_MS): Json[] {
    const since = Math.max(from, this.clock() - HOSTS_RETENTION_MS);
    return this.hosts.filter((h) => Number(h.last_reported_time) * 1000 >= since);
  }

  /** Metrics the metrics list shows for a `window[seconds]` of this many seconds. */
  activeMetrics(windowSeconds: number): Json[] {
    const since = this.clock() - windowSeconds * 1000;
    return this.metrics.filter((m) => m.lastReported >= since).map((m) => m.record);
  }

  /** Answers a timeseries request, as the query endpoint does. */
  timeseries(queries: TimeseriesQueryBody[], from: number, to: number, interval?: number) {
    const used = effectiveInterval(from, to, interval);
    return { interval: used, result: evaluate(queries, from, to, used, this.clock()) };
  }

  /** The ids a correct sync must hold, per stream (sorted as strings). */
  groundTruth(stream: string, window?: { from: number; to: number }): string[] {
    const family = this.softwareCatalog.groundTruth(stream);
    if (family) return family;
    const search = () =>
      this.searchBetween(stream as SearchStream, window?.from ?? 0, window?.to ?? Number.MAX_SAFE_INTEGER)
        .map((l) => l.record.id)
        .sort();
    const own = truthOf(stream, {
      dashboards: () => this.dashboards.map((d) => d.id).sort(),
      dashboard_lists: this.dashboardLists,
      monitors: this.monitors,
      downtimes: this.downtimes,
      synthetic_tests: () => sortedIds(this.syntheticTests, 'public_id'),
      synthetic_global_variables: this.globalVariables,
      notebooks: this.notebooks,
      service_level_objectives: this.slos,
      // Every host Datadog lists when asked for its whole retention, not only the last 3 hours' default.
      hosts: () => sortedIds(this.visibleHosts(this.clock() - HOSTS_RETENTION_MS), 'host_name'),
      metrics: () => sortedIds(this.activeMetrics(30 * 86_400)),
      users: this.users,
      roles: this.roles,
      permissions: this.permissions,
      teams: this.teams,
      incident_teams: this.teams,
      incidents: this.incidents,
      logs: search,
      audit_logs: search,
      events: search,
      rum_events: search,
      spans: search,
    });
    if (own) return own;
    if ((SECURITY_STREAMS as readonly string[]).includes(stream)) return this.security.groundTruth(stream as SecurityStream, window);
    const usage = this.usage.groundTruth(stream, window) ?? this.infra.groundTruth(stream, window);
    if (usage) return usage;
    const truth = inventoryGroundTruth(this, stream);
    if (truth) return truth;
    throw new Error(`the simulator has no ground truth for stream "${stream}" (slo_history and query streams depend on the windows read)`);
  }
}
