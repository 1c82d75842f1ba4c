import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createFetchPageActivities } from '../src/activities/fetch-page';
import { backoffMs, DEFAULT_FETCH_RETRY, RetryBudget, withRetries } from '../src/activities/retry-budget';
import type { DatadogClient } from '../src/datadog/client';
import { DatadogApiError } from '../src/datadog/errors';
import type { Destination } from '../src/destinations/destination';
import { FAILURE } from '../src/shared/failure-types';
import type { FetchPageInput } from '../src/workflows/types';

describe('backoff with jitter', () => {
  it('doubles from the initial delay up to the cap, with the lower half of each step random', () => {
    const policy = { maxFailedAttempts: 8, initialDelayMs: 1_000, maxDelayMs: 30_000 };
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffMs(n, policy, () => 1))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    expect([1, 2, 3].map((n) => backoffMs(n, policy, () => 0))).toEqual([500, 1_000, 2_000]);
    const spread = new Set(Array.from({ length: 50 }, () => backoffMs(3, policy)));
    expect(spread.size).toBeGreaterThan(10);
  });
});

describe('a page’s retry budget', () => {
  const serverError = ApplicationFailure.create({ message: 'logs · page 3: HTTP 503', type: FAILURE.server });
  const rateLimited = ApplicationFailure.create({ message: 'logs · page 3: HTTP 429', type: FAILURE.rate_limited, nextRetryDelay: 7_250 });
  const ignore = () => undefined;

  it('does not count rate-limited attempts as failures', () => {
    const budget = new RetryBudget(9, { rateLimited: 6 });
    expect(budget.failedBefore).toBe(2);
    const next = budget.settle(serverError, ignore) as ApplicationFailure;
    expect(next.nonRetryable).toBeFalsy();
    expect(next.nextRetryDelay).toBeGreaterThanOrEqual(2_000);
    expect(next.nextRetryDelay).toBeLessThanOrEqual(4_000);
  });

  it('records a 429 for the next attempt and keeps its reset delay', () => {
    const recorded: unknown[] = [];
    const next = new RetryBudget(4, { rateLimited: 1 }).settle(rateLimited, (l) => recorded.push(l));
    expect(next).toBe(rateLimited);
    expect(recorded).toEqual([{ rateLimited: 2 }]);
  });

  it('gives up after the bound, naming the count and keeping the message', () => {
    const next = new RetryBudget(DEFAULT_FETCH_RETRY.maxFailedAttempts + 3, { rateLimited: 3 }).settle(serverError, ignore) as ApplicationFailure;
    expect(next.nonRetryable).toBe(true);
    expect(next.type).toBe(FAILURE.server);
    expect(next.message).toBe(`logs · page 3: HTTP 503 (gave up after ${DEFAULT_FETCH_RETRY.maxFailedAttempts} failed attempts; rate-limit waits are not counted)`);
  });

  it('leaves non-retryable failures alone', () => {
    const auth = ApplicationFailure.create({ message: 'HTTP 401', type: FAILURE.auth, nonRetryable: true });
    expect(new RetryBudget(1, undefined).settle(auth, ignore)).toBe(auth);
  });
});

describe('fetchPage failing', () => {
  const input: FetchPageInput = {
    syncId: 'sync-1',
    stream: 'logs',
    site: 'datadoghq.com',
    window: { from: Date.UTC(2025, 0, 1), to: Date.UTC(2025, 0, 2) },
    page: { cursor: 'abc' },
    pageSize: 100,
    pageNumber: 3,
  };
  const destination = { writePage: async () => 0 } as unknown as Destination;
  const failingWith = (error: DatadogApiError) => {
    const sent: unknown[] = [];
    const client = { send: async (request: unknown) => (sent.push(request), Promise.reject(error)) } as unknown as DatadogClient;
    const { fetchPage } = createFetchPageActivities({ datadog: () => client, destination, fetchRetry: { maxFailedAttempts: 3 } });
    return { fetchPage, sent };
  };
  const run = async (attempt: number, heartbeatDetails: unknown, error: DatadogApiError) => {
    const { fetchPage, sent } = failingWith(error);
    const env = new MockActivityEnvironment({ attempt, heartbeatDetails }, { logger: quiet });
    const heartbeats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => heartbeats.push(d));
    const failure = (await env.run(fetchPage, input).catch((e: unknown) => e)) as ApplicationFailure;
    return { failure, heartbeats, sent };
  };
  const noop = () => undefined;
  const quiet = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };
  const where = 'logs · 2025-01-01T00:00:00.000Z→2025-01-02T00:00:00.000Z · page 3';

  it('retries a 5xx with jittered backoff, naming stream, window and page', async () => {
    const { failure } = await run(1, undefined, new DatadogApiError('server', '/api/v2/logs/events: HTTP 503: Service Unavailable', { status: 503 }));
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.message).toBe(`${where}: /api/v2/logs/events: HTTP 503: Service Unavailable`);
    expect(failure.nonRetryable).toBeFalsy();
    expect(failure.nextRetryDelay).toBeGreaterThanOrEqual(500);
    expect(failure.nextRetryDelay).toBeLessThanOrEqual(1_000);
  });

  it('waits for the reset on a 429 and leaves the count of rate-limited attempts in its last heartbeat', async () => {
    const error = new DatadogApiError('rate_limited', 'HTTP 429', { status: 429, rateLimit: { reset: 7, remaining: 0 } });
    const { failure, heartbeats } = await run(5, { rateLimited: 2 }, error);
    expect(failure.type).toBe(FAILURE.rate_limited);
    expect(failure.nextRetryDelay).toBe(7_250);
    // No bare heartbeat erases the count an earlier attempt left; the last one carries this attempt's.
    expect(heartbeats.every((details) => details !== undefined)).toBe(true);
    expect(heartbeats.at(-1)).toEqual({ rateLimited: 3 });
  });

  it('fails for good once the failed attempts reach the bound', async () => {
    // Attempt 5 after two 429s: the two other earlier attempts failed, and this is the third.
    const { failure } = await run(5, { rateLimited: 2 }, new DatadogApiError('network', 'socket hang up'));
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toBe(`${where}: socket hang up (gave up after 3 failed attempts; rate-limit waits are not counted)`);
  });

  it('does not even send when earlier attempts used the budget without reporting (timeouts, lost workers)', async () => {
    const { failure, sent } = await run(4, undefined, new DatadogApiError('server', 'unused'));
    expect(sent).toHaveLength(0);
    expect(failure.type).toBe(FAILURE.retriesExhausted);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(new RegExp(`^${where.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: gave up after 3 failed attempts`));
  });
});

describe('the same policy outside Temporal (retriever check)', () => {
  const policy = { maxFailedAttempts: 3, initialDelayMs: 1_000, maxDelayMs: 30_000 };
  /** A call that fails with `errors` in turn, then answers. */
  const failing = (errors: DatadogApiError[]) => {
    let calls = 0;
    return { call: async () => (calls < errors.length ? Promise.reject(errors[calls++]) : (calls++, 'answer')), calls: () => calls };
  };
  const waits: number[] = [];
  const sleep = async (ms: number) => void waits.push(ms);
  beforeEach(() => (waits.length = 0));

  it('retries what a sync retries, with its backoff, and waits out a 429 without counting it', async () => {
    const serverError = new DatadogApiError('server', 'HTTP 503', { status: 503 });
    const limited = new DatadogApiError('rate_limited', 'HTTP 429', { status: 429, rateLimit: { reset: 2 } });
    const call = failing([serverError, limited, limited, new DatadogApiError('network', 'socket hang up')]);
    await expect(withRetries(call.call, { policy, sleep, random: () => 1 })).resolves.toBe('answer');
    expect(call.calls()).toBe(5);
    expect(waits).toEqual([1_000, 2_250, 2_250, 2_000]);
  });

  it('gives up after the same bound of failed attempts', async () => {
    const serverError = new DatadogApiError('server', 'HTTP 503', { status: 503 });
    const call = failing([serverError, serverError, serverError, serverError]);
    await expect(withRetries(call.call, { policy, sleep })).rejects.toBe(serverError);
    expect(call.calls()).toBe(3);
  });

  it('never retries an answer retrying cannot change, and reports a 429 whose wait is too long', async () => {
    for (const kind of ['forbidden', 'not_found', 'auth', 'bad_request', 'too_large'] as const) {
      const call = failing([new DatadogApiError(kind, kind)]);
      await expect(withRetries(call.call, { policy, sleep })).rejects.toMatchObject({ kind });
      expect(call.calls()).toBe(1);
    }
    const hourly = new DatadogApiError('rate_limited', 'HTTP 429', { status: 429, rateLimit: { reset: 3_000 } });
    await expect(withRetries(failing([hourly]).call, { policy, sleep, maxRateLimitWaitMs: 60_000 })).rejects.toBe(hourly);
    expect(waits).toEqual([]);
  });
});
