import type { Window } from './request';

/**
 * Splitting the window of an endpoint without paging whose answer came back full (the row's
 * `window.splitWhenFull`): each half is asked for again, and split again while it comes back full.
 */

const SECOND = 1000;

/**
 * Where to cut `window` in two: the whole second at or just before its middle, so that endpoints
 * reading times to the second see the same halves. Undefined when no whole second lies strictly
 * inside (a window of about a second): it cannot be split.
 */
export function splitPoint(window: Window): number | undefined {
  const at = Math.floor((window.from + window.to) / 2 / SECOND) * SECOND;
  return at > window.from && at < window.to ? at : undefined;
}
