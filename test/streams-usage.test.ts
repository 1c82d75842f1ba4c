/**
 * The row capabilities the usage and cost streams brought: hour and month units with an inclusive
 * end, windows fitted to an endpoint (whole hours, calendar months, a span per request, a retention),
 * a fan-out over one required parameter, a cursor without a page size, keys from a month, and the
 * refusal of endpoints only parent-level organisations may call.
 */
import { fitRange } from '../src/activities/plan';
import { FAN_OUT_OPTIONS, parseSyncRequest, streamFanOut } from '../src/config/request';
import { InvalidConfigError } from '../src/config/issues';
import { kindForAnswer } from '../src/datadog/errors';
import { extractRecords } from '../src/datadog/page';
import { effectivePageSize, nextFanOutPage, nextPageState, pageParams } from '../src/datadog/pagination';
import { buildPageRequest } from '../src/datadog/request';
import { getStream, STREAMS } from '../src/datadog/streams/table';
import { DEFAULT_USAGE_ATTRIBUTION_TYPES } from '../src/datadog/streams/usage-types';
import { parseUtcTime } from '../src/shared/calendar';
import { unreadableReason } from '../src/shared/unreadable';
import { FAILURE } from '../src/shared/failure-types';
import { skipWarning } from '../src/workflows/progress';
import { countWindows, windowAt } from '../src/workflows/windows';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const t = (text: string) => Date.parse(text);

describe('a cursor without a page size (next_record_id)', () => {
  const pagination = getStream('monthly_cost_attribution').pagination;

  it('sends no page size, only the cursor, and follows it until it is null', () => {
    expect(effectivePageSize(pagination, 50)).toBe(0);
    expect(pageParams(pagination, {}, 0)).toEqual({});
    expect(pageParams(pagination, { cursor: 'r2' }, 0)).toEqual({ next_record_id: 'r2' });
    expect(nextPageState(pagination, {}, { meta: { pagination: { next_record_id: 'r2' } } }, 3, 0)).toEqual({ cursor: 'r2' });
    expect(nextPageState(pagination, { cursor: 'r2' }, { meta: { pagination: { next_record_id: null } } }, 3, 0)).toBeNull();
  });

  it('reads the cursor where each endpoint keeps it (v1 attribution: metadata, not meta)', () => {
    const v1 = getStream('hourly_usage_attribution').pagination;
    expect(nextPageState(v1, {}, { metadata: { pagination: { next_record_id: 'n' } } }, 1, 0)).toEqual({ cursor: 'n' });
    expect(nextPageState(v1, {}, { meta: { pagination: { next_record_id: 'n' } } }, 1, 0)).toBeNull();
  });
});

describe('a fan-out over one required parameter (usage_type)', () => {
  const def = getStream('hourly_usage_attribution');
  const window = { from: t('2026-03-01T00:00:00Z'), to: t('2026-03-02T00:00:00Z') };
  const values = ['infra_host_usage', 'apm_host_usage'];

  it('asks each value in turn, each through its own pages, then ends the window', () => {
    const first = buildPageRequest(def, { window, page: {}, pageSize: 0, fanOutValues: values }).query;
    expect(first).toEqual({ start_hr: '2026-03-01T00:00:00.000Z', end_hr: '2026-03-02T00:00:00.000Z', usage_type: 'infra_host_usage' });
    expect(nextFanOutPage({}, { cursor: 'c' }, 2)).toEqual({ cursor: 'c', value: 0 });
    expect(buildPageRequest(def, { window, page: { cursor: 'c', value: 0 }, pageSize: 0, fanOutValues: values }).query).toMatchObject({ usage_type: 'infra_host_usage', next_record_id: 'c' });
    expect(nextFanOutPage({ cursor: 'c', value: 0 }, null, 2)).toEqual({ value: 1 });
    expect(buildPageRequest(def, { window, page: { value: 1 }, pageSize: 0, fanOutValues: values }).query).toEqual({ ...first, usage_type: 'apm_host_usage' });
    expect(nextFanOutPage({ value: 1 }, null, 2)).toBeNull();
  });

  it('never sends a request without a value', () => {
    expect(() => buildPageRequest(def, { window, page: {}, pageSize: 0 })).toThrow('hourly_usage_attribution: needs a "usage_type" value for every request (stream_options.hourly_usage_attribution.usage_types)');
  });

  it('reads the configured usage types, else the defaults; refuses unknown ones and other streams', () => {
    const now = t('2026-03-02T00:00:00Z');
    expect(streamFanOut(parseSyncRequest({}, now), def)).toEqual([...DEFAULT_USAGE_ATTRIBUTION_TYPES]);
    const configured = parseSyncRequest({ stream_options: { hourly_usage_attribution: { usage_types: ['snmp_usage', 'api_usage', 'snmp_usage'] } } }, now);
    expect(streamFanOut(configured, def)).toEqual(['snmp_usage', 'api_usage']);
    expect(streamFanOut(configured, getStream('usage_hourly'))).toBeUndefined();
    const problems = (raw: unknown) => {
      try {
        parseSyncRequest(raw, now);
      } catch (err) {
        return (err as InvalidConfigError).problems;
      }
      return [];
    };
    expect(problems({ stream_options: { hourly_usage_attribution: { usage_types: ['infra_hosts'] } } })).toEqual([
      expect.stringMatching(/^stream_options\.hourly_usage_attribution\.usage_types\.0: unknown usage_type "infra_hosts"; Datadog accepts: api_usage, /),
    ]);
    expect(problems({ stream_options: { usage_hourly: { usage_types: ['api_usage'] } } })).toEqual([
      'stream_options.usage_hourly.usage_types: usage_hourly takes no usage_types; only hourly_usage_attribution does',
    ]);
    expect(problems({ stream_options: { hourly_usage_attribution: { usage_types: [] } } })).toEqual([expect.stringContaining('list at least one usage type')]);
  });

  it('has a config option for every fan-out of the table', () => {
    for (const row of STREAMS.filter((s) => s.fanOut)) expect(Object.keys(FAN_OUT_OPTIONS)).toContain(row.fanOut!.option);
  });
});

describe('hour and month units, an inclusive end', () => {
  it('writes hours as their first instant, months too, and an inclusive end as the month holding the window\'s last instant', () => {
    const hourly = buildPageRequest(getStream('usage_hourly'), { window: { from: t('2026-03-01T05:00:00Z'), to: t('2026-03-02T05:00:00Z') }, page: {}, pageSize: 500 });
    expect(hourly.query).toEqual({
      'filter[timestamp][start]': '2026-03-01T05:00:00.000Z',
      'filter[timestamp][end]': '2026-03-02T05:00:00.000Z',
      'filter[product_families]': 'all',
      'page[limit]': '500',
    });
    const summary = getStream('usage_summary');
    const month = (from: string, to: string) => buildPageRequest(summary, { window: { from: t(from), to: t(to) }, page: {}, pageSize: 0 }).query;
    // A whole month: March to March, not to April.
    expect(month('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z')).toEqual({ start_month: '2026-03-01T00:00:00.000Z', end_month: '2026-03-01T00:00:00.000Z' });
    // The month so far.
    expect(month('2026-04-01T00:00:00Z', '2026-04-15T10:20:00Z')).toEqual({ start_month: '2026-04-01T00:00:00.000Z', end_month: '2026-04-01T00:00:00.000Z' });
  });

  it('reads times without an offset as UTC, including Datadog\'s hour-precise ones', () => {
    expect(parseUtcTime('2022-05-21T00')).toBe(t('2022-05-21T00:00:00Z'));
    expect(parseUtcTime('2023-10-27T12:38:39.585408')).toBe(t('2023-10-27T12:38:39.585Z'));
    expect(parseUtcTime('2024-01')).toBe(t('2024-01-01T00:00:00Z'));
    expect(parseUtcTime('2022-07-16T14:00:00+00:00')).toBe(t('2022-07-16T14:00:00Z'));
    expect(parseUtcTime('2024-01-01T00:00:00+0100')).toBe(t('2023-12-31T23:00:00Z'));
    expect(parseUtcTime('yesterday')).toBeNaN();
  });
});

describe('windows fitted to what an endpoint serves', () => {
  const now = t('2026-12-15T10:20:00Z');

  it('hours: whole hours at both ends, windows in whole hours no longer than one request may span', () => {
    const hourly = getStream('usage_hourly').window!;
    expect(fitRange(hourly, { from: t('2026-12-10T03:40:00Z'), to: t('2026-12-15T10:19:00Z'), size: 90 * 60_000 }, now)).toEqual({
      window: { from: t('2026-12-10T03:00:00Z'), to: t('2026-12-15T10:00:00Z'), size: HOUR },
    });
    expect(fitRange(hourly, { from: t('2026-12-01T00:00:00Z'), to: now, size: 90 * DAY }, now).window.size).toBe(59 * DAY);
    expect(fitRange(getStream('hourly_usage_attribution').window!, { from: t('2026-12-01T00:00:00Z'), to: now, size: 7 * DAY }, now).window.size).toBe(DAY);
  });

  it('retention: nothing older than the endpoint serves is asked for, and the plan says when that moved the start', () => {
    const hourly = getStream('usage_hourly').window!;
    expect(fitRange(hourly, { from: t('2024-01-01T00:00:00Z'), to: now, size: DAY }, now)).toEqual({
      window: { from: t('2025-09-15T11:00:00Z'), to: t('2026-12-15T10:00:00Z'), size: DAY },
      retainedFrom: t('2025-09-15T11:00:00Z'),
    });
    // Estimated cost: the previous month and the current one.
    expect(fitRange(getStream('estimated_cost').window!, { from: t('2026-08-10T00:00:00Z'), to: now, size: DAY }, now)).toEqual({
      window: { from: t('2026-11-01T00:00:00Z'), to: now, size: DAY, calendarMonths: true },
      retainedFrom: t('2026-11-01T00:00:00Z'),
    });
    expect(fitRange(hourly, { from: t('2026-12-01T00:00:00Z'), to: now, size: DAY }, now).retainedFrom).toBeUndefined();
  });

  it('months: from the month\'s start, one calendar month a window, the last one to date', () => {
    const fitted = fitRange(getStream('usage_summary').window!, { from: t('2026-09-20T08:00:00Z'), to: now, size: DAY }, now).window;
    expect(fitted).toEqual({ from: t('2026-09-01T00:00:00Z'), to: now, size: DAY, calendarMonths: true });
    const windows = [];
    for (let from = fitted.from; from < fitted.to; from = windowAt(from, fitted).to) windows.push(windowAt(from, fitted));
    expect(windows.map((w) => [new Date(w.from).toISOString().slice(0, 10), new Date(w.to).toISOString().slice(0, 16)])).toEqual([
      ['2026-09-01', '2026-10-01T00:00'],
      ['2026-10-01', '2026-11-01T00:00'],
      ['2026-11-01', '2026-12-01T00:00'],
      ['2026-12-01', '2026-12-15T10:20'],
    ]);
    expect(countWindows(fitted)).toBe(4);
    // Without calendar months, windows are the window size as before.
    expect(windowAt(t('2026-09-01T00:00:00Z'), { from: 0, to: now, size: DAY })).toEqual({ from: t('2026-09-01T00:00:00Z'), to: t('2026-09-02T00:00:00Z') });
  });
});

describe('keys from a month', () => {
  it('keeps one row per organisation and month however Datadog re-dates an estimate', () => {
    const def = getStream('estimated_cost');
    const record = (date: string) => ({ type: 'cost_by_org', id: 'x', attributes: { public_id: 'abc', date, total_cost: 1 } });
    const [a, b] = extractRecords(def, { data: [record('2022-04-25T17:00:00+00:00'), record('2022-04-30T23:00:00+00:00')] });
    expect([a.key, b.key]).toEqual(['abc:2022-04', 'abc:2022-04']);
    // Datadog's own id is kept as sent.
    expect(a.id).toBe('x');
    expect(() => extractRecords(def, { data: [{ id: 'x', attributes: { public_id: 'abc', date: 'soon' } }] })).toThrow('record 0 has no "attributes.date" (its key is made of them)');
    const [dimensions] = extractRecords(getStream('active_billing_dimensions'), { data: { id: 'h', type: 'billing_dimensions', attributes: { month: '2023-10-01T00:00:00Z', values: ['apm_host'] } } });
    expect(dimensions.key).toBe('2023-10');
  });
});

describe('endpoints for parent-level organisations, and permissions needed together', () => {
  it("reads Datadog's 400 to a child organisation's keys as a refusal, not a bad request", () => {
    expect(kindForAnswer(400, ['API called with non-parent org keys. Data is only available at the root level org'])).toBe('forbidden');
    expect(kindForAnswer(400, ['start_hr [YYYY-MM-DDThh] must be before end_hr [YYYY-MM-DDThh]'])).toBe('bad_request');
    expect(kindForAnswer(403, [])).toBe('forbidden');
  });

  it('says why in the words check and a skipped stream share', () => {
    expect(unreadableReason(403, 'usage_read and billing_read')).toBe('refused: the application key needs both the "usage_read" and "billing_read" permissions');
    expect(unreadableReason(403, 'a and b and c')).toBe('refused: the application key needs all of the "a", "b" and "c" permissions');
    expect(unreadableReason(400, 'usage_read', true)).toBe(
      'refused: Datadog serves this endpoint to parent-level organisations only, so keys of a child organisation are refused; and the application key needs the "usage_read" permission',
    );
    expect(unreadableReason(403, 'logs_read_data')).toBe('refused: the application key needs the "logs_read_data" permission');
    expect(unreadableReason(404, 'usage_read', true)).toMatch(/^not available/);
    const warning = skipWarning({ stream: 'usage_summary', permission: 'usage_read', parentOrgOnly: true }, { type: FAILURE.forbidden, message: 'HTTP 400: API called with non-parent org keys' });
    expect(warning).toBe(`usage_summary skipped: ${unreadableReason(403, 'usage_read', true)} (HTTP 400: API called with non-parent org keys); set strict to fail instead.`);
  });
});
