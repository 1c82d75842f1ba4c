import { windowAt } from './windows';
import type { PageSummary, StreamPosition, StreamTask, Window } from './types';

/**
 * A stream's position and how it moves: pure functions over the durable state a `streamSync` child
 * carries (and hands to its next run on continue-as-new).
 */

export function startPosition(task: StreamTask): StreamPosition {
  return { windowFrom: task.mode === 'incremental' ? task.window.from : undefined, page: {}, pageInWindow: 0, pages: 0, records: 0, windowsDone: 0 };
}

/** The window being read (a part of it, once split); undefined for a full refresh, or once every window is read. */
export function currentWindow(task: StreamTask, position: StreamPosition): Window | undefined {
  if (task.mode !== 'incremental') return undefined;
  const from = position.windowFrom ?? task.window.from;
  if (from >= task.window.to) return undefined;
  const splitEnd = position.splitEnds?.[0];
  return splitEnd !== undefined ? { from, to: splitEnd } : windowAt(from, task.window);
}

/** Whether an incremental stream has windows left to read (a full refresh reads until its last page). */
export function windowsLeft(task: StreamTask, position: StreamPosition): boolean {
  return task.mode !== 'incremental' || currentWindow(task, position) !== undefined;
}

/** Pages' warnings a stream keeps for its result: each once, and not without bound. */
const MAX_WARNINGS = 5;

/** Counts a page just written, and keeps what it said the run must report. */
export function pageWritten(position: StreamPosition, summary: Pick<PageSummary, 'recordCount' | 'warnings'>): void {
  position.pages++;
  position.pageInWindow++;
  position.records += summary.recordCount;
  for (const warning of summary.warnings ?? []) {
    const kept = (position.warnings ??= []);
    if (!kept.includes(warning) && kept.length < MAX_WARNINGS) kept.push(warning);
  }
}

/**
 * Moves to the next window once every page of `window` is written (and its bookmark committed). For a
 * part of a split window, that is the next part; the window counts as done with its last part.
 */
export function windowFinished(position: StreamPosition, window: Window): void {
  position.windowFrom = window.to;
  position.page = {};
  position.pageInWindow = 0;
  if (position.splitEnds) {
    position.splitEnds = position.splitEnds.slice(1);
    if (position.splitEnds.length === 0) delete position.splitEnds;
  } else {
    position.windowsDone++;
  }
}

/**
 * The answer for `window` came back full and nothing of it was written: read it again as two parts,
 * [from, splitAt) now and [splitAt, to) after it. The parts after them stay as they were, so the
 * window is still read from its start to its end, once, in order.
 */
export function windowSplit(position: StreamPosition, window: Window, splitAt: number): void {
  if (!(splitAt > window.from && splitAt < window.to)) throw new RangeError(`cannot split ${window.from}→${window.to} at ${splitAt}`);
  position.splitEnds = [splitAt, ...(position.splitEnds ?? [])];
  position.page = {};
  position.pageInWindow = 0;
}

/** Whether a page with no next page is the stream's last: after it, nothing is left to pace for. */
export function isLastPage(task: StreamTask, window: Window | undefined, summary: Pick<PageSummary, 'nextPage' | 'splitAt'>): boolean {
  if (summary.splitAt !== undefined) return false;
  return !summary.nextPage && (task.mode !== 'incremental' || window === undefined || window.to >= task.window.to);
}
