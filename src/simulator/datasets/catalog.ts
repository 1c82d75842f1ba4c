/** Configuration objects of the simulated organisation: monitors, SLOs, synthetics, notebooks, hosts, metrics… */
import { HOSTS, SERVICES } from '../data';
import { between, pick, randomId, seededRandom, uuid } from '../random';

const DAY = 86_400_000;
const LOWER = 'abcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';
const PEOPLE = ['ana', 'li', 'sam', 'kim'];
const iso = (ms: number) => new Date(ms).toISOString();
const creator = (random: () => number) => {
  const who = pick(random, PEOPLE);
  return { email: `${who}@example.com`, handle: `${who}@example.com`, name: who[0].toUpperCase() + who.slice(1) };
};
/** Created some time in the last year, modified since. */
function lifetime(random: () => number, now: number): { created: number; modified: number } {
  const created = now - Math.floor(random() * 365 * DAY);
  return { created, modified: created + Math.floor(random() * (now - created)) };
}

export type Json = Record<string, unknown>;

export function generateDashboardLists(seed: number, count: number, now: number): Json[] {
  const random = seededRandom(seed ^ 0xd1);
  return Array.from({ length: count }, (_, i) => {
    const { created, modified } = lifetime(random, now);
    return {
      id: 100_000 + i * 7 + between(random, 0, 6),
      name: `${pick(random, SERVICES)} dashboards ${i + 1}`,
      type: 'manual_dashboard_list',
      author: creator(random),
      created: iso(created),
      modified: iso(modified),
      dashboard_count: between(random, 0, 20),
      is_favorite: random() < 0.2,
    };
  });
}

export function generateMonitors(seed: number, count: number, now: number): Json[] {
  const random = seededRandom(seed ^ 0xa0);
  return Array.from({ length: count }, (_, i) => {
    const service = pick(random, SERVICES);
    const { created, modified } = lifetime(random, now);
    return {
      id: 1_000_000 + i * 13 + between(random, 0, 12),
      name: `High error rate on ${service} ${i + 1}`,
      type: pick(random, ['metric alert', 'query alert', 'log alert', 'service check']),
      query: `avg(last_5m):avg:trace.http.request.errors{service:${service}} > ${between(random, 1, 50)}`,
      message: `Errors are up on ${service}. @slack-${service}`,
      tags: [`service:${service}`, `team:${pick(random, ['core', 'growth', 'platform'])}`],
      options: { notify_no_data: random() < 0.3, renotify_interval: pick(random, [0, 60, 120]), thresholds: { critical: 50, warning: 20 } },
      overall_state: pick(random, ['OK', 'OK', 'OK', 'Alert', 'Warn', 'No Data']),
      priority: between(random, 1, 5),
      created: iso(created),
      modified: iso(modified),
      creator: creator(random),
      multi: random() < 0.5,
      restricted_roles: null,
    };
  });
}

export function generateDowntimes(seed: number, count: number, now: number): Json[] {
  const random = seededRandom(seed ^ 0xd0);
  return Array.from({ length: count }, () => {
    const { created, modified } = lifetime(random, now);
    const start = modified + between(random, -5, 5) * DAY;
    const byTags = random() < 0.5;
    return {
      id: uuid(random),
      type: 'downtime',
      attributes: {
        created: iso(created),
        modified: iso(modified),
        canceled: null,
        display_timezone: 'UTC',
        message: `Maintenance of ${pick(random, SERVICES)}`,
        monitor_identifier: byTags ? { monitor_tags: [`service:${pick(random, SERVICES)}`] } : { monitor_id: between(random, 1_000_000, 1_001_000) },
        mute_first_recovery_notification: false,
        notify_end_states: ['alert', 'no data', 'warn'],
        notify_end_types: ['canceled', 'expired'],
        schedule: { start: iso(start), end: iso(start + between(random, 1, 48) * 3_600_000) },
        scope: `env:${pick(random, ['prod', 'staging'])}`,
        status: start > now ? 'scheduled' : pick(random, ['active', 'ended', 'canceled']),
      },
    };
  });
}

/** Mostly API tests, then browser tests, and a few mobile and network ones (the first is an API test). */
const SYNTHETIC_TYPES = ['api', 'browser', 'api', 'mobile', 'api', 'browser', 'api', 'network'] as const;
const DEVICE_IDS: Record<string, string[]> = { browser: ['chrome.laptop_large', 'firefox.tablet'], mobile: ['synthetics:mobile:device:iphone_15_ios_17'] };

export function generateSyntheticTests(seed: number, count: number): Json[] {
  const random = seededRandom(seed ^ 0x5e);
  return Array.from({ length: count }, (_, i) => {
    const service = pick(random, SERVICES);
    const type = SYNTHETIC_TYPES[i % SYNTHETIC_TYPES.length];
    return {
      public_id: `${randomId(random, 3, LOWER)}-${randomId(random, 3, LOWER)}-${randomId(random, 3, LOWER)}`,
      name: `${service} ${type === 'api' ? 'health' : type} ${i + 1}`,
      type,
      ...(type === 'api' ? { subtype: 'http' } : {}),
      status: random() < 0.85 ? 'live' : 'paused',
      locations: ['aws:eu-central-1', 'aws:us-east-2', 'aws:ap-northeast-1', 'gcp:europe-west3'].slice(0, between(random, 1, 4)),
      tags: [`service:${service}`],
      monitor_id: between(random, 2_000_000, 2_999_999),
      message: `${service} is unreachable`,
      config: { assertions: [], request: { method: 'GET', url: `https://${service}.example.com/health` } },
      options: { tick_every: pick(random, [300, 900, 3600]), min_failure_duration: 0, min_location_failed: 1, ...(DEVICE_IDS[type] ? { device_ids: DEVICE_IDS[type] } : {}) },
      creator: creator(random),
    };
  });
}

export function generateGlobalVariables(seed: number, count: number): Json[] {
  const random = seededRandom(seed ^ 0x9a);
  return Array.from({ length: count }, (_, i) => ({
    id: uuid(random),
    name: `VARIABLE_${i + 1}_${randomId(random, 4, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')}`,
    description: 'A value shared by synthetic tests',
    tags: [`team:${pick(random, ['core', 'growth'])}`],
    value: random() < 0.3 ? { secure: true } : { secure: false, value: randomId(random, 10) },
    attributes: { restricted_roles: [] },
  }));
}

export function generateNotebooks(seed: number, count: number, now: number): Json[] {
  const random = seededRandom(seed ^ 0x0b);
  return Array.from({ length: count }, (_, i) => {
    const { created, modified } = lifetime(random, now);
    const who = creator(random);
    return {
      id: 500_000 + i * 3 + between(random, 0, 2),
      type: 'notebooks',
      attributes: {
        name: `Postmortem ${i + 1}: ${pick(random, SERVICES)} outage`,
        author: { handle: who.handle, email: who.email, name: who.name },
        created: iso(created),
        modified: iso(modified),
        status: 'published',
        time: { live_span: pick(random, ['1h', '4h', '1d', '1w']) },
        cells: [],
      },
    };
  });
}

export function generateSlos(seed: number, count: number, now: number): Json[] {
  const random = seededRandom(seed ^ 0x51);
  return Array.from({ length: count }, (_, i) => {
    const service = pick(random, SERVICES);
    const { created, modified } = lifetime(random, now);
    const target = pick(random, [99, 99.5, 99.9, 99.95]);
    return {
      id: randomId(random, 32, HEX),
      name: `${service} availability ${i + 1}`,
      description: `Share of good requests served by ${service}`,
      type: 'metric',
      query: { numerator: `sum:requests.ok{service:${service}}.as_count()`, denominator: `sum:requests.total{service:${service}}.as_count()` },
      thresholds: [{ target, timeframe: '30d', warning: target + (100 - target) / 2 }],
      timeframe: '30d',
      target_threshold: target,
      tags: [`service:${service}`],
      created_at: Math.floor(created / 1000),
      modified_at: Math.floor(modified / 1000),
      creator: creator(random),
    };
  });
}

/**
 * Hosts report often; some stopped hours or days ago and drop out of the default (3-hour) listing,
 * and a few stopped over a week ago, beyond the 7 days Datadog keeps a host. EC2 instances (`i-…`)
 * come with `aws_id` instead of `id`, as Datadog sends them.
 */
export function generateHosts(seed: number, count: number, now: number): Json[] {
  const random = seededRandom(seed ^ 0x40);
  return Array.from({ length: count }, (_, i) => {
    const name = i < HOSTS.length ? HOSTS[i] : `ip-10-0-${between(random, 0, 255)}-${i}.ec2.internal`;
    const silence = random();
    const quiet = silence < 0.15;
    const gone = !quiet && silence < 0.2;
    const id = 90_000_000 + i * 17 + between(random, 0, 16);
    return {
      ...(name.startsWith('i-') ? { aws_id: name } : { id }),
      name,
      host_name: name,
      aliases: [name],
      apps: ['agent', ...(random() < 0.5 ? ['docker'] : [])],
      sources: ['agent'],
      up: !quiet && !gone,
      is_muted: random() < 0.05,
      last_reported_time: Math.floor(now / 1000) - (quiet ? between(random, 4 * 3600, 6 * 86_400) : gone ? between(random, 8 * 86_400, 14 * 86_400) : between(random, 0, 600)),
      tags_by_source: { Datadog: [`host:${name}`], Amazon: [`availability-zone:eu-central-1${pick(random, ['a', 'b'])}`] },
      meta: { agent_version: '7.60.0', platform: 'linux', cpuCores: pick(random, [2, 4, 8]) },
      metrics: { cpu: Math.round(random() * 1000) / 10, iowait: Math.round(random() * 100) / 10, load: Math.round(random() * 40) / 10 },
    };
  });
}

const METRIC_NAMES = ['system.cpu.user', 'system.cpu.idle', 'system.mem.used', 'system.load.1', 'system.disk.free', 'trace.http.request.hits', 'trace.http.request.errors', 'requests.ok', 'requests.total', 'queue.depth'];

/** A metric and when it last reported (ms): the list endpoint filters on that. */
export interface StoredMetric {
  lastReported: number;
  record: Json;
}

export function generateMetrics(seed: number, count: number, now: number): StoredMetric[] {
  const random = seededRandom(seed ^ 0x3e);
  const names = new Set<string>();
  for (let i = 0; names.size < count; i++) {
    names.add(i < METRIC_NAMES.length ? METRIC_NAMES[i] : `custom.${pick(random, SERVICES)}.${randomId(random, 6, 'abcdefghijklmnopqrstuvwxyz')}`);
  }
  return [...names].sort().map((id) => {
    // Most report now and then; some stopped weeks ago, beyond the 30-day window.
    const lastReported = random() < 0.1 ? now - between(random, 31, 90) * DAY : now - between(random, 0, 20 * 86_400) * 1000;
    if (random() < 0.3) {
      const { created, modified } = lifetime(random, now);
      return {
        lastReported,
        record: {
          id,
          type: 'manage_tags',
          attributes: {
            tags: ['env', 'service'],
            metric_type: pick(random, ['gauge', 'count', 'distribution']),
            include_percentiles: false,
            exclude_tags_mode: false,
            aggregations: [{ space: 'sum', time: 'sum' }],
            created_at: iso(created),
            modified_at: iso(modified),
          },
        },
      };
    }
    return { lastReported, record: { id, type: 'metrics' } };
  });
}
