/**
 * The usage and cost streams, synced end to end from the simulator on a real Temporal dev server into
 * DuckDB, on a pinned clock: a first run on 30 November, a second one on 2 December that re-reads what
 * Datadog revises (hours up to 72 hours back, the month in progress), reads what it reported late and
 * what is new, and duplicates nothing; then the refusals: a missing permission of two, and a child
 * organisation's keys on endpoints for parent-level organisations.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { checkAccess } from '../src/cli/check';
import { parseSyncRequest, type SyncRequestInput } from '../src/config/request';
import { DatadogClient } from '../src/datadog/client';
import { getStream, tableSpec } from '../src/datadog/streams/table';
import { keyColumn } from '../src/destinations/table-model';
import type { DuckDbDestination } from '../src/destinations/duckdb';
import { SIMULATOR_KEYS } from '../src/simulator';
import { usageTime } from '../src/simulator/datasets/usage';
import { NON_PARENT_ORG_ANSWER } from '../src/simulator/server';
import { unreadableReason } from '../src/shared/unreadable';
import { harness, type Harness } from './helpers/retriever';
import { startDevServer } from './helpers/temporal';

const HOUR = 3_600_000;
const MONTHLY = ['usage_summary', 'estimated_cost', 'historical_cost', 'monthly_cost_attribution'];
const FULL_REFRESH = ['projected_cost', 'active_billing_dimensions', 'cloud_cost_aws_configs', 'cloud_cost_azure_configs', 'cloud_cost_gcp_configs', 'custom_costs', 'cost_budgets'];
/** The usage types hourly_usage_attribution is configured with: `snmp_usage` is one the organisations have none of. */
const USAGE_TYPES = ['infra_host_usage', 'api_usage', 'snmp_usage'];

/** The primary keys a table holds, as sorted strings. */
async function keys(destination: DuckDbDestination, stream: string): Promise<string[]> {
  const column = keyColumn(tableSpec(getStream(stream))).name;
  const rows = await destination.query(`SELECT "${column}" AS k FROM "${stream}"`);
  return rows.map((r) => String(r.k)).sort();
}

const union = (...lists: string[][]) => [...new Set(lists.flat())].sort();
const iso = (ms: number) => new Date(ms).toISOString();

describe('usage and cost streams, end to end', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  // The first run late on 30 November (October's cost and attribution are out, November's projection
  // is made), the second early on 2 December (a new month, November closed but not yet costed).
  const firstRun = Date.parse('2026-11-30T20:20:00Z');
  const secondRun = Date.parse('2026-12-02T03:20:00Z');
  let now = firstRun;

  const monthly = (): SyncRequestInput => ({ streams: [...MONTHLY, ...FULL_REFRESH], start_date: '2026-08-10T00:00:00Z', lag: '0s', max_records_per_request: 40 });
  const hourly = (): SyncRequestInput => ({ streams: ['usage_hourly'], start_date: iso(firstRun - 4 * 24 * HOUR), lag: '0s', max_records_per_request: 100 });
  const attribution = (): SyncRequestInput => ({
    streams: ['hourly_usage_attribution'],
    start_date: iso(firstRun - 6 * HOUR),
    lag: '0s',
    stream_options: { hourly_usage_attribution: { usage_types: USAGE_TYPES } },
  });
  /** What each stream must hold after the first run, kept for the second (incremental tables keep what they read). */
  const afterFirst: Record<string, string[]> = {};

  beforeAll(async () => {
    env = await startDevServer();
    // Five organisations and four records a page: monthly cost attribution turns two pages a month.
    h = await harness(env, { seed: 21, clock: () => now, usage: { childOrgs: 4, recordsPerPage: 4 } });
  });
  afterAll(async () => {
    await h?.close();
    await env?.teardown();
  });

  const truth = (stream: string, from: number) => h.simulator.world.usage.groundTruth(stream, { from, to: now })!;
  const attributionTruth = (from: number) => h.simulator.world.usage.hourlyAttributionKeys(from, now, USAGE_TYPES).sort();
  const sent = (path: string, since: number) => h.simulator.requests.slice(since).filter((r) => r.path === path && r.status === 200);

  it('copies every usage and cost stream as the simulator holds it', async () => {
    const before = h.simulator.requests.length;
    for (const request of [monthly(), hourly(), attribution()]) {
      const result = await h.sync(request);
      expect({ status: result.status, warnings: result.warnings }).toEqual({ status: 'completed', warnings: [] });
    }
    const start = Date.parse('2026-08-10T00:00:00Z');
    for (const stream of MONTHLY) afterFirst[stream] = truth(stream, start);
    for (const stream of FULL_REFRESH) afterFirst[stream] = truth(stream, 0);
    afterFirst.usage_hourly = truth('usage_hourly', firstRun - 4 * 24 * HOUR);
    afterFirst.hourly_usage_attribution = attributionTruth(firstRun - 6 * HOUR);
    for (const [stream, expected] of Object.entries(afterFirst)) {
      expect({ stream, keys: await keys(h.destination, stream) }).toEqual({ stream, keys: expected });
    }
    // Datadog's own calendar: August to October cost and attribution are out, November's are not; the
    // estimate covers October and November only; November's projection exists; five organisations each.
    const months = (stream: string) => [...new Set(afterFirst[stream].map((k) => k.split(':').pop()))];
    expect(months('historical_cost')).toEqual(['2026-08', '2026-09', '2026-10']);
    expect(months('monthly_cost_attribution')).toEqual(['2026-08', '2026-09', '2026-10']);
    expect(months('estimated_cost')).toEqual(['2026-10', '2026-11']);
    expect(afterFirst.usage_summary).toEqual(['2026-08', '2026-09', '2026-10', '2026-11']);
    expect(afterFirst.projected_cost).toHaveLength(5);
    expect(afterFirst.hourly_usage_attribution.length).toBeGreaterThan(0);
    expect(afterFirst.custom_costs.length).toBeGreaterThan(100);

    // Months are asked one calendar month a request, end_month inclusive; the estimate never before the previous month.
    const summaries = sent('/api/v1/usage/summary', before).map((r) => [r.query.start_month, r.query.end_month]);
    expect(summaries).toEqual(['08', '09', '10', '11'].map((m) => [`2026-${m}-01T00:00:00.000Z`, `2026-${m}-01T00:00:00.000Z`]));
    expect(sent('/api/v2/usage/estimated_cost', before).map((r) => r.query.start_month)).toEqual(['2026-10-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z']);
    // The pages of next_record_id endpoints were followed.
    expect(sent('/api/v2/cost_by_tag/monthly_cost_attribution', before).filter((r) => r.query.next_record_id)).toHaveLength(3);
    expect(sent('/api/v1/usage/hourly-attribution', before).some((r) => r.query.next_record_id)).toBe(true);
    // Hourly windows start and end on whole hours; attribution windows span at most 24 hours, one usage type each, every one asked.
    for (const r of sent('/api/v2/usage/hourly_usage', before)) {
      expect(Date.parse(r.query['filter[timestamp][start]']) % HOUR).toBe(0);
      expect(Date.parse(r.query['filter[timestamp][end]']) % HOUR).toBe(0);
    }
    const attributed = sent('/api/v1/usage/hourly-attribution', before);
    expect(attributed.every((r) => Date.parse(r.query.end_hr) - Date.parse(r.query.start_hr) <= 24 * HOUR)).toBe(true);
    expect([...new Set(attributed.map((r) => r.query.usage_type))].sort()).toEqual([...USAGE_TYPES].sort());
  });

  it('on the next run, re-reads what Datadog revises, reads what came late and what is new, and duplicates nothing', async () => {
    const usage = h.simulator.world.usage;
    const bookmark = (await h.destination.readBookmark('usage_hourly'))!.cursor;
    expect(bookmark).toBe(Date.parse('2026-11-30T20:00:00Z'));
    now = secondRun;
    // Datadog revises an hour 48 hours back (within the 72-hour lookback) and one 80 hours before the bookmark (beyond it).
    const revised = Math.floor((secondRun - 48 * HOUR) / HOUR) * HOUR;
    const tooOld = bookmark - 80 * HOUR;
    const measurements = async (hour: number) => {
      const [row] = await h.destination.query(`SELECT measurements FROM usage_hourly WHERE key = '${usage.parent.public_id}:infra_hosts:${usageTime(hour)}'`);
      return typeof row.measurements === 'string' ? JSON.parse(row.measurements) : row.measurements;
    };
    const simulated = (hour: number) => (usage.hourlyUsage(hour, hour + HOUR, ['infra_hosts'], false)[0].attributes as { measurements: unknown }).measurements;
    const oldValue = await measurements(tooOld);
    expect(oldValue).toEqual(simulated(tooOld));
    usage.revise('infra_hosts', revised);
    usage.revise('infra_hosts', tooOld);
    expect(simulated(revised)).not.toEqual(await measurements(revised));
    // A custom costs file is deleted and another one arrives: the full refresh follows.
    const deleted = String(usage.customCosts.splice(3, 1)[0].id);

    const before = h.simulator.requests.length;
    for (const request of [monthly(), hourly(), attribution()]) {
      const result = await h.sync(request);
      expect({ status: result.status, warnings: result.warnings }).toEqual({ status: 'completed', warnings: [] });
    }

    // Incremental tables hold what both runs read; full refreshes what is listed now.
    for (const stream of MONTHLY) {
      expect({ stream, keys: await keys(h.destination, stream) }).toEqual({ stream, keys: union(afterFirst[stream], truth(stream, Date.parse('2026-11-01T00:00:00Z'))) });
    }
    for (const stream of FULL_REFRESH) expect({ stream, keys: await keys(h.destination, stream) }).toEqual({ stream, keys: truth(stream, 0) });
    expect(await keys(h.destination, 'usage_hourly')).toEqual(truth('usage_hourly', firstRun - 4 * 24 * HOUR));
    expect(await keys(h.destination, 'hourly_usage_attribution')).toEqual(attributionTruth(firstRun - 6 * HOUR));

    // New: December's usage and estimate. Late: hours of families Datadog reports hours after they end.
    expect(await keys(h.destination, 'usage_summary')).toContain('2026-12');
    expect((await keys(h.destination, 'estimated_cost')).filter((k) => k.endsWith(':2026-12'))).toHaveLength(5);
    // RUM usage is reported 6 hours after the hour: its last 6 hours before the bookmark came after the first run.
    const lateRum = (list: string[]) => list.filter((k) => k.includes(':rum:') && Date.parse(k.split(':rum:')[1]) >= bookmark - 6 * HOUR && Date.parse(k.split(':rum:')[1]) < bookmark);
    expect(lateRum(afterFirst.usage_hourly)).toEqual([]);
    expect(lateRum(await keys(h.destination, 'usage_hourly'))).toHaveLength(6);
    // Revised within the lookback: changed; beyond it: as first read.
    expect(await measurements(revised)).toEqual(simulated(revised));
    expect(await measurements(tooOld)).toEqual(oldValue);
    expect(simulated(tooOld)).not.toEqual(oldValue);
    // November closed: its summary holds the whole month now, and its estimate, re-dated, is still one row per organisation.
    const [november] = await h.destination.query(`SELECT indexed_events_count_sum AS n FROM usage_summary WHERE key = '2026-11'`);
    expect(Number(november.n)).toBe(usage.usageSummary(Date.parse('2026-11-01T00:00:00Z'), Date.parse('2026-11-01T00:00:00Z'), false)[0].indexed_events_count_sum);
    const dates = await h.destination.query(`SELECT strftime("date", '%Y-%m-%dT%H:%M') AS d FROM estimated_cost WHERE key LIKE '%:2026-11'`);
    expect(dates.map((d) => d.d)).toEqual(Array(5).fill('2026-11-30T23:00'));
    // December 2nd: no projection yet, so the table is empty; the deleted file is gone.
    expect(await keys(h.destination, 'projected_cost')).toEqual([]);
    expect(await keys(h.destination, 'custom_costs')).not.toContain(deleted);

    // Each stream re-read exactly its lookback before its bookmark (72 hours, on whole hours), or the month that falls in.
    expect(sent('/api/v2/usage/hourly_usage', before)[0].query['filter[timestamp][start]']).toBe(iso(bookmark - 72 * HOUR));
    expect(sent('/api/v1/usage/summary', before).map((r) => r.query.start_month)).toEqual(['2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z']);
    expect(sent('/api/v2/usage/historical_cost', before)[0].query.start_month).toBe('2026-11-01T00:00:00.000Z');
  });

  describe('refusals', () => {
    it('skips the cost streams when the application key lacks billing_read, naming both permissions they need', async () => {
      const limited = await harness(env, { seed: 22, clock: () => firstRun, forbiddenPermissions: ['billing_read'] });
      try {
        const result = await limited.sync({ streams: ['estimated_cost', 'monthly_cost_attribution', 'usage_summary'], start_date: '2026-11-01T00:00:00Z', lag: '0s' });
        expect(result.status).toBe('completed');
        expect(Object.fromEntries(result.streams.map((s) => [s.stream, s.status]))).toEqual({ estimated_cost: 'skipped', monthly_cost_attribution: 'skipped', usage_summary: 'completed' });
        for (const stream of ['estimated_cost', 'monthly_cost_attribution']) {
          const warning = result.warnings.find((w) => w.startsWith(`${stream} skipped`))!;
          expect(warning).toContain(unreadableReason(403, 'usage_read and billing_read', true));
          expect(warning).toContain('both the "usage_read" and "billing_read" permissions');
        }
        expect(await keys(limited.destination, 'usage_summary')).toEqual(['2026-11']);
      } finally {
        await limited.close();
      }
    });

    it("skips the parent-organisation endpoints for a child organisation's keys, saying so, and reads the others", async () => {
      const child = await harness(env, { seed: 23, clock: () => firstRun, childOrg: true });
      try {
        const streams = ['usage_summary', 'projected_cost', 'usage_hourly', 'active_billing_dimensions'];
        const result = await child.sync({ streams, start_date: iso(firstRun - 6 * HOUR), lag: '0s' });
        expect(result.status).toBe('completed');
        expect(Object.fromEntries(result.streams.map((s) => [s.stream, s.status]))).toEqual({ usage_summary: 'skipped', projected_cost: 'skipped', usage_hourly: 'completed', active_billing_dimensions: 'completed' });
        const warning = result.warnings.find((w) => w.startsWith('usage_summary skipped'))!;
        expect(warning).toContain(unreadableReason(403, 'usage_read', true));
        expect(warning).toContain(NON_PARENT_ORG_ANSWER);
        expect(await keys(child.destination, 'usage_hourly')).toEqual(child.simulator.world.usage.groundTruth('usage_hourly', { from: firstRun - 6 * HOUR, to: firstRun }));
        // `retriever check` says the same.
        const client = new DatadogClient({ baseUrl: child.simulator.url, credentials: SIMULATOR_KEYS });
        const report = await checkAccess(client, parseSyncRequest({ streams }, firstRun), { now: firstRun });
        await client.close();
        expect(report.streams.map((s) => [s.stream, s.readable])).toEqual(streams.map((s) => [s, !['usage_summary', 'projected_cost'].includes(s)]));
        expect(report.streams[0].message.startsWith(unreadableReason(400, 'usage_read', true))).toBe(true);
      } finally {
        await child.close();
      }
    });
  });
});
