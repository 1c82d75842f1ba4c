import type { Client } from '@temporalio/client';
import { progressQuery } from '../workflows/queries';

const QUERY_TIMEOUT_MS = 5_000;

/** A running sync that reads (or is yet to read) a stream. */
export interface RunningRead {
  stream: string;
  /** The `datadogSync` workflow. */
  syncId: string;
  /** Reading it now, queued behind other streams, or a sync that cannot say which streams it reads. */
  reason: 'reading' | 'pending' | 'unknown';
}

/**
 * The running syncs that read any of `streams`, found through Temporal's visibility: running
 * `streamSync` children (`<syncId>/<stream>`) and running `datadogSync` parents whose progress lists
 * the stream as pending or running. A parent no worker answers for (none is polling) counts for
 * every stream: it may read any of them once one is.
 */
export async function runningReads(client: Client, streams: readonly string[]): Promise<RunningRead[]> {
  const wanted = new Set(streams);
  const found: RunningRead[] = [];
  const add = (read: RunningRead) => {
    if (!found.some((f) => f.stream === read.stream && f.syncId === read.syncId)) found.push(read);
  };
  for await (const child of client.workflow.list({ query: `WorkflowType = 'streamSync' AND ExecutionStatus = 'Running'` })) {
    const slash = child.workflowId.lastIndexOf('/');
    const stream = child.workflowId.slice(slash + 1);
    if (wanted.has(stream)) add({ stream, syncId: child.workflowId.slice(0, Math.max(slash, 0)), reason: 'reading' });
  }
  for await (const sync of client.workflow.list({ query: `WorkflowType = 'datadogSync' AND ExecutionStatus = 'Running'` })) {
    let progress;
    try {
      // A query waits for a worker; one that has just gone would keep it waiting.
      progress = await client.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => client.workflow.getHandle(sync.workflowId).query(progressQuery));
    } catch (err) {
      // No worker answered (none is polling) or the query failed: the sync may read any of them.
      console.error(`retriever: sync ${sync.workflowId} did not say which streams it reads: ${(err as Error).message}`);
      for (const stream of streams) add({ stream, syncId: sync.workflowId, reason: 'unknown' });
      continue;
    }
    for (const entry of progress) {
      if (!wanted.has(entry.stream)) continue;
      if (entry.status === 'pending' || entry.status === 'running') add({ stream: entry.stream, syncId: sync.workflowId, reason: entry.status === 'running' ? 'reading' : 'pending' });
    }
  }
  return found;
}

/** The refusal to reset streams a running sync reads, saying which and what to do. */
export function refusal(reads: RunningRead[]): string {
  const lines = reads.map((r) => {
    switch (r.reason) {
      case 'reading':
        return `  - ${r.stream}: being read by sync ${r.syncId}`;
      case 'pending':
        return `  - ${r.stream}: queued in sync ${r.syncId}`;
      case 'unknown':
        return `  - ${r.stream}: sync ${r.syncId} is running and no worker answered which streams it reads`;
    }
  });
  const syncs = [...new Set(reads.map((r) => r.syncId))];
  return (
    `refusing to reset while a sync reads the stream (it would commit bookmarks past the reset):\n${lines.join('\n')}\n` +
    `Wait for it to end, or cancel it first: ${syncs.map((id) => `retriever cancel ${id} --wait`).join('; ')}`
  );
}
