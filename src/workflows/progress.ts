import { FAILURE } from '../shared/failure-types';
import { unreadableReason } from '../shared/unreadable';
import { countWindows } from './windows';
import { currentWindow } from './position';
import type { StreamPosition, StreamProgress, StreamStatus, StreamTask, Window } from './types';

/** What people see of a sync: the progress query's rows and the Web UI's lines. Pure functions. */

function isoMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

/** A stream's row: where its position stands. */
export function streamProgress(task: StreamTask, position: StreamPosition, status: StreamStatus, message?: string): StreamProgress {
  const incremental = task.mode === 'incremental';
  return {
    stream: task.stream,
    status,
    records: position.records,
    pages: position.pages,
    window: currentWindow(task, position),
    windowsDone: incremental ? position.windowsDone : undefined,
    windowsTotal: incremental ? countWindows(task.window) : undefined,
    bookmark: incremental ? (position.windowFrom ?? task.window.from) : undefined,
    message,
  };
}

/** A child's current details: one line. */
export function streamDetails(p: StreamProgress): string {
  const where = p.window ? ` · window ${isoMinute(p.window.from)} → ${isoMinute(p.window.to)} (${p.windowsDone}/${p.windowsTotal})` : '';
  return `**${p.stream}** · ${p.status} · ${p.records} records · ${p.pages} pages${where}${p.message ? ` · ${p.message}` : ''}`;
}

/** The parent's current details: its summary and a table of its streams. */
export function syncDetails(summary: string, rows: StreamProgress[]): string {
  const lines = rows.map((p) => `| ${p.stream} | ${p.status} | ${p.records} | ${p.pages} | ${p.message ?? ''} |`);
  return [summary, '', '| stream | state | records | pages | note |', '|---|---|---|---|---|', ...lines].join('\n');
}

/** A fetchPage activity's summary in the Web UI, e.g. `logs · 2026-11-20 00:00→2026-11-21 00:00 · page 7`. */
export function pageLabel(stream: string, window: Window | undefined, pageNumber: number): string {
  return `${stream}${window ? ` · ${isoMinute(window.from)}→${isoMinute(window.to)}` : ''} · page ${pageNumber}`;
}

/** Why a stream was skipped rather than read: Datadog's refusal (403) or absence (404), in check's wording. */
export function skipWarning(task: Pick<StreamTask, 'stream' | 'permission' | 'parentOrgOnly'>, refusal: { type?: string | null; message: string }): string {
  const reason = unreadableReason(refusal.type === FAILURE.not_found ? 404 : 403, task.permission, task.parentOrgOnly);
  return `${task.stream} skipped: ${reason} (${refusal.message}); set strict to fail instead.`;
}

/** Why a dependent or derived stream is skipped: the stream it is read from did not complete. */
export function parentNotCompleted(stream: string, parent: StreamProgress): string {
  const ended = parent.status === 'skipped' ? 'was skipped' : `ended ${parent.status}`;
  return `${stream} skipped: it is read from the records of ${parent.stream}, which ${ended}${parent.message ? ` (${parent.message})` : ''}`;
}
