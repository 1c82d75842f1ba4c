/** What a Datadog response says about its rate-limit bucket (`X-RateLimit-*` headers). */
export interface RateLimitInfo {
  limit?: number;
  /** Seconds; Datadog's periods are calendar-aligned. */
  period?: number;
  remaining?: number;
  /** Seconds until the current period ends. */
  reset?: number;
  /** The bucket's name (`X-RateLimit-Name`): endpoints of one family share it. */
  name?: string;
}

/** Added to every reset wait: the header counts whole seconds, and clocks and hops differ a little. */
export const RESET_MARGIN_MS = 250;

/** Used when a 429 names no reset and no period (Datadog always sends them; a proxy might not). */
export const FALLBACK_RATE_LIMIT_WAIT_MS = 60_000;

/** How long to wait for the bucket's next period: the announced reset, never a guess from backoff. */
export function resetWaitMs(seen: RateLimitInfo | undefined): number {
  if (seen?.reset !== undefined) return Math.max(0, seen.reset) * 1000 + RESET_MARGIN_MS;
  if (seen?.period !== undefined) return seen.period * 1000 + RESET_MARGIN_MS;
  return FALLBACK_RATE_LIMIT_WAIT_MS;
}
