/**
 * Infrastructure, synthetic test results, SLO corrections, logs configuration and monitor
 * configuration of the simulated organisation. Shapes follow Datadog's spec and its recorded
 * responses (zone-less times on containers and processes, `created_at` on notification rules).
 */
import { between, pick, seededRandom } from '../../random';
import { generateContainerImages, generateContainers, type StoredContainer } from './containers';
import { generateArchives, generateCustomDestinations, generateLogIndexes, generateLogMetrics, generatePipelines } from './logs-config';
import { generateConfigPolicies, generateNotificationRules, type StoredRule } from './monitor-config';
import { generateProcesses, makeProcess, processSeen, type StoredProcess } from './processes';
import { LIVE_RETENTION_MS, MINUTE, type Json } from './shared';
import { generateSloCorrections } from './slo-corrections';
import { RESULT_TYPES, TestResults } from './synthetic-results';
import { sortedIds, truthOf } from '../../ground-truth';

export { PROCESS_TICK_MS, processRecord } from './processes';
export { RESULT_TYPES } from './synthetic-results';

function shuffle<T>(random: () => number, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

// ── The organisation's data for these streams ───────────────────────────────────────────

/** Streams of this family whose size a test may choose. */
export type InfraStream =
  | 'containers'
  | 'container_images'
  | 'processes'
  | 'slo_corrections'
  | 'logs_indexes'
  | 'logs_pipelines'
  | 'logs_archives'
  | 'logs_metrics'
  | 'logs_custom_destinations'
  | 'monitor_notification_rules'
  | 'monitor_config_policies';

const DEFAULT_COUNTS: Record<InfraStream, number> = {
  containers: 30,
  container_images: 12,
  processes: 80,
  slo_corrections: 8,
  logs_indexes: 4,
  logs_pipelines: 5,
  logs_archives: 3,
  logs_metrics: 6,
  logs_custom_destinations: 4,
  monitor_notification_rules: 7,
  monitor_config_policies: 3,
};

export class InfraData {
  readonly containers: StoredContainer[];
  readonly containerImages: Json[];
  processes: StoredProcess[];
  readonly results = new Map<string, TestResults>();
  readonly sloCorrections: Json[];
  readonly logIndexes: Json[];
  /** The order logs are tested against the indexes: their names (a test may reorder or shorten it). */
  indexOrder: string[];
  readonly pipelines: Json[];
  /** Pipeline ids in processing order (a test may change it). */
  pipelineOrder: string[];
  readonly archives: Json[];
  readonly logMetrics: Json[];
  readonly customDestinations: Json[];
  readonly notificationRules: StoredRule[];
  readonly configPolicies: Json[];
  private added = 0;

  constructor(
    private readonly seed: number,
    private readonly clock: () => number,
    syntheticTests: Json[],
    slos: Json[],
    counts: Partial<Record<InfraStream, number>> = {},
  ) {
    const now = clock();
    const count = (stream: InfraStream) => counts[stream] ?? DEFAULT_COUNTS[stream];
    this.containers = generateContainers(seed, count('containers'), now);
    this.containerImages = generateContainerImages(seed, count('container_images'), now);
    this.processes = generateProcesses(seed, count('processes'), now);
    syntheticTests.forEach((test, i) => this.results.set(String(test.public_id), new TestResults(test, i, now)));
    this.sloCorrections = generateSloCorrections(seed, count('slo_corrections'), now, slos);
    this.logIndexes = generateLogIndexes(seed, count('logs_indexes'));
    this.indexOrder = shuffle(seededRandom(seed ^ 0x1c), this.logIndexes.map((index) => String(index.name)));
    this.pipelines = generatePipelines(seed, count('logs_pipelines'));
    this.pipelineOrder = this.pipelines.map((p) => String(p.id));
    this.archives = generateArchives(seed, count('logs_archives'));
    this.logMetrics = generateLogMetrics(seed, count('logs_metrics'));
    this.customDestinations = generateCustomDestinations(seed, count('logs_custom_destinations'));
    this.notificationRules = generateNotificationRules(seed, count('monitor_notification_rules'), now);
    this.configPolicies = generateConfigPolicies(seed, count('monitor_config_policies'));
  }

  /** Containers Datadog lists now: running, or stopped within the last 36 hours. */
  liveContainers(): Json[] {
    const since = this.clock() - LIVE_RETENTION_MS;
    return this.containers.filter((c) => c.stopped >= since).map((c) => c.record);
  }

  /** Processes seen in [from, to), sorted by id, each with the last time it was seen there. */
  processesSeen(from: number, to: number): { process: StoredProcess; seen: number }[] {
    const now = this.clock();
    const out: { process: StoredProcess; seen: number }[] = [];
    for (const process of this.processes) {
      const seen = processSeen(process, from, to, now);
      if (seen !== undefined) out.push({ process, seen });
    }
    return out.sort((a, b) => (a.process.id < b.process.id ? -1 : a.process.id > b.process.id ? 1 : 0));
  }

  /** Adds processes that ran within [from, to) as if they were indexed just now (late). */
  addProcesses(count: number, from: number, to: number): string[] {
    const random = seededRandom(this.seed + 7_919 * ++this.added);
    const added = Array.from({ length: count }, (_, i) => {
      const start = from + Math.floor(random() * Math.max(1, to - from - MINUTE));
      return makeProcess(random, `late:${this.added}:${i}`, start, Math.min(to, start + between(random, 1, 30) * MINUTE));
    });
    this.processes = [...this.processes, ...added];
    return added.map((p) => p.id);
  }

  /** Adds results of API and browser tests with check times in [from, to), as if indexed late; their keys. */
  addSyntheticResults(count: number, from: number, to: number): string[] {
    const random = seededRandom(this.seed + 104_729 * ++this.added);
    const tests = [...this.results.values()].filter((t) => (RESULT_TYPES as readonly string[]).includes(String(t.test.type)));
    return Array.from({ length: count }, (_, i) => {
      const results = pick(random, tests);
      const checkTime = from + Math.floor(random() * (to - from));
      return `${results.test.public_id}:${results.addLate(checkTime, `${this.added}:${i}`)}`;
    });
  }

  /** Keys of a test's results with from <= check_time <= to, that exist by now. */
  resultKeys(publicId: string, from: number, to: number): string[] {
    const results = this.results.get(publicId);
    if (!results) return [];
    return results.newest(from, Math.min(to, this.clock()), Infinity).map((r) => `${publicId}:${r.record.result_id}`);
  }

  /** The keys a correct sync holds, for this family's streams; undefined for other streams. */
  groundTruth(stream: string, window?: { from: number; to: number }): string[] | undefined {
    const positions = (list: string[]) => list.map((_, i) => String(i)).sort();
    const from = window?.from ?? 0;
    const to = window?.to ?? this.clock() + 1;
    return truthOf(stream, {
      containers: () => sortedIds(this.liveContainers()),
      container_images: this.containerImages,
      processes: () => this.processesSeen(from, to).map((p) => p.process.id).sort(),
      // Datadog's results filter takes both ends (from_ts and to_ts) as inclusive.
      synthetic_results: () =>
        [...this.results.values()]
          .filter((t) => (RESULT_TYPES as readonly string[]).includes(String(t.test.type)))
          .flatMap((t) => this.resultKeys(String(t.test.public_id), from, to))
          .sort(),
      slo_corrections: this.sloCorrections,
      logs_indexes: () => sortedIds(this.logIndexes, 'name'),
      logs_index_order: () => positions(this.indexOrder),
      logs_pipelines: this.pipelines,
      logs_pipeline_order: () => positions(this.pipelineOrder),
      logs_archives: this.archives,
      logs_metrics: this.logMetrics,
      logs_custom_destinations: this.customDestinations,
      monitor_notification_rules: () => sortedIds(this.notificationRules.map((r) => r.record)),
      monitor_config_policies: this.configPolicies,
    });
  }
}
