import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { webUiUrl, type RetrieverEnv } from '../config/env';
import { selectedStreams, type SyncRequest } from '../config/request';
import { DEFAULT_ORGANIZATION, organizationNote } from '../shared/organization';
import { datadogSync } from '../workflows';
import type { StreamProgress, SyncResult } from '../workflows/types';
import { collectProgress, formatWindow, ProgressView } from './progress';

export function defaultWorkflowId(request: SyncRequest, now = new Date()): string {
  return `${syncBaseId(request)}-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
}

/** `retriever-<name>`, and the organisation when it is not the default one: IDs of two organisations' syncs never collide. */
export function syncBaseId(request: Pick<SyncRequest, 'name' | 'organization'>): string {
  return `retriever-${request.name}${request.organization === DEFAULT_ORGANIZATION ? '' : `-${request.organization}`}`;
}

/** The one-line summary the Web UI shows for a sync. */
export function syncSummary(request: SyncRequest): string {
  const streamCount = selectedStreams(request).length;
  const since = request.start_date ? ` · since ${request.start_date.slice(0, 10)}` : '';
  return `Datadog sync · ${streamCount} stream${streamCount === 1 ? '' : 's'} · ${request.site}${organizationNote(request.organization)}${since}`;
}

export async function startSync(client: Client, env: RetrieverEnv, request: SyncRequest, workflowId: string) {
  return client.workflow.start(datadogSync, {
    taskQueue: env.RETRIEVER_TASK_QUEUE,
    workflowId,
    args: [request],
    staticSummary: syncSummary(request),
    staticDetails: '```json\n' + JSON.stringify(request, null, 2) + '\n```',
  });
}

export interface Outcome {
  result?: SyncResult;
  /** The failure message, when the sync failed. */
  error?: string;
  streams: StreamProgress[];
}

/** Waits for a sync, showing progress from its `progress` query until it ends. */
export async function watchSync(client: Client, workflowId: string, options: { progress: boolean; intervalMs?: number }): Promise<Outcome> {
  const handle = client.workflow.getHandle<typeof datadogSync>(workflowId);
  const view = options.progress ? new ProgressView() : undefined;
  let latest: StreamProgress[] = [];
  let done = false;
  const poll = (async () => {
    while (!done) {
      try {
        latest = await collectProgress(client, workflowId);
        view?.update(latest);
      } catch {
        // No worker has answered yet (the sync is queued): keep waiting.
      }
      await new Promise((r) => setTimeout(r, options.intervalMs ?? 500));
    }
  })();
  try {
    const result = await handle.result();
    return { result, streams: result.streams };
  } catch (err) {
    const details = failureDetails(err);
    return { error: failureMessage(err), streams: details?.streams ?? latest };
  } finally {
    done = true;
    await poll;
    if (view) {
      view.update(latest);
      view.stop();
    }
  }
}

function failureDetails(err: unknown): SyncResult | undefined {
  const cause = err instanceof WorkflowFailedError ? err.cause : undefined;
  return cause instanceof ApplicationFailure ? (cause.details?.[0] as SyncResult | undefined) : undefined;
}

export function failureMessage(err: unknown): string {
  let current: unknown = err;
  while (current instanceof Error && (current as { cause?: unknown }).cause instanceof Error) current = (current as { cause: Error }).cause;
  return current instanceof Error ? current.message : String(current);
}

export function formatTable(streams: StreamProgress[]): string {
  const rows = streams.map((s) => [s.stream, s.status, String(s.records), String(s.pages), s.bookmark ? new Date(s.bookmark).toISOString() : '', s.message ?? formatWindow(s)]);
  const header = ['stream', 'status', 'records', 'pages', 'bookmark', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 2 || i === 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function printOutcome(outcome: Outcome, env: RetrieverEnv, workflowId: string, json: boolean): void {
  const link = webUiUrl(env, workflowId);
  if (json) {
    console.log(JSON.stringify({ workflowId, status: outcome.result?.status ?? 'failed', error: outcome.error, streams: outcome.streams, webUi: link }, null, 2));
    return;
  }
  console.log(formatTable(outcome.streams));
  for (const warning of outcome.result?.warnings ?? []) console.log(`warning: ${warning}`);
  if (outcome.error) console.log(`\nsync failed: ${outcome.error}`);
  else console.log(`\n${outcome.result!.records} records in ${outcome.streams.length} streams.`);
  console.log(`Web UI: ${link}`);
}
