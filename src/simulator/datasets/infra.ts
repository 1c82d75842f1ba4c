/**
 * Infrastructure, synthetic test results, SLO corrections, logs configuration and monitor
 * configuration of the simulated organisation. Shapes follow Datadog's spec and its recorded
 * responses (zone-less times on containers and processes, `created_at` on notification rules).
 */
import { HOSTS, SERVICES } from '../data';
import { between, hashUnit, pick, randomId, seededRandom, uuid } from '../random';

type Json = Record<string, unknown>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const HEX = '0123456789abcdef';
const PEOPLE = ['ana', 'li', 'sam', 'kim'];

/** Containers and processes are kept 36 hours after they were last seen (Datadog's docs). */
export const LIVE_RETENTION_MS = 36 * HOUR;
/** The process agent reports every 10 seconds: a process is seen at these ticks. */
export const PROCESS_TICK_MS = 10_000;
/** How far back synthetic results go in this organisation. */
const RESULTS_HISTORY_MS = 30 * DAY;

/** Zone-less UTC, to the second, as the containers and processes endpoints write their times. */
export const zoneless = (ms: number) => new Date(ms).toISOString().slice(0, 19);
const iso = (ms: number) => new Date(ms).toISOString();

/** A Datadog-style 40-hex id (`15e90400…`), stable for its text. */
function hexId(text: string): string {
  let id = '15e90400';
  for (let i = 0; id.length < 40; i++) id += Math.floor(hashUnit(`${text}#${i}`) * 0x10000).toString(16).padStart(4, '0');
  return id.slice(0, 40);
}

/** A result id as Datadog writes them: the decimal text of a 63-bit integer. */
function resultId(text: string): string {
  const high = BigInt(Math.floor(hashUnit(`${text}#h`) * 2 ** 31));
  const low = BigInt(Math.floor(hashUnit(`${text}#l`) * 2 ** 32));
  return ((high << 32n) + low).toString();
}

/** An end time moved away from `boundary` (± 1 hour), so a run minutes long never sees it cross. */
function awayFrom(end: number, boundary: number): number {
  return Math.abs(end - boundary) < HOUR ? end + 2 * HOUR : end;
}

function shuffle<T>(random: () => number, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

function who(random: () => number): { handle: string; email: string; name: string } {
  const name = pick(random, PEOPLE);
  return { handle: `${name}@example.com`, email: `${name}@example.com`, name: name[0].toUpperCase() + name.slice(1) };
}

// ── Containers and images ────────────────────────────────────────────────────────────────

/** A container and when it stopped (Infinity while it runs). */
export interface StoredContainer {
  stopped: number;
  record: Json;
}

const IMAGES = ['nginx', 'redis', 'postgres', 'datadog/agent', 'web-app', 'billing-api', 'worker'];

function generateContainers(seed: number, count: number, now: number): StoredContainer[] {
  const random = seededRandom(seed ^ 0xc0);
  const containers = Array.from({ length: count }, (_, i) => {
    const service = pick(random, SERVICES);
    const image = pick(random, IMAGES);
    const started = Math.floor((now - between(random, 60, 20 * 24 * 60) * MINUTE) / 1000) * 1000;
    const exited = random() < 0.25;
    // Some stopped within the 36 hours Datadog keeps them, some long before.
    const stopped = exited ? awayFrom(Math.max(started + MINUTE, now - between(random, 1, 72) * HOUR), now - LIVE_RETENTION_MS) : Infinity;
    const host = pick(random, HOSTS);
    const digest = random() < 0.8 ? `sha256:${randomId(random, 64, HEX)}` : null;
    return {
      stopped,
      record: {
        type: 'container',
        id: hexId(`container:${seed}:${i}`),
        attributes: {
          name: `${service}-${image.replace(/\W/g, '-')}_${i}`,
          created_at: zoneless(started - between(random, 1, 30) * 1000),
          started_at: zoneless(started),
          state: exited ? 'exited' : 'running',
          container_id: `${randomId(random, 8, HEX)}-${randomId(random, 4, HEX)}-${randomId(random, 4, HEX)}-${randomId(random, 4, HEX)}`,
          host,
          image_name: digest ? image : '',
          image_tags: digest ? [pick(random, ['latest', '1.25', '7.2', 'v2026.3.1'])] : null,
          image_digest: digest,
          tags: [`env:${pick(random, ['prod', 'staging'])}`, `service:${service}`, `host:${host}`, `container_name:${service}_${i}`, `image_name:${image}`],
        },
      },
    };
  });
  return containers.sort((a, b) => compareBy(a.record, b.record, 'started_at'));
}

function compareBy(a: Json, b: Json, attribute: string): number {
  const x = String((a.attributes as Json)[attribute]);
  const y = String((b.attributes as Json)[attribute]);
  return x < y ? -1 : x > y ? 1 : String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0;
}

const REGISTRIES = ['013910733512.dkr.ecr.us-east-1.amazonaws.com', 'gcr.io/acme-prod', 'docker.io/library'];

function generateContainerImages(seed: number, count: number, now: number): Json[] {
  const random = seededRandom(seed ^ 0xc1);
  const images = Array.from({ length: count }, (_, i) => {
    const registry = pick(random, REGISTRIES);
    const repository = `${pick(random, IMAGES).replace('/', '-')}${i >= IMAGES.length ? `-${i}` : ''}`;
    const name = `${registry}/${repository}`;
    const digest = `sha256:${randomId(random, 64, HEX)}`;
    const built = now - between(random, 1, 400) * DAY;
    const arches = random() < 0.3 ? ['amd64', 'arm64'] : ['amd64'];
    const sizes = arches.map(() => between(random, 5, 900) * 1_000_000 + between(random, 0, 999_999));
    const critical = between(random, 0, 3);
    return {
      type: 'container_image',
      id: `${name}@${digest}`,
      attributes: {
        name,
        short_image: repository,
        registry,
        repository,
        repo_digest: digest,
        image_tags: [pick(random, ['latest', 'stable', `v${between(random, 1, 9)}.${between(random, 0, 20)}`])],
        sizes,
        published_at: iso(Math.floor(built / 1000) * 1000 + HOUR),
        images_built_at: arches.map(() => iso(Math.floor(built / 1000) * 1000)),
        image_flavors: arches.map((arch, j) => ({ built_at: iso(Math.floor(built / 1000) * 1000), os_architecture: arch, os_name: 'linux', os_version: '12', size: sizes[j] })),
        os_names: ['linux'],
        os_versions: ['12'],
        os_architectures: arches,
        sources: [registry.includes('ecr') ? 'aws_ecr' : registry.startsWith('gcr') ? 'gcr' : 'docker_hub'],
        container_count: between(random, 0, 40),
        vulnerability_count: { asset_id: name, critical, high: between(random, 0, 10), medium: between(random, 0, 30), low: between(random, 0, 60), none: 0, unknown: between(random, 0, 2) },
        tags: [`registry:${registry}`, `repository:${repository}`],
      },
    };
  });
  return images.sort((a, b) => compareBy(a, b, 'name'));
}

// ── Processes ─────────────────────────────────────────────────────────────────────────────

/** A process and its lifetime: seen at every 10-second tick in [start, end). */
export interface StoredProcess {
  id: string;
  start: number;
  end: number;
  host: string;
  pid: number;
  ppid: number;
  user: string;
  cmdline: string;
  tags: string[];
}

const DAEMONS = ['/lib/systemd/systemd --switched-root --system --deserialize 22', '/usr/sbin/sshd -D', '/opt/datadog-agent/bin/agent/agent run', 'nginx: master process /usr/sbin/nginx', '/usr/bin/containerd'];
const JOBS = ['python3 /srv/jobs/rollup.py --day', 'java -jar /srv/billing/export.jar', 'node /srv/web/server.js', 'pg_dump --format=custom acme', 'ruby /srv/worker/bin/sidekiq'];

function makeProcess(random: () => number, key: string, start: number, end: number): StoredProcess {
  const host = pick(random, HOSTS);
  const daemon = end === Infinity && random() < 0.5;
  return {
    id: hexId(`process:${key}`),
    start,
    end,
    host,
    pid: between(random, 2, 65_000),
    ppid: daemon ? 1 : between(random, 1, 5_000),
    user: daemon ? 'root' : pick(random, ['www-data', 'postgres', 'dd-agent', 'app']),
    cmdline: daemon ? pick(random, DAEMONS) : pick(random, JOBS),
    tags: [`host:${host}`, `env:${pick(random, ['prod', 'staging'])}`, `service:${pick(random, SERVICES)}`],
  };
}

/**
 * Long-running daemons, and jobs that ran for minutes or hours over the last three days: some
 * still run, some ended within the 36 hours Datadog keeps them, some before.
 */
function generateProcesses(seed: number, count: number, now: number): StoredProcess[] {
  const random = seededRandom(seed ^ 0x9c);
  return Array.from({ length: count }, (_, i) => {
    if (random() < 0.3) return makeProcess(random, `${seed}:${i}`, now - between(random, 1, 60) * DAY, Infinity);
    const start = now - between(random, 10, 3 * 24 * 60) * MINUTE - between(random, 0, 59_999);
    const end = start + between(random, 1, 6 * 60) * MINUTE;
    return makeProcess(random, `${seed}:${i}`, start, end > now ? Infinity : awayFrom(end, now - LIVE_RETENTION_MS));
  });
}

/** The last tick in [from, to) at which a process was seen, if any, and Datadog still keeps it (`now`). */
export function processSeen(p: StoredProcess, from: number, to: number, now: number): number | undefined {
  const last = Math.min(to - 1, p.end - 1, now);
  const tick = Math.floor(last / PROCESS_TICK_MS) * PROCESS_TICK_MS;
  if (tick < from || tick < p.start || tick < now - LIVE_RETENTION_MS) return undefined;
  return tick;
}

export function processRecord(p: StoredProcess, seen: number): Json {
  return {
    type: 'process',
    id: p.id,
    attributes: { cmdline: p.cmdline, host: p.host, pid: p.pid, ppid: p.ppid, user: p.user, start: zoneless(p.start), timestamp: zoneless(seen), tags: p.tags },
  };
}

// ── Synthetic test results ───────────────────────────────────────────────────────────────

/** Test types whose results Datadog lists, and the other two it has no results endpoint for. */
export const RESULT_TYPES = ['api', 'browser'] as const;

export interface StoredResult {
  checkTime: number;
  record: Json;
}

const DEVICES = [
  { id: 'chrome.laptop_large', name: 'Laptop Large', height: 1100, width: 1440, isMobile: false, browser: 'chrome' },
  { id: 'firefox.tablet', name: 'Tablet', height: 1024, width: 768, isMobile: true, browser: 'firefox' },
  { id: 'edge.laptop_large', name: 'Laptop Large', height: 1100, width: 1440, isMobile: false, browser: 'edge' },
];

function resultRecord(type: string, key: string, checkTime: number, location: string): Json {
  const random = seededRandom(Math.floor(hashUnit(key) * 2 ** 32));
  const roll = random();
  const status = roll < 0.9 ? 0 : roll < 0.98 ? 1 : 2;
  const passed = status === 0;
  const result_id = resultId(key);
  if (type === 'browser') {
    const device = pick(random, DEVICES);
    const steps = between(random, 3, 9);
    return {
      status,
      check_time: checkTime,
      check_version: 2,
      result: {
        runType: 0,
        tunnel: false,
        errorMessage: passed ? null : 'Element not found',
        timings: null,
        stepCountTotal: steps,
        stepCountCompleted: passed ? steps : between(random, 0, steps - 1),
        duration: between(random, 2_000, 20_000),
        deviceId: device.id,
        passed,
        device,
        errorCount: passed ? 0 : between(random, 1, 3),
      },
      probe_dc: location,
      result_id,
      device_id: device.id,
    };
  }
  const ms = (min: number, max: number) => Math.round((min + random() * (max - min)) * 10) / 10;
  const timings = { dns: ms(0.5, 50), tcp: ms(1, 10), ssl: ms(5, 40), firstByte: ms(10, 200), download: ms(0.1, 5) };
  return {
    status,
    check_time: checkTime,
    check_version: 1,
    result: { tunnel: false, errorMessage: passed ? null : 'Assertion failed: status code is 503', timings: { ...timings, total: Math.round(Object.values(timings).reduce((a, b) => a + b, 0) * 10) / 10 }, passed, runType: 0 },
    probe_dc: location,
    result_id,
  };
}

/**
 * One test's results: every location runs at each tick (`tick_every`), in the same second at a few
 * milliseconds apart, as Datadog schedules them. The first test of the organisation runs exactly on
 * the second and its ticks divide the day, so results fall exactly on window edges. Results indexed
 * late (`late`) are kept apart and merged in.
 */
export class TestResults {
  readonly late: StoredResult[] = [];
  private readonly tickMs: number;
  private readonly phaseMs: number;
  private readonly offsets: number[];
  private readonly since: number;
  private readonly until: number;

  constructor(
    readonly test: Json,
    index: number,
    created: number,
  ) {
    const id = String(test.public_id);
    this.tickMs = Number((test.options as Json).tick_every) * 1000;
    const locations = test.locations as string[];
    this.phaseMs = index === 0 ? 0 : Math.floor(hashUnit(`${id}:phase`) * (this.tickMs / 1000 - 1)) * 1000;
    this.offsets = locations.map((_, l) => (index === 0 && l === 0 ? 0 : Math.floor(hashUnit(`${id}:${l}`) * 1000)));
    this.since = created - RESULTS_HISTORY_MS;
    // A paused test stopped producing results some days ago.
    this.until = test.status === 'paused' ? created - DAY - Math.floor(hashUnit(`${id}:paused`) * 3 * DAY) : Infinity;
  }

  /** Results with from <= check_time <= to (both in ms) that `keep` keeps, newest first, at most `limit`. */
  newest(from: number, to: number, limit: number, keep: (result: StoredResult) => boolean = () => true): StoredResult[] {
    const out: StoredResult[] = [];
    const ticks = this.ticksDown(from, Math.min(to, this.until));
    const late = this.late.filter((r) => r.checkTime >= from && r.checkTime <= to)[Symbol.iterator]();
    let a = ticks.next();
    let b = late.next();
    while (out.length < limit && (!a.done || !b.done)) {
      let next: StoredResult;
      if (b.done || (!a.done && a.value.checkTime >= b.value.checkTime)) {
        next = a.value as StoredResult;
        a = ticks.next();
      } else {
        next = b.value;
        b = late.next();
      }
      if (keep(next)) out.push(next);
    }
    return out;
  }

  private *ticksDown(from: number, to: number): Generator<StoredResult> {
    if (!(this.tickMs > 0)) return;
    const type = String(this.test.type);
    const locations = this.test.locations as string[];
    const order = locations.map((_, l) => l).sort((x, y) => this.offsets[y] - this.offsets[x]);
    const low = Math.max(from, this.since);
    for (let k = Math.floor((to - this.phaseMs) / this.tickMs); ; k--) {
      const base = k * this.tickMs + this.phaseMs;
      if (base + 999 < low) return;
      for (const l of order) {
        const checkTime = base + this.offsets[l];
        if (checkTime > to || checkTime < low) continue;
        yield { checkTime, record: resultRecord(type, `${this.test.public_id}:${k}:${l}`, checkTime, locations[l]) };
      }
    }
  }

  /** Adds a result as if indexed late (its check time may be long past). */
  addLate(checkTime: number, key: string): string {
    const locations = this.test.locations as string[];
    const record = resultRecord(String(this.test.type), `late:${key}`, checkTime, locations[Math.floor(hashUnit(key) * locations.length)]);
    this.late.push({ checkTime, record });
    this.late.sort((x, y) => y.checkTime - x.checkTime);
    return String(record.result_id);
  }
}

// ── SLO corrections ─────────────────────────────────────────────────────────────────────

const CATEGORIES = ['Scheduled Maintenance', 'Outside Business Hours', 'Deployment', 'Other'];

function generateSloCorrections(seed: number, count: number, now: number, slos: Json[]): Json[] {
  const random = seededRandom(seed ^ 0x5c);
  const user = (random: () => number) => {
    const { handle, email, name } = who(random);
    const id = uuid(random);
    return { data: { type: 'users', id, attributes: { uuid: id, handle, email, name, icon: `https://secure.gravatar.com/avatar/${randomId(random, 32, HEX)}?s=48&d=retro` } } };
  };
  return Array.from({ length: count }, () => {
    const created = Math.floor((now - between(random, 1, 200) * DAY) / 1000);
    const start = created + between(random, -3, 10) * 3600;
    const recurring = random() < 0.3;
    const modified = random() < 0.4 ? created + between(random, 60, 86_400) : created;
    return {
      type: 'correction',
      id: `${randomId(random, 8, HEX)}-${randomId(random, 4, HEX)}-11ed-${randomId(random, 4, HEX)}-da7ad0902002`,
      attributes: {
        slo_id: slos.length ? String(pick(random, slos).id) : randomId(random, 32, HEX),
        start,
        end: recurring ? null : start + between(random, 1, 48) * 3600,
        description: random() < 0.5 ? '' : 'Planned database failover',
        category: pick(random, CATEGORIES),
        timezone: pick(random, ['UTC', 'Europe/Paris', 'America/New_York']),
        created_at: created,
        modified_at: modified,
        rrule: recurring ? 'FREQ=WEEKLY;INTERVAL=1;BYDAY=SA,SU' : null,
        duration: recurring ? 7200 : null,
        creator: user(random),
        modifier: modified !== created ? who(random) : null,
      },
    };
  });
}

// ── Logs configuration ──────────────────────────────────────────────────────────────────

const INDEX_NAMES = ['main', 'payments', 'web', 'security', 'debug-sampled', 'audit', 'flex-archive', 'mobile'];

function generateLogIndexes(seed: number, count: number): Json[] {
  const random = seededRandom(seed ^ 0x1d);
  return Array.from({ length: count }, (_, i) => {
    const name = i < INDEX_NAMES.length ? INDEX_NAMES[i] : `team-${i}`;
    const limited = random() < 0.6;
    return {
      name,
      filter: { query: i === 0 ? '*' : `service:${pick(random, SERVICES)}` },
      num_retention_days: pick(random, [3, 7, 15, 30]),
      ...(random() < 0.3 ? { num_flex_logs_retention_days: pick(random, [90, 180, 360]) } : {}),
      ...(limited
        ? {
            daily_limit: pick(random, [10_000_000, 300_000_000, 1_000_000_000]),
            daily_limit_reset: { reset_time: '14:00', reset_utc_offset: '+00:00' },
            daily_limit_warning_threshold_percentage: pick(random, [70, 80, 90]),
          }
        : {}),
      exclusion_filters: random() < 0.5 ? [{ name: 'drop debug', is_enabled: true, filter: { query: 'status:debug', sample_rate: 1.0 } }] : [],
      is_rate_limited: false,
      tags: [`team:${pick(random, ['core', 'platform'])}`],
    };
  });
}

function generatePipelines(seed: number, count: number): Json[] {
  const random = seededRandom(seed ^ 0x1e);
  return Array.from({ length: count }, (_, i) => {
    const integration = i < 2;
    const source = integration ? ['nginx', 'python'][i] : pick(random, SERVICES);
    return {
      id: randomId(random, 22),
      type: 'pipeline',
      name: integration ? source[0].toUpperCase() + source.slice(1) : `${source} parsing ${i}`,
      is_enabled: random() < 0.9,
      is_read_only: integration,
      filter: { query: `source:${source}` },
      description: integration ? '' : `Parses ${source} logs`,
      tags: [],
      processors: [
        {
          type: 'grok-parser',
          name: `Parsing ${source} logs`,
          is_enabled: true,
          source: 'message',
          samples: [],
          grok: { support_rules: '', match_rules: `rule %{date("yyyy-MM-dd HH:mm:ss"):date} %{word:level} %{data:msg}` },
        },
        { type: 'date-remapper', name: 'Define `date` as the official date', is_enabled: true, sources: ['date'] },
        { type: 'status-remapper', name: 'Define `level` as the status', is_enabled: true, sources: ['level'] },
      ],
    };
  });
}

function generateArchives(seed: number, count: number): Json[] {
  const random = seededRandom(seed ^ 0x1a);
  return Array.from({ length: count }, (_, i) => {
    const kind = ['s3', 'gcs', 'azure'][i % 3];
    const destination =
      kind === 's3'
        ? { type: 's3', bucket: `acme-logs-${i}`, path: '/archive', storage_class: 'STANDARD_IA', integration: { account_id: '123456789012', role_name: 'DatadogLogsArchive' }, encryption: { type: 'SSE_S3' } }
        : kind === 'gcs'
          ? { type: 'gcs', bucket: `acme-logs-${i}`, path: '/archive', integration: { client_email: 'archiver@acme-prod.iam.gserviceaccount.com', project_id: 'acme-prod' } }
          : { type: 'azure', container: 'logs', storage_account: 'acmelogs', path: '/archive', integration: { client_id: uuid(random), tenant_id: uuid(random) } };
    return {
      type: 'archives',
      id: randomId(random, 22),
      attributes: {
        name: `${pick(random, SERVICES)} archive ${i + 1}`,
        query: `service:${pick(random, SERVICES)}`,
        destination,
        include_tags: random() < 0.5,
        rehydration_tags: ['team:intake'],
        rehydration_max_scan_size_in_gb: random() < 0.5 ? 100 : null,
        state: pick(random, ['WORKING', 'WORKING', 'FAILING', 'UNKNOWN']),
      },
    };
  });
}

function generateLogMetrics(seed: number, count: number): Json[] {
  const random = seededRandom(seed ^ 0x1b);
  const names = new Set<string>();
  while (names.size < count) names.add(`logs.${pick(random, SERVICES)}.${pick(random, ['errors', 'requests', 'latency', 'bytes'])}.${randomId(random, 4, 'abcdefghijklmnopqrstuvwxyz')}`);
  return [...names].map((id) => {
    const distribution = id.includes('latency');
    return {
      type: 'logs_metrics',
      id,
      attributes: {
        compute: distribution ? { aggregation_type: 'distribution', include_percentiles: true, path: '@duration' } : { aggregation_type: 'count' },
        filter: { query: `service:${id.split('.')[1]}` },
        group_by: random() < 0.5 ? [{ path: '@http.status_code', tag_name: 'status_code' }] : [],
      },
    };
  });
}

function generateCustomDestinations(seed: number, count: number): Json[] {
  const random = seededRandom(seed ^ 0x1f);
  return Array.from({ length: count }, (_, i) => {
    const forwarder_destination = [
      { type: 'http', endpoint: 'https://logs.example.com/intake', auth: { type: 'basic' } },
      { type: 'http', endpoint: 'https://collector.example.com', auth: { type: 'custom_header', header_name: 'X-Collector-Token' } },
      { type: 'splunk_hec', endpoint: 'https://splunk.example.com:8088', sourcetype: null },
      // The response never carries the credentials; Elasticsearch's `auth` comes back empty.
      { type: 'elasticsearch', endpoint: 'https://es.example.com', index_name: 'nginx-logs', index_rotation: 'yyyy-MM-dd', auth: {} },
    ][i % 4];
    const allow = random() < 0.5;
    return {
      type: 'custom_destination',
      id: uuid(random),
      attributes: {
        name: `Forward ${pick(random, SERVICES)} logs ${i + 1}`,
        query: `source:${pick(random, ['nginx', 'python', 'java'])}`,
        enabled: random() < 0.8,
        forwarder_destination,
        forward_tags_restriction_list_type: allow ? 'ALLOW_LIST' : 'BLOCK_LIST',
        forward_tags_restriction_list: allow ? ['env', 'service'] : ['host'],
        forward_tags: random() < 0.7,
      },
    };
  });
}

// ── Monitor configuration ───────────────────────────────────────────────────────────────

/** A notification rule and its creator (listed only with `include=created_by`). */
export interface StoredRule {
  created: number;
  record: Json;
  creator: Json;
}

function generateNotificationRules(seed: number, count: number, now: number): StoredRule[] {
  const random = seededRandom(seed ^ 0x7a);
  return Array.from({ length: count }, (_, i) => {
    const created = now - between(random, 1, 300) * DAY - between(random, 0, 86_399_999);
    const modified = random() < 0.5 ? created + between(random, 1, 10_000) * 1000 : created;
    const service = pick(random, SERVICES);
    const conditional = random() < 0.3;
    const userId = uuid(random);
    const person = who(random);
    // Recorded responses name the times `created_at` and `modified_at` (the spec says `created`, `modified`).
    const micros = (ms: number) => `${iso(ms).slice(0, 23)}${between(random, 100, 999)}+00:00`;
    return {
      created,
      creator: { type: 'users', id: userId, attributes: { name: person.name, handle: person.handle, email: person.email, created_at: micros(created - 30 * DAY), modified_at: micros(created), disabled: false, status: 'Active', verified: true } },
      record: {
        type: 'monitor-notification-rule',
        id: uuid(random),
        attributes: {
          name: `Route ${service} alerts ${i + 1}`,
          filter: random() < 0.7 ? { tags: [`service:${service}`, `env:${pick(random, ['prod', 'staging'])}`] } : { scope: `service:${service} AND NOT env:staging` },
          ...(conditional
            ? { conditional_recipients: { conditions: [{ scope: 'priority:p1', recipients: [`pagerduty-${service}`] }], fallback_recipients: [`slack-${service}-alerts`] } }
            : { recipients: [`slack-${service}-alerts`, ...(random() < 0.3 ? [`${person.handle}`] : [])] }),
          created_at: micros(created),
          modified_at: micros(modified),
        },
        relationships: { created_by: { data: { type: 'users', id: userId } } },
      },
    };
  });
}

function generateConfigPolicies(seed: number, count: number): Json[] {
  const random = seededRandom(seed ^ 0x7b);
  const keys = ['env', 'team', 'service', 'datacenter', 'cost_center'];
  return Array.from({ length: count }, (_, i) => ({
    type: 'monitor-config-policy',
    id: uuid(random),
    attributes: {
      policy_type: 'tag',
      policy: { tag_key: i < keys.length ? keys[i] : `policy_${i}`, tag_key_required: random() < 0.5, valid_tag_values: i === 0 ? ['prod', 'staging'] : [pick(random, SERVICES), pick(random, ['core', 'platform'])] },
    },
  }));
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
    const ids = (items: Json[], key = 'id') => items.map((item) => String(item[key])).sort();
    const positions = (list: string[]) => list.map((_, i) => String(i)).sort();
    const from = window?.from ?? 0;
    const to = window?.to ?? this.clock() + 1;
    switch (stream) {
      case 'containers':
        return ids(this.liveContainers());
      case 'container_images':
        return ids(this.containerImages);
      case 'processes':
        return this.processesSeen(from, to).map((p) => p.process.id).sort();
      case 'synthetic_results':
        // Datadog's results filter takes both ends (from_ts and to_ts) as inclusive.
        return [...this.results.values()]
          .filter((t) => (RESULT_TYPES as readonly string[]).includes(String(t.test.type)))
          .flatMap((t) => this.resultKeys(String(t.test.public_id), from, to))
          .sort();
      case 'slo_corrections':
        return ids(this.sloCorrections);
      case 'logs_indexes':
        return ids(this.logIndexes, 'name');
      case 'logs_index_order':
        return positions(this.indexOrder);
      case 'logs_pipelines':
        return ids(this.pipelines);
      case 'logs_pipeline_order':
        return positions(this.pipelineOrder);
      case 'logs_archives':
        return ids(this.archives);
      case 'logs_metrics':
        return ids(this.logMetrics);
      case 'logs_custom_destinations':
        return ids(this.customDestinations);
      case 'monitor_notification_rules':
        return ids(this.notificationRules.map((r) => r.record));
      case 'monitor_config_policies':
        return ids(this.configPolicies);
      default:
        return undefined;
    }
  }
}
