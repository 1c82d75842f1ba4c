/**
 * The security, CI Visibility, errors/APM and DORA streams, synced end to end from the simulator on a
 * real Temporal dev server into DuckDB and compared with the simulator's ground truth: a first run,
 * a second incremental run after late and new records, and streams the key may not read skipped.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { SyncRequestInput } from '../src/config/request';
import { parseTime } from '../src/datadog/request';
import { getStream, STREAMS, tableSpec } from '../src/datadog/streams/table';
import type { StreamDef } from '../src/datadog/streams/types';
import { keyColumn } from '../src/destinations/table-model';
import type { DuckDbDestination } from '../src/destinations/duckdb';
import type { RequestLogEntry } from '../src/simulator';
import { DORA_STREAMS, SECURITY_SEARCH_STREAMS, SECURITY_STREAMS } from '../src/simulator/datasets/security';
import { unreadableReason } from '../src/shared/unreadable';
import { harness, type Harness } from './helpers/retriever';
import { startDevServer } from './helpers/temporal';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const LOOKBACK = 30 * MINUTE;

const FAMILY: StreamDef[] = SECURITY_STREAMS.map((name) => getStream(name));
const INCREMENTAL = FAMILY.filter((d) => d.window);
const FULL_REFRESH = FAMILY.filter((d) => !d.window);

async function keys(destination: DuckDbDestination, def: StreamDef): Promise<string[]> {
  const column = keyColumn(tableSpec(def)).name;
  const rows = await destination.query(`SELECT "${column}" AS k FROM "${def.name}"`);
  return rows.map((r) => String(r.k)).sort();
}

/** The window a DORA or Error Tracking request asked for, in epoch ms. */
function bodyWindow(r: RequestLogEntry): { from: number; to: number } {
  const { from, to } = (r.body as { data: { attributes: { from: number | string; to: number | string } } }).data.attributes;
  const ms = (t: number | string) => (typeof t === 'number' ? t : Date.parse(t));
  return { from: ms(from), to: ms(to) };
}

/**
 * The windows answered (not split) for a capped stream, in the order asked: those that tile the
 * range. A window followed by a request for its own first half was split; the last one never is.
 */
function answeredWindows(requests: RequestLogEntry[], path: string): { from: number; to: number }[] {
  const asked = requests.filter((r) => r.path === path && r.status === 200).map(bodyWindow);
  return asked.filter((w, i) => !(asked[i + 1] && asked[i + 1].from === w.from && asked[i + 1].to < w.to));
}

describe('security, CI Visibility, errors/APM and DORA streams, end to end', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  const anchor = Math.floor(Date.now() / HOUR) * HOUR;
  const start = anchor - 2 * DAY - 5 * HOUR;
  const firstEnd = anchor - 14 * HOUR;
  const secondEnd = anchor;
  const request = (end: number, streams = FAMILY.map((d) => d.name)): SyncRequestInput => ({
    start_date: new Date(start).toISOString(),
    end_date: new Date(end).toISOString(),
    lag: '0s',
    window_size: '1d',
    // Small pages, so rules, findings and the event lists turn a few pages; DORA and Error Tracking have none.
    max_records_per_request: 60,
    streams,
  });

  beforeAll(async () => {
    env = await startDevServer();
    h = await harness(env, {
      seed: 8,
      logs: { count: 50, from: anchor - 3 * DAY, to: Date.now() },
      // Event pages end early at 4-hour boundaries, cursor and all, as the search family's may.
      searchPartitionMs: 4 * HOUR,
      security: {
        counts: {
          security_signals: 260,
          ci_pipeline_events: 420,
          ci_test_events: 380,
          // About 1300 deployments a day: each day's window is over the 1000 one call returns.
          dora_deployments: 3_900,
          dora_failures: 240,
          // More than 100 issues with errors in a day, some of them failing the whole time.
          error_tracking_issues: 460,
          security_rules: 230,
          security_findings: 400,
          security_suppressions: 9,
          security_filters: 4,
          apm_retention_filters: 6,
          span_based_metrics: 7,
          apm_services: 25,
        },
        // Every 9th CI Visibility answer is partial (`meta.status: "timeout"`): it must be read again, never kept.
        ciPartialEvery: 9,
      },
    });
  });
  afterAll(async () => {
    await h?.close();
    await env?.teardown();
  });

  it('copies every stream exactly as the simulator holds it', async () => {
    const result = await h.sync(request(firstEnd));
    expect(result.status).toBe('completed');
    expect(result.warnings).toEqual([]);
    expect(result.streams.map((s) => s.stream).sort()).toEqual(FAMILY.map((d) => d.name).sort());
    for (const def of FULL_REFRESH) {
      const expected = h.simulator.world.groundTruth(def.name);
      expect(expected.length).toBeGreaterThan(0);
      expect({ stream: def.name, keys: await keys(h.destination, def) }).toEqual({ stream: def.name, keys: expected });
    }
    for (const def of INCREMENTAL) {
      const expected = h.simulator.world.groundTruth(def.name, { from: start, to: firstEnd });
      expect(expected.length).toBeGreaterThan(0);
      expect({ stream: def.name, keys: await keys(h.destination, def) }).toEqual({ stream: def.name, keys: expected });
      expect(await h.destination.readBookmark(def.name)).toMatchObject({ cursor: firstEnd });
    }
    // Rules and findings turned pages, and so did the event lists, partial answers read again.
    for (const path of ['/api/v2/security_monitoring/rules', '/api/v2/security/findings', '/api/v2/ci/pipelines/events', '/api/v2/ci/tests/events']) {
      expect({ path, pages: h.simulator.requests.filter((r) => r.path === path && r.status === 200).length > 3 }).toEqual({ path, pages: true });
    }
  });

  it('splits DORA and Error Tracking windows that come back full, reading each event once', async () => {
    for (const [path, cap] of [['/api/v2/dora/deployments', 1000], ['/api/v2/error-tracking/issues/search', 100]] as const) {
      const asked = h.simulator.requests.filter((r) => r.path === path && r.status === 200).map(bodyWindow);
      const answered = answeredWindows(h.simulator.requests, path);
      // Some windows were split (asked for more than once, in halves) ...
      expect({ path, split: asked.length > answered.length }).toEqual({ path, split: true });
      // ... and the windows answered tile [start, firstEnd) exactly: nothing lost, nothing read twice.
      expect(answered[0].from).toBe(start);
      expect(answered[answered.length - 1].to).toBe(firstEnd);
      answered.slice(1).forEach((w, i) => expect(w.from).toBe(answered[i].to));
      // Each of them held fewer than one call's most.
      const world = h.simulator.world;
      for (const w of answered) {
        const held = path.includes('dora') ? world.groundTruth('dora_deployments', w).length : world.security.issuesBetween(w.from, w.to).length;
        expect(held).toBeLessThan(cap);
      }
    }
    // A day's window holds more deployments than one call returns, and the table has them all.
    const [{ n }] = await h.destination.query(`SELECT count(*) AS n FROM dora_deployments WHERE started_at >= ${start * 1e6} AND started_at < ${(start + DAY) * 1e6}`);
    expect(Number(n)).toBeGreaterThan(1000);
  });

  it('stores each record\'s own time in the unit its row states (nanoseconds for CI and DORA), inside the period read', async () => {
    for (const def of [...SECURITY_SEARCH_STREAMS, ...DORA_STREAMS].map((name) => getStream(name))) {
      const rows = await h.destination.query(`SELECT _raw FROM "${def.name}"`);
      const times = rows.map((r) => {
        let value: unknown = JSON.parse(String(r._raw));
        for (const key of def.window!.cursorField.split('.')) value = (value as Record<string, unknown>)[key];
        return parseTime(value, def.window!.cursorUnit ?? 'iso');
      });
      expect({ stream: def.name, outside: times.filter((t) => !(t >= start && t < firstEnd)) }).toEqual({ stream: def.name, outside: [] });
    }
    const [ci] = await h.destination.query('SELECT attributes FROM ci_pipeline_events LIMIT 1');
    expect(typeof (JSON.parse(String(ci.attributes)) as { start: unknown }).start).toBe('number');
  });

  it('keeps one row per issue, the issue itself, whatever number of windows found it', async () => {
    const rows = await h.destination.query('SELECT id, type, error_type, state, first_seen, last_seen FROM error_tracking_issues');
    expect(rows.length).toBe(new Set(rows.map((r) => r.id)).size);
    expect(rows.every((r) => r.type === 'issue' && typeof r.error_type === 'string' && Number(r.last_seen) >= Number(r.first_seen))).toBe(true);
    // The search results' per-window counts are not columns: they counted only the window that found the issue.
    const columns = (await h.destination.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'error_tracking_issues'`)).map((c) => c.column_name);
    expect(columns).not.toContain('total_count');
    // A long-lived issue was found in every window of the run, and is one row.
    const everyDay = h.simulator.world.security
      .issuesBetween(start, start + DAY)
      .filter(({ issue }) => h.simulator.world.security.issuesBetween(firstEnd - DAY, firstEnd).some((m) => m.issue.id === issue.id));
    expect(everyDay.length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.id === everyDay[0].issue.id)).toHaveLength(1);
    // APM services are rows of names.
    const services = await h.destination.query('SELECT service FROM apm_services ORDER BY service');
    expect(services.map((s) => s.service)).toEqual(h.simulator.world.groundTruth('apm_services'));
  });

  it('reads late and new records on the next run, from the lookback before each bookmark, and duplicates nothing', async () => {
    const world = h.simulator.world;
    const added: Record<string, string[]> = {};
    for (const def of INCREMENTAL) {
      const stream = def.name as Parameters<typeof world.security.add>[0];
      // Late: dated before the bookmark, within the lookback; new: after it.
      added[def.name] = [...world.security.add(stream, 15, firstEnd - 20 * MINUTE, firstEnd), ...world.security.add(stream, 25, firstEnd + HOUR, secondEnd - HOUR)];
    }
    // And a burst of deployments after the bookmark, more than one call returns.
    added.dora_deployments.push(...world.security.add('dora_deployments', 1_200, firstEnd + 2 * HOUR, firstEnd + 4 * HOUR));
    const before = h.simulator.requests.length;
    const result = await h.sync(request(secondEnd, INCREMENTAL.map((d) => d.name)));
    expect(result.status).toBe('completed');
    expect(result.warnings).toEqual([]);
    for (const def of INCREMENTAL) {
      const synced = await keys(h.destination, def);
      expect({ stream: def.name, keys: synced }).toEqual({ stream: def.name, keys: world.groundTruth(def.name, { from: start, to: secondEnd }) });
      expect(synced).toEqual(expect.arrayContaining(added[def.name]));
      expect(await h.destination.readBookmark(def.name)).toMatchObject({ cursor: secondEnd });
    }
    // Each stream's first request of this run started one lookback before its bookmark.
    const later = h.simulator.requests.slice(before).filter((r) => r.status === 200);
    for (const def of INCREMENTAL) {
      const own = later.filter((r) => r.path === def.path);
      const from = (r: RequestLogEntry) => (r.body ? bodyWindow(r).from : Date.parse(r.query['filter[from]']));
      expect({ stream: def.name, from: Math.min(...own.map(from)) }).toEqual({ stream: def.name, from: firstEnd - LOOKBACK });
    }
    // The burst was split on this run too.
    const answered = answeredWindows(h.simulator.requests.slice(before), '/api/v2/dora/deployments');
    expect(answered.length).toBeGreaterThan(2);
  });

  describe('with an application key missing some permissions', () => {
    let limited: Harness;
    beforeAll(async () => {
      limited = await harness(env, {
        seed: 9,
        logs: { count: 20, from: anchor - DAY, to: Date.now() },
        forbiddenStreams: ['security_rules'],
        // ci_test_events is readable with test_optimization_read instead; DORA and Error Tracking are not.
        forbiddenPermissions: ['ci_visibility_read', 'dora_metrics_read', 'error_tracking_read'],
        security: { counts: { dora_deployments: 40, error_tracking_issues: 20 } },
      });
    });
    afterAll(async () => {
      await limited?.close();
    });

    it('skips the streams it may not read, naming the permission, and completes the others', async () => {
      const streams = ['security_rules', 'ci_pipeline_events', 'ci_test_events', 'dora_deployments', 'error_tracking_issues', 'security_filters', 'apm_services'];
      const result = await limited.sync({ ...request(anchor, streams), start_date: new Date(anchor - DAY).toISOString() });
      expect(result.status).toBe('completed');
      const status = Object.fromEntries(result.streams.map((s) => [s.stream, s.status]));
      expect(status).toEqual({
        security_rules: 'skipped',
        ci_pipeline_events: 'skipped',
        ci_test_events: 'completed',
        dora_deployments: 'skipped',
        error_tracking_issues: 'skipped',
        security_filters: 'completed',
        apm_services: 'completed',
      });
      for (const name of ['security_rules', 'ci_pipeline_events', 'dora_deployments', 'error_tracking_issues']) {
        const permission = getStream(name).permission;
        const warning = result.warnings.find((w) => w.startsWith(`${name} skipped`));
        expect(warning).toContain(`"${permission}"`);
        expect(warning).toContain(unreadableReason(403, permission));
      }
      expect(await keys(limited.destination, getStream('ci_test_events'))).toEqual(limited.simulator.world.groundTruth('ci_test_events', { from: anchor - DAY, to: anchor }));
      expect(await keys(limited.destination, getStream('security_filters'))).toEqual(limited.simulator.world.groundTruth('security_filters'));
    });
  });

  it('covers every stream of its family in the table', () => {
    expect(STREAMS.filter((s) => (SECURITY_STREAMS as readonly string[]).includes(s.name)).map((s) => s.name).sort()).toEqual([...SECURITY_STREAMS].sort());
  });
});
