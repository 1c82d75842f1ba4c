import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { FAILURE } from '../../src/shared/failure-types';
import { datadogSync } from '../../src/workflows';
import type { StreamTask, SyncResult } from '../../src/workflows/types';
import { fakeActivities, fakePlan, fullRefreshTask, incrementalTask, type FakeStream } from '../helpers/fake-activities';
import { startTimeSkipping, workflowBundle } from '../helpers/temporal';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await startTimeSkipping();
});
afterAll(async () => {
  await env?.teardown();
});

let runs = 0;
async function runSync(tasks: StreamTask[], streams: Record<string, FakeStream>, maxParallel: number) {
  const { activities, log } = fakeActivities(fakePlan(tasks, maxParallel), streams);
  const taskQueue = `sync-unit-${++runs}`;
  const workflowId = `sync-unit-${runs}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
  const outcome = await worker.runUntil(
    env.client.workflow.execute(datadogSync, { taskQueue, workflowId, args: [{}] }).then(
      (result: SyncResult) => ({ result, error: undefined }),
      (error: unknown) => ({ result: undefined, error }),
    ),
  );
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  return { ...outcome, log, history, workflowId };
}

/** The most children the parent had running at once, from its history. */
function mostAtOnce(history: Awaited<ReturnType<typeof runSync>>['history']): number {
  let open = 0;
  let most = 0;
  for (const event of history.events ?? []) {
    if (event.childWorkflowExecutionStartedEventAttributes) most = Math.max(most, ++open);
    if (event.childWorkflowExecutionCompletedEventAttributes || event.childWorkflowExecutionFailedEventAttributes) open--;
  }
  return most;
}

describe('datadogSync', () => {
  const names = ['dashboards', 'monitors', 'users', 'roles', 'teams'];

  it('runs one child per stream, never more than max_parallel_streams at once, and sums what they read', async () => {
    const tasks = names.map((n) => fullRefreshTask(n));
    const { result, log, history, workflowId } = await runSync(tasks, Object.fromEntries(names.map((n) => [n, { pages: 2 }])), 2);
    expect(mostAtOnce(history)).toBe(2);
    const children = (history.events ?? []).map((e) => e.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId).filter(Boolean);
    expect(children).toEqual(names.map((n) => `${workflowId}/${n}`));
    expect(result).toMatchObject({ status: 'completed', records: 100, warnings: [] });
    expect(result!.streams.map((s) => [s.stream, s.status, s.records])).toEqual(names.map((n) => [n, 'completed', 20]));
    expect(log.at(-1)).toBe('sync completed');
  });

  it('starts the next stream from the bucket with the fewest running: every bucket busy before any has two', async () => {
    // Two streams on the logs bucket, two of their own; room for three at once.
    const onLogs = { rateLimitBucket: 'logs_list' };
    const tasks = [fullRefreshTask('logs_a', onLogs), fullRefreshTask('logs_b', onLogs), fullRefreshTask('monitors', { rateLimitBucket: 'monitors' }), fullRefreshTask('users', { rateLimitBucket: 'users' })];
    const { result, history } = await runSync(tasks, { logs_a: { pages: 3 }, logs_b: { pages: 3 }, monitors: { pages: 1 }, users: { pages: 1 } }, 3);
    expect(result).toMatchObject({ status: 'completed', records: 80 });
    const started = (history.events ?? []).map((e) => e.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId?.split('/').pop()).filter(Boolean);
    // In plan order logs_b would have taken the third place, and two streams would have raced for one bucket.
    expect(started).toEqual(['logs_a', 'monitors', 'users', 'logs_b']);
  });

  it('lets the other streams finish when one fails, then fails naming it; a skipped stream is a warning', async () => {
    const exhausted = ApplicationFailure.nonRetryable('monitors · page 1: gave up after 8 failed attempts', FAILURE.retriesExhausted);
    const forbidden = ApplicationFailure.nonRetryable('HTTP 403: Forbidden', FAILURE.forbidden);
    const tasks = [fullRefreshTask('monitors'), fullRefreshTask('users'), incrementalTask('logs', { from: T0, to: T0 + 2 * HOUR, size: HOUR })];
    const { error, log } = await runSync(tasks, { monitors: { pages: 1, fail: () => exhausted }, users: { pages: 1, fail: () => forbidden }, logs: { pages: 1 } }, 1);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.message).toBe('1 of 3 streams failed:\nmonitors: monitors · page 1: gave up after 8 failed attempts');
    const result = cause.details?.[0] as SyncResult;
    expect(result.streams.map((s) => [s.stream, s.status])).toEqual([
      ['monitors', 'failed'],
      ['users', 'skipped'],
      ['logs', 'completed'],
    ]);
    expect(result.warnings).toHaveLength(1);
    expect(log).toContain(`bookmark logs ${T0 + 2 * HOUR}`);
    expect(log.at(-1)).toBe('sync failed');
  });
});
