import { addMonths } from '../shared/calendar';
import type { IncrementalTask, Window } from './types';

/** How an incremental stream's range [from, to) is cut into windows. Pure arithmetic, replay-safe. */

/** The window starting at `from`: up to the next multiple of the window size (or month), clipped to the end. */
export function windowAt(from: number, range: IncrementalTask['window']): Window {
  const { size, to } = range;
  const next = range.calendarMonths ? addMonths(from, 1) : (Math.floor(from / size) + 1) * size;
  return { from, to: Math.min(next, to) };
}

/** How many windows the range has. */
export function countWindows(range: IncrementalTask['window']): number {
  let count = 0;
  for (let from = range.from; from < range.to; from = windowAt(from, range).to) count++;
  return count;
}
