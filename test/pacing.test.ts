import { INITIAL_PACING, pace, type PacingState } from '../src/workflows/pacing';
import { FALLBACK_RATE_LIMIT_WAIT_MS, RESET_MARGIN_MS, resetWaitMs, type RateLimitInfo } from '../src/shared/rate-limit';

/** Runs `pace` over a stream's successive responses; returns the index of each page after which it waited. */
function waitsOver(responses: RateLimitInfo[]): { waits: number[]; state: PacingState } {
  let state = INITIAL_PACING;
  const waits: number[] = [];
  responses.forEach((seen, i) => {
    const decision = pace(state, seen);
    state = decision.state;
    if (decision.waitMs !== undefined) waits.push(i);
  });
  return { waits, state };
}

describe('pacing a stream on the rate-limit headers', () => {
  const seen = (remaining: number, reset = 30): RateLimitInfo => ({ remaining, reset, limit: 10, period: 60, name: 'logs_list' });

  it('alone on its bucket, spends every unit and then waits exactly for the reset', () => {
    const { waits } = waitsOver([9, 8, 7, 6, 5, 4, 3, 2, 1, 0].map((r) => seen(r)));
    expect(waits).toEqual([9]);
    const decision = pace({ reserve: 0, remaining: 1 }, seen(0, 12));
    expect(decision.waitMs).toBe(12_000 + RESET_MARGIN_MS);
    expect(decision.reason).toBe('rate limit "logs_list": 0 of 10 left, waiting 13 s for the next period');
  });

  it('sharing the bucket, keeps back what the others spend during one of its round trips', () => {
    // Another stream sends one request for each of ours: remaining falls by two per page, and with
    // one left this stream stops, because the other one's request is already on its way.
    const { waits, state } = waitsOver([9, 7, 5, 3, 1].map((r) => seen(r)));
    expect(state.reserve).toBe(1);
    expect(waits).toEqual([4]);
    // Others spend three per round trip: it stops with two left.
    expect(waitsOver([9, 6, 2].map((r) => seen(r))).waits).toEqual([2]);
  });

  it('keeps its reserve across a new period, and caps it at a quarter of the limit', () => {
    const after = pace({ reserve: 2, remaining: 1 }, seen(9));
    expect(after.state).toEqual({ reserve: 2, remaining: 9 });
    // A page slowed by retries saw 8 others' requests: not a sign that 8 run at once.
    expect(pace({ reserve: 0, remaining: 9 }, seen(0)).state.reserve).toBe(3);
  });

  it('does nothing without headers', () => {
    expect(pace(INITIAL_PACING, undefined)).toEqual({ state: INITIAL_PACING });
    expect(pace(INITIAL_PACING, { name: 'x' })).toEqual({ state: INITIAL_PACING });
  });

  it('waits for the announced reset, else one period, else a fixed fallback', () => {
    expect(resetWaitMs({ reset: 0 })).toBe(RESET_MARGIN_MS);
    expect(resetWaitMs({ reset: 5, period: 60 })).toBe(5_000 + RESET_MARGIN_MS);
    expect(resetWaitMs({ period: 10 })).toBe(10_000 + RESET_MARGIN_MS);
    expect(resetWaitMs(undefined)).toBe(FALLBACK_RATE_LIMIT_WAIT_MS);
  });
});
