/**
 * How long a sync waits, in all, for Datadog or the destination to come back (`max_outage`) unless
 * the request says otherwise. Datadog's incidents and a store's maintenance are usually over within
 * an hour or two; six hours of waiting outlasts them without leaving a sync hanging for a day. A
 * scheduled run still waiting makes the next one skip (the overlap policy), then goes on from where
 * it was.
 */
export const DEFAULT_MAX_OUTAGE = '6h';
