import { ApplicationFailure } from '@temporalio/common';
import { DatadogApiError } from '../datadog/errors';
import { FAILURE } from '../shared/failure-types';
import { resetWaitMs } from '../shared/rate-limit';

/**
 * How fetchPage retries a page that failed for a reason worth retrying (5xx, network, timeout, a bad
 * or cut-off body, the destination). Rate-limit waits are not failures and do not count.
 */
export interface FetchRetryPolicy {
  /** Failed attempts of one page before the stream fails. */
  maxFailedAttempts: number;
  /** Backoff before the second attempt; doubles each time, up to `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_FETCH_RETRY: FetchRetryPolicy = { maxFailedAttempts: 8, initialDelayMs: 1_000, maxDelayMs: 30_000 };

/** Carried from one attempt of a page to the next in the activity's heartbeat details. */
export interface AttemptLedger {
  /** Earlier attempts that ended in a 429. */
  rateLimited: number;
}

export function readLedger(details: unknown): AttemptLedger {
  const rateLimited = (details as Partial<AttemptLedger> | undefined)?.rateLimited;
  return { rateLimited: typeof rateLimited === 'number' && rateLimited >= 0 ? rateLimited : 0 };
}

/**
 * Exponential backoff with "equal jitter": half of each step is fixed, half random, so pages that
 * failed together (a 5xx burst) do not all come back at the same instant.
 */
export function backoffMs(failedAttempts: number, policy: FetchRetryPolicy, random: () => number = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, failedAttempts - 1));
  return Math.round(step / 2 + (random() * step) / 2);
}

/**
 * One attempt's share of a page's retry budget. Temporal counts every attempt; this tells failures
 * from rate-limit waits, so a long 429 storm never uses up the bound meant for real faults, and
 * picks each retry's delay itself (`nextRetryDelay`): the reset for a 429, jittered backoff otherwise.
 */
export class RetryBudget {
  readonly ledger: AttemptLedger;

  constructor(
    /** Temporal's attempt number, from 1. */
    private readonly attempt: number,
    previousDetails: unknown,
    private readonly policy: FetchRetryPolicy = DEFAULT_FETCH_RETRY,
    private readonly random: () => number = Math.random,
  ) {
    this.ledger = readLedger(previousDetails);
  }

  /** Earlier attempts that failed other than by a 429, including ones that timed out or lost their worker. */
  get failedBefore(): number {
    return Math.max(0, this.attempt - 1 - this.ledger.rateLimited);
  }

  /** Set when earlier attempts already used the budget without this activity seeing them fail (timeouts, lost workers). */
  spent(where: string): ApplicationFailure | undefined {
    if (this.failedBefore < this.policy.maxFailedAttempts) return undefined;
    return ApplicationFailure.create({
      message:
        `${where}: gave up after ${this.failedBefore} failed attempts; the last ended without an answer ` +
        `(the activity timed out or its worker stopped). Check the worker's logs and that Datadog is reachable.`,
      type: FAILURE.retriesExhausted,
      nonRetryable: true,
    });
  }

  /**
   * What Temporal should do after this attempt failed with `failure` (already an ApplicationFailure
   * from `toFailure`). `record` stores the ledger for the next attempt; the worker sends the last
   * heartbeat along with the failure.
   */
  settle(failure: unknown, record: (ledger: AttemptLedger) => void): unknown {
    if (!(failure instanceof ApplicationFailure) || failure.nonRetryable) return failure;
    if (failure.type === FAILURE.rate_limited) {
      record({ rateLimited: this.ledger.rateLimited + 1 });
      return failure;
    }
    const failed = this.failedBefore + 1;
    const common = {
      type: failure.type ?? undefined,
      details: failure.details ?? undefined,
      category: failure.category ?? undefined,
      cause: failure.cause,
    };
    if (failed >= this.policy.maxFailedAttempts) {
      return ApplicationFailure.create({
        ...common,
        message: `${failure.message} (gave up after ${failed} failed attempts; rate-limit waits are not counted)`,
        nonRetryable: true,
      });
    }
    return ApplicationFailure.create({ ...common, message: failure.message, nextRetryDelay: backoffMs(failed, this.policy, this.random) });
  }
}

export interface RetryLoopOptions {
  policy?: Partial<FetchRetryPolicy>;
  /** The longest a call waits for rate-limit resets in all before its 429 is reported instead. */
  maxRateLimitWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export const DEFAULT_MAX_RATE_LIMIT_WAIT_MS = 60_000;

/**
 * A sync's retry policy for one call made outside Temporal (`retriever check`): what a sync retries
 * (DatadogApiError.retryable: 5xx, resets, timeouts, bad or cut-off bodies) is retried with the same
 * backoff and the same bound, a 429 waits for its reset without counting as a failure, and anything
 * else (401, 403, 404, 400) is thrown at once: retrying cannot change it.
 */
export async function withRetries<T>(call: () => Promise<T>, options: RetryLoopOptions = {}): Promise<T> {
  const policy: FetchRetryPolicy = { ...DEFAULT_FETCH_RETRY, ...options.policy };
  const maxRateLimitWaitMs = options.maxRateLimitWaitMs ?? DEFAULT_MAX_RATE_LIMIT_WAIT_MS;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let failed = 0;
  let rateLimitWait = 0;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof DatadogApiError) || !err.retryable) throw err;
      let delay: number;
      if (err.kind === 'rate_limited') {
        delay = resetWaitMs(err.details.rateLimit);
        if (rateLimitWait + delay > maxRateLimitWaitMs) throw err;
        rateLimitWait += delay;
      } else {
        failed++;
        if (failed >= policy.maxFailedAttempts) throw err;
        delay = backoffMs(failed, policy, options.random);
      }
      await sleep(delay);
    }
  }
}
