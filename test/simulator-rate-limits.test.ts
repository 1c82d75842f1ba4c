import { request } from 'undici';
import { STREAMS } from '../src/datadog/streams/table';
import { datadogLikeLimits, DEFAULT_BUCKET, RateLimiter } from '../src/simulator/rate-limits';
import { SIMULATOR_KEYS, startSimulator } from '../src/simulator/server';

describe('simulator rate limits', () => {
  it('counts each bucket over calendar-aligned periods and announces the reset in whole seconds, rounded up', () => {
    let now = 1_700_000_000_500; // 0.5 s past a multiple of 10 s
    const limiter = new RateLimiter({ buckets: { logs_list: { limit: 3, period: 10 } }, now: () => now });
    const first = limiter.take('/api/v2/logs/events');
    expect(first).toMatchObject({ bucket: 'logs_list', limit: 3, period: 10, remaining: 2, reset: 10, limited: false });
    expect(first.periodStart).toBe(1_700_000_000_000);
    now += 4_000;
    expect(limiter.take('/api/v2/logs/events/search')).toMatchObject({ remaining: 1, reset: 6 });
    expect(limiter.take('/api/v2/logs/events')).toMatchObject({ remaining: 0, limited: false });
    now += 5_400; // 9.9 s into the period
    const over = limiter.take('/api/v2/logs/events');
    expect(over).toMatchObject({ remaining: 0, reset: 1, limited: true });
    // A refused request is not counted: the next period starts full.
    now += 100;
    expect(limiter.take('/api/v2/logs/events')).toMatchObject({ remaining: 2, reset: 10, limited: false, periodStart: 1_700_000_010_000 });
  });

  it('keeps buckets apart and sends unknown paths to the default bucket', () => {
    const limiter = new RateLimiter({ buckets: { logs_list: { limit: 1, period: 60 } }, default: { limit: 5, period: 60 }, now: () => 0 });
    expect(limiter.take('/api/v2/logs/events').limited).toBe(false);
    expect(limiter.take('/api/v2/logs/events').limited).toBe(true);
    expect(limiter.take('/api/v2/spans/events')).toMatchObject({ bucket: 'spans_list', remaining: 4 });
    expect(limiter.take('/api/v2/not-a-family')).toMatchObject({ bucket: DEFAULT_BUCKET, remaining: 4 });
    expect(new RateLimiter({ paths: { '/api/v1/dashboard': 'logs_list' } }).bucketFor('/api/v1/dashboard')).toBe('logs_list');
  });

  it('counts each endpoint family in a bucket of its own, a path template for every id in its place', () => {
    const limiter = new RateLimiter();
    expect(limiter.bucketFor('/api/v1/slo/abc123/history')).toBe('slo');
    expect(limiter.bucketFor('/api/v1/slo')).toBe('slo');
    expect(limiter.bucketFor('/api/v1/slo/abc/def/history')).toBe(DEFAULT_BUCKET);
    // Every stream in the table is charged to a family's bucket, not to the catch-all.
    for (const def of STREAMS) expect([def.name, limiter.bucketFor(def.path)]).not.toEqual([def.name, DEFAULT_BUCKET]);
  });

  it('agrees with the stream table on which streams share a bucket (so a sync may start them one after another)', () => {
    const limiter = new RateLimiter();
    const bucketOfRow = (def: (typeof STREAMS)[number]) => def.rateLimitBucket ?? def.path;
    for (const a of STREAMS) {
      for (const b of STREAMS) {
        if (bucketOfRow(a) === bucketOfRow(b)) expect([a.name, b.name, limiter.bucketFor(a.path)]).toEqual([a.name, b.name, limiter.bucketFor(b.path)]);
        // And the other way: streams of one family are not started side by side as if their buckets were their own.
        if (limiter.bucketFor(a.path) === limiter.bucketFor(b.path)) expect([a.name, b.name, bucketOfRow(a)]).toEqual([a.name, b.name, bucketOfRow(b)]);
      }
    }
  });

  it("has Datadog's limits, time compressed: an hour's budget every 100 s", () => {
    const limiter = new RateLimiter(datadogLikeLimits());
    expect(limiter.limitOf('logs_list')).toEqual({ limit: 30, period: 10 });
    expect(limiter.limitOf('spans_list')).toEqual({ limit: 30, period: 10 });
    expect(limiter.limitOf('metrics_query')).toEqual({ limit: 160, period: 10 });
    expect(limiter.limitOf(limiter.bucketFor('/api/v1/monitor'))).toEqual({ limit: 60, period: 10 });
  });

  it("lets other clients spend a bucket's periods, cycled by period number", () => {
    let now = 0;
    const limiter = new RateLimiter({ buckets: { logs_list: { limit: 2, period: 1, othersPerPeriod: [2, 1, 0] } }, now: () => now });
    const grants = [];
    for (let period = 0; period < 6; period++) {
      now = period * 1000;
      let granted = 0;
      while (!limiter.take('/api/v2/logs/events').limited) granted++;
      grants.push(granted);
    }
    expect(grants).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('answers a spent bucket with Datadog-style 429s, JSON or HTML, with the headers', () => {
    const decision = { bucket: 'logs_list', limit: 1, period: 60, remaining: 0, reset: 7, periodStart: 0, limited: true };
    const json = new RateLimiter().tooManyRequests(decision);
    expect(json.status).toBe(429);
    expect(JSON.parse(json.text)).toEqual({ errors: ['Too many requests'] });
    expect(json.headers).toMatchObject({
      'x-ratelimit-limit': '1',
      'x-ratelimit-period': '60',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': '7',
      'x-ratelimit-name': 'logs_list',
    });
    const html = new RateLimiter({ body: 'html' }).tooManyRequests(decision);
    expect(html.headers['content-type']).toBe('text/html');
    expect(html.text).toContain('<html>');
  });

  it('sends the headers on every answer and logs what it announced', async () => {
    const simulator = await startSimulator({ dashboards: 3, rateLimits: { default: { limit: 2, period: 3600 }, body: 'html' } });
    try {
      const get = () =>
        request(`${simulator.url}/api/v1/dashboard`, { headers: { 'dd-api-key': SIMULATOR_KEYS.apiKey, 'dd-application-key': SIMULATOR_KEYS.appKey } });
      const answers = [];
      for (let i = 0; i < 3; i++) {
        const response = await get();
        answers.push({ status: response.statusCode, remaining: response.headers['x-ratelimit-remaining'], body: await response.body.text() });
        expect(response.headers['x-ratelimit-name']).toBe('dashboards');
        expect(Number(response.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
      }
      expect(answers.map((a) => [a.status, a.remaining])).toEqual([
        [200, '1'],
        [200, '0'],
        [429, '0'],
      ]);
      expect(answers[2].body).toContain('429 Too Many Requests');
      expect(simulator.requests.map((r) => [r.status, r.rateLimit?.limited])).toEqual([
        [200, false],
        [200, false],
        [429, true],
      ]);
    } finally {
      await simulator.close();
    }
  });
});
