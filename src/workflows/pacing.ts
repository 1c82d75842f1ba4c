/**
 * Pacing a stream against its Datadog rate-limit bucket, from the `X-RateLimit-*` headers of its own
 * responses. Pure functions: the stream workflow and the fetchPage activity both use them.
 *
 * Datadog counts every request of the organisation against the bucket, whichever worker, sync or tool
 * sent it, and every response says where that shared count stands. So the headers are the one budget
 * all workers share; a stream only has to stop before it is spent.
 */
import { resetWaitMs, type RateLimitInfo } from '../shared/rate-limit';

/** What a stream remembers between pages; small, carried across continue-as-new. */
export interface PacingState {
  /** `remaining` of the previous page in this period, if any. */
  remaining?: number;
  /**
   * Requests other clients sent to the bucket during one of this stream's page round trips, as last
   * measured. The stream stops while `remaining` is at or below it, so that its next request and
   * theirs do not spend the same last units.
   */
  reserve: number;
}

export const INITIAL_PACING: PacingState = { reserve: 0 };

export interface PacingDecision {
  state: PacingState;
  /** Present when the stream should wait for the next period before its next request. */
  waitMs?: number;
  /** One line for the Web UI's timer and the progress table. */
  reason?: string;
}

/**
 * Called after each page. Tracks how fast others spend the bucket (the drop in `remaining` across one
 * page beyond this stream's own request) and asks for a wait when what is left would not cover them.
 */
export function pace(state: PacingState, seen: RateLimitInfo | undefined): PacingDecision {
  if (seen?.remaining === undefined) return { state };
  let reserve = state.reserve;
  if (state.remaining !== undefined && seen.remaining < state.remaining) {
    const others = state.remaining - seen.remaining - 1;
    // Capped: a page slowed by retries would otherwise count minutes of others' traffic as one round trip.
    const cap = seen.limit !== undefined ? Math.ceil(seen.limit / 4) : others;
    reserve = Math.max(0, Math.min(others, cap));
  }
  // A higher `remaining` than before means a new period began: keep the last reserve, it is still the best guess.
  if (seen.remaining > reserve) return { state: { remaining: seen.remaining, reserve } };
  const waitMs = resetWaitMs(seen);
  const bucket = seen.name ? ` "${seen.name}"` : '';
  const left = seen.limit !== undefined ? `${seen.remaining} of ${seen.limit}` : `${seen.remaining}`;
  return {
    // The next response is in a new period: nothing to compare it with.
    state: { reserve },
    waitMs,
    reason: `rate limit${bucket}: ${left} left, waiting ${Math.ceil(waitMs / 1000)} s for the next period`,
  };
}
