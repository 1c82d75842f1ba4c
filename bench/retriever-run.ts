/**
 * Retriever end to end, as users run it: a `retriever worker` process polling a Temporal dev server,
 * `datadogSync` workflows started through the client, the simulator in its own process, DuckDB.
 */
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';
import type { SyncRequestInput } from '../src/config/request';
import type { SyncResult } from '../src/workflows/types';
import type { temporal } from '@temporalio/proto';
import { cpuDuring, peakRss, round, startWorkerProcess, threadCpuDelta, threadCpuSeconds, type SimulatorProcess, type TemporalServer } from './common';

export interface RetrieverRun {
  seconds: number;
  records: number;
  pages: number;
  /** Rows in the DuckDB file after the run (checked against `records`). */
  rows: number;
  workerPeakRssBytes: number;
  /** CPU seconds used during the sync by each process. */
  cpu: Record<string, number>;
  /** The worker's CPU seconds during the sync by thread name (main, DuckDB's, the workflow thread…). */
  workerThreads: Record<string, number>;
  /** Per sync: the largest number of events in any one run of its `logs` child. */
  largestChildRunEvents?: number;
  childRuns?: number;
  /** Milliseconds per page in each phase, from the histories. */
  pagePhases?: PagePhases;
}

/** A destination other than the worker's own DuckDB file: how the worker is told, and how its rows are counted. */
export interface BenchDestination {
  env: Record<string, string>;
  countRows(): Promise<number>;
}

let runs = 0;

/** Starts a fresh worker process, runs `requests` as concurrent syncs, waits for all, stops the worker. */
export async function runRetriever(
  temporal: TemporalServer,
  simulator: SimulatorProcess,
  requests: SyncRequestInput[],
  options: { histories?: boolean; workerEnv?: Record<string, string>; workerNodeArgs?: string[]; destination?: BenchDestination } = {},
): Promise<RetrieverRun> {
  const worker = await startWorkerProcess(temporal, simulator.url, { ...options.destination?.env, ...options.workerEnv }, options.workerNodeArgs);
  let ids: string[] = [];
  let measured;
  try {
    ids = requests.map(() => `bench-${process.pid}-${++runs}`);
    const started = performance.now();
    const threadsBefore = threadCpuSeconds(worker.pid);
    measured = await cpuDuring({ worker: worker.pid, simulator: simulator.pid, temporal: temporal.pid, bench: undefined }, () =>
      Promise.all(
        requests.map((request, i) =>
          temporal.client.workflow.execute('datadogSync', { taskQueue: worker.taskQueue, workflowId: ids[i], args: [request] }) as Promise<SyncResult>,
        ),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    const workerThreads = threadCpuDelta(threadsBefore, threadCpuSeconds(worker.pid));
    const workerPeakRssBytes = peakRss(worker.pid);
    await worker.stop();
    const results = measured.result;
    const records = results.reduce((n, r) => n + r.records, 0);
    const pages = results.reduce((n, r) => n + r.streams.reduce((m, s) => m + s.pages, 0), 0);
    const rows = options.destination ? await options.destination.countRows() : await countRows(worker.duckdbPath, 'logs');
    // The file can be gigabytes; nothing reads it after the count.
    rmSync(dirname(worker.duckdbPath), { recursive: true, force: true });
    if (rows !== records) throw new Error(`the syncs reported ${records} records but DuckDB holds ${rows} rows`);
    const run: RetrieverRun = { seconds, records, pages, rows, workerPeakRssBytes, cpu: measured.cpu, workerThreads };
    if (options.histories) {
      const phases: PagePhases = { pages: 0, queuedMs: 0, activityMs: 0, workflowTaskMs: 0 };
      const counts = await Promise.all(ids.map((id) => childRunEvents(temporal, `${id}/logs`, phases)));
      run.largestChildRunEvents = Math.max(...counts.flat());
      run.childRuns = counts.reduce((n, c) => n + c.length, 0);
      run.pagePhases = {
        pages: phases.pages,
        queuedMs: round(phases.queuedMs / phases.pages, 2),
        activityMs: round(phases.activityMs / phases.pages, 2),
        workflowTaskMs: round(phases.workflowTaskMs / phases.pages, 2),
      };
    }
    return run;
  } finally {
    await worker.stop();
  }
}

async function countRows(path: string, table: string): Promise<number> {
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(`SELECT count(*) AS n FROM "${table}"`);
    return Number(reader.getRowObjectsJS()[0].n);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * Where a page's time goes, from the event times of the child's histories (milliseconds per page):
 * waiting for a worker to take the activity, running it (fetch + write), and the workflow task
 * between one page's completion and the next page's scheduling.
 */
export interface PagePhases {
  pages: number;
  queuedMs: number;
  activityMs: number;
  workflowTaskMs: number;
}

const millis = (event: temporal.api.history.v1.IHistoryEvent) => {
  const t = event.eventTime!;
  return Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6;
};

function addPhases(phases: PagePhases, events: temporal.api.history.v1.IHistoryEvent[]): void {
  const scheduled = new Map<string, number>();
  const started = new Map<string, number>();
  let lastCompleted: number | undefined;
  for (const event of events) {
    const id = String(event.eventId);
    if (event.activityTaskScheduledEventAttributes?.activityType?.name === 'fetchPage') {
      scheduled.set(id, millis(event));
      if (lastCompleted !== undefined) phases.workflowTaskMs += millis(event) - lastCompleted;
    } else if (event.activityTaskStartedEventAttributes && scheduled.has(String(event.activityTaskStartedEventAttributes.scheduledEventId))) {
      const from = String(event.activityTaskStartedEventAttributes.scheduledEventId);
      started.set(from, millis(event));
      phases.queuedMs += millis(event) - scheduled.get(from)!;
    } else if (event.activityTaskCompletedEventAttributes && started.has(String(event.activityTaskCompletedEventAttributes.scheduledEventId))) {
      phases.pages++;
      lastCompleted = millis(event);
      phases.activityMs += lastCompleted - started.get(String(event.activityTaskCompletedEventAttributes.scheduledEventId))!;
    }
  }
}

/** Event counts of every run of one workflow ID (a continue-as-new chain), first to last. */
async function childRunEvents(temporal: TemporalServer, workflowId: string, phases?: PagePhases): Promise<number[]> {
  const counts: number[] = [];
  // Follow the chain from the first run: each run that continued as new names the next one.
  let runId: string | undefined = (await temporal.client.workflow.getHandle(workflowId).describe()).raw.workflowExecutionInfo?.firstRunId ?? undefined;
  const seen = new Set<string>();
  while (runId && !seen.has(runId)) {
    seen.add(runId);
    const history = await temporal.client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    counts.push(events.length);
    if (phases) addPhases(phases, events);
    const last = events[events.length - 1];
    runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return counts;
}
