import type { Client } from '@temporalio/client';
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { progressQuery } from '../workflows/queries';
import type { StreamProgress } from '../workflows/types';

/** Per-stream progress: the parent's view, refined by each running child's own `progress` query. */
export async function collectProgress(client: Client, workflowId: string): Promise<StreamProgress[]> {
  const streams = await client.workflow.getHandle(workflowId).query(progressQuery);
  return Promise.all(
    streams.map(async (entry) => {
      if (entry.status !== 'running') return entry;
      try {
        const [child] = await client.workflow.getHandle(`${workflowId}/${entry.stream}`).query(progressQuery);
        return child ? { ...entry, ...child, status: entry.status } : entry;
      } catch {
        return entry; // the child is starting or between runs; its parent's view is enough for now
      }
    }),
  );
}

export function formatWindow(p: StreamProgress): string {
  if (!p.window) return '';
  const fmt = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
  return `${fmt(p.window.from)} → ${fmt(p.window.to)}`;
}

/** One bar: how far it is, and what its line says. */
export interface BarRow {
  key: string;
  value: number;
  total: number;
  payload: { stream: string; state: string; records: number; pages: number; window: string };
}

const FINISHED: readonly StreamProgress['status'][] = ['completed', 'skipped', 'failed', 'cancelled'];

/** A stream's own bar: windows read of its windows (a full refresh: done or not). */
export function streamRow(p: StreamProgress): BarRow {
  const total = p.windowsTotal ?? 1;
  const value = p.windowsTotal !== undefined ? p.windowsDone ?? 0 : p.status === 'completed' ? 1 : 0;
  return { key: p.stream, value, total, payload: { stream: p.stream, state: p.status, records: p.records, pages: p.pages, window: formatWindow(p) } };
}

/** The compact view's bar for the whole sync: streams finished of all, and what the others are doing. */
export function totalRow(streams: StreamProgress[]): BarRow {
  const count = (statuses: readonly string[]) => streams.filter((s) => statuses.includes(s.status)).length;
  const finished = count(FINISHED);
  const states = [`${finished}/${streams.length} streams done`, `${count(['running'])} running`, `${count(['pending'])} waiting`];
  const troubles = [`${count(['skipped'])} skipped`, `${count(['failed'])} failed`].filter((t) => !t.startsWith('0 '));
  return {
    key: '',
    value: finished,
    total: streams.length,
    payload: {
      stream: 'all streams',
      state: [...states, ...troubles].join(', '),
      records: streams.reduce((n, s) => n + s.records, 0),
      pages: streams.reduce((n, s) => n + s.pages, 0),
      window: '',
    },
  };
}

/**
 * What the terminal shows: a bar per stream when they fit; with more streams than lines, one bar
 * for the whole sync and one per stream being read (at most max_parallel_streams), each gone when its
 * stream ends. The table printed at the end lists every stream either way.
 */
export function barRows(streams: StreamProgress[], compact: boolean): BarRow[] {
  if (!compact) return streams.map(streamRow);
  return [totalRow(streams), ...streams.filter((s) => s.status === 'running').map(streamRow)];
}

/** Live bars on a terminal; a line per change otherwise (CI logs, pipes). */
export class ProgressView {
  private readonly bars = new Map<string, SingleBar>();
  private readonly multibar?: MultiBar;
  private readonly lastLine = new Map<string, string>();
  /** Decided at the first update, from the number of streams and the terminal's height. */
  private compact?: boolean;

  constructor(interactive = Boolean(process.stderr.isTTY)) {
    if (interactive) {
      this.multibar = new MultiBar(
        {
          format: ' {stream} |{bar}| {state} · {records} records · {pages} pages {window}',
          hideCursor: true,
          clearOnComplete: false,
          stream: process.stderr,
        },
        Presets.shades_classic,
      );
    }
  }

  update(streams: StreamProgress[]): void {
    if (streams.length === 0) return;
    if (!this.multibar) return this.printChanges(streams);
    // A few lines stay free for the messages above and below the bars.
    this.compact ??= streams.length > Math.max(8, (process.stderr.rows ?? 24) - 6);
    const rows = barRows(streams, this.compact);
    const width = Math.max(...rows.map((r) => r.payload.stream.length), this.compact ? 'all streams'.length : 0);
    const shown = new Set(rows.map((r) => r.key));
    for (const [key, bar] of this.bars) {
      if (shown.has(key)) continue;
      this.multibar.remove(bar);
      this.bars.delete(key);
    }
    for (const row of rows) {
      const payload = { ...row.payload, stream: row.payload.stream.padEnd(width) };
      let bar = this.bars.get(row.key);
      if (!bar) {
        bar = this.multibar.create(row.total, row.value, payload);
        this.bars.set(row.key, bar);
      }
      bar.setTotal(row.total);
      bar.update(row.value, payload);
    }
  }

  private printChanges(streams: StreamProgress[]): void {
    const width = Math.max(...streams.map((s) => s.stream.length));
    for (const p of streams) {
      const line = `${p.stream.padEnd(width)}  ${p.status}  ${p.records} records  ${p.pages} pages  ${formatWindow(p)}`.trimEnd();
      if (this.lastLine.get(p.stream) !== line) {
        this.lastLine.set(p.stream, line);
        process.stderr.write(`${line}\n`);
      }
    }
  }

  stop(): void {
    this.multibar?.stop();
  }
}
