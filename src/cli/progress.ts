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

/** Live bars on a terminal; a line per change otherwise (CI logs, pipes). */
export class ProgressView {
  private readonly bars = new Map<string, SingleBar>();
  private readonly multibar?: MultiBar;
  private readonly lastLine = new Map<string, string>();

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
    const width = Math.max(...streams.map((s) => s.stream.length));
    for (const p of streams) {
      const total = p.windowsTotal ?? 1;
      const done = p.windowsTotal !== undefined ? p.windowsDone ?? 0 : p.status === 'completed' ? 1 : 0;
      const payload = { stream: p.stream.padEnd(width), state: p.status, records: p.records, pages: p.pages, window: formatWindow(p) };
      if (this.multibar) {
        let bar = this.bars.get(p.stream);
        if (!bar) {
          bar = this.multibar.create(total, done, payload);
          this.bars.set(p.stream, bar);
        }
        bar.setTotal(total);
        bar.update(done, payload);
      } else {
        const line = `${payload.stream}  ${p.status}  ${p.records} records  ${p.pages} pages  ${payload.window}`.trimEnd();
        if (this.lastLine.get(p.stream) !== line) {
          this.lastLine.set(p.stream, line);
          process.stderr.write(`${line}\n`);
        }
      }
    }
  }

  stop(): void {
    this.multibar?.stop();
  }
}
