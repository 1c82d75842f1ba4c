import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { FAILURE } from '../../src/shared/failure-types';
import { Context } from '@temporalio/activity';
import { datadogSync, progressQuery } from '../../src/workflows';
import type { StreamTask, SyncPlan, SyncResult } from '../../src/workflows/types';
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
async function runSync(tasks: StreamTask[], streams: Record<string, FakeStream>, maxParallel: number, extra: Partial<SyncPlan> = {}) {
  const { activities, log } = fakeActivities({ ...fakePlan(tasks, maxParallel), ...extra }, streams);
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

  it('starts every stream that may start at once in one workflow task, not a task each', async () => {
    const tasks = names.map((n) => fullRefreshTask(n));
    const { result, history } = await runSync(tasks, Object.fromEntries(names.map((n) => [n, { pages: 1 }])), 5);
    expect(result).toMatchObject({ status: 'completed', records: 50 });
    const events = history.events ?? [];
    const firstStarted = events.findIndex((e) => e.childWorkflowExecutionStartedEventAttributes);
    // All five asked for before the server reported any of them started.
    expect(events.slice(0, firstStarted).filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)).toHaveLength(5);
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
    // No outage wait (max_outage 0): a page whose retries are spent fails its stream at once.
    const tasks = [fullRefreshTask('monitors', { maxOutageMs: 0 }), fullRefreshTask('users'), incrementalTask('logs', { from: T0, to: T0 + 2 * HOUR, size: HOUR })];
    const { error, log } = await runSync(tasks, { monitors: { pages: 1, fail: () => exhausted }, users: { pages: 1, fail: () => forbidden }, logs: { pages: 1 } }, 1);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.message).toBe(
      '1 of 3 streams failed:\nmonitors: Datadog was unavailable for 0 s, past max_outage (0 s of waiting); the last failure: monitors · page 1: gave up after 8 failed attempts',
    );
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

  it('resets the streams the request reads from scratch before any child reads a page, and nothing when none is asked', async () => {
    const window = { from: T0, to: T0 + 2 * HOUR, size: HOUR };
    const tasks = [incrementalTask('logs', window), incrementalTask('audit_logs', window)];
    const streams = { logs: { pages: 1 }, audit_logs: { pages: 1 } };
    const reset = await runSync(tasks, streams, 2, { reset: { streams: ['logs'], dropRows: true } });
    expect(reset.result).toMatchObject({ status: 'completed' });
    expect(reset.log[0]).toBe('reset logs dropping rows');
    expect(reset.log.filter((l) => l.startsWith('reset'))).toHaveLength(1);
    // Done before the first child starts, so no page can be written under the old bookmark.
    const events = reset.history.events ?? [];
    const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'resetStreams');
    const resetDone = events.findIndex((e) => String(e.activityTaskCompletedEventAttributes?.scheduledEventId) === String(scheduled?.eventId));
    const firstChild = events.findIndex((e) => e.startChildWorkflowExecutionInitiatedEventAttributes);
    expect(resetDone).toBeGreaterThan(-1);
    expect(firstChild).toBeGreaterThan(resetDone);

    const plain = await runSync(tasks, streams, 2);
    expect(plain.log.some((l) => l.startsWith('reset'))).toBe(false);
  });
});

describe('datadogSync reporting and refusing', () => {
  it('reports the records and pages a failed stream had written, in its progress and in the result', async () => {
    const exhausted = ApplicationFailure.nonRetryable('logs · page 3: HTTP 500 (gave up after 8 failed attempts)', FAILURE.retriesExhausted);
    const { error } = await runSync([fullRefreshTask('logs', { maxOutageMs: 0 })], { logs: { pages: 5, fail: (input) => (input.page.offset === 2 ? exhausted : undefined) } }, 1);
    const result = ((error as WorkflowFailedError).cause as ApplicationFailure).details?.[0] as SyncResult;
    expect(result.streams).toEqual([expect.objectContaining({ stream: 'logs', status: 'failed', records: 20, pages: 2 })]);
    expect(result.records).toBe(20);
  });

  it('waits for Datadog while planning when the key check cannot reach it', async () => {
    let refused = 0;
    const { activities } = fakeActivities(fakePlan([fullRefreshTask('users')]), { users: { pages: 1 } });
    const planSync = activities.planSync!;
    activities.planSync = async (input) => {
      // As its last quick retry ends (nonRetryable: the activity's retries are not what is under test).
      if (refused++ < 2) throw ApplicationFailure.create({ message: 'checking the API key: network error: ECONNREFUSED', type: FAILURE.network, nonRetryable: true });
      return planSync(input);
    };
    const taskQueue = `sync-unit-${++runs}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
    const result = await worker.runUntil(env.client.workflow.execute(datadogSync, { taskQueue, workflowId: `sync-unit-${runs}`, args: [{}] }));
    expect(result.status).toBe('completed');
    // Two failed plans, each followed by a wait, then one that works.
    expect(refused).toBe(3);
  });
  it('reports what a cancelled stream had written', async () => {
    let pageThree: () => void = () => undefined;
    const reachedPageThree = new Promise<void>((resolve) => (pageThree = resolve));
    const { activities, log } = fakeActivities(fakePlan([fullRefreshTask('logs')], 1), { logs: { pages: 5 } });
    const fetchPage = activities.fetchPage!;
    activities.fetchPage = async (input) => {
      if (input.page.offset !== 2) return fetchPage(input);
      pageThree();
      // Holds the page until the sync is cancelled (a heartbeat delivers the cancellation).
      for (;;) {
        Context.current().heartbeat();
        await Context.current().sleep(100);
      }
    };
    const taskQueue = `sync-unit-${++runs}`;
    const workflowId = `sync-unit-${runs}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(datadogSync, { taskQueue, workflowId, args: [{}] });
      await reachedPageThree;
      await handle.cancel();
      await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
      const [entry] = await handle.query(progressQuery);
      expect(entry).toMatchObject({ stream: 'logs', status: 'cancelled', records: 20, pages: 2 });
    });
    expect(log.at(-1)).toBe('sync cancelled');
  });

  it('refuses a key in its input before any activity is scheduled, so it is not copied into history again', async () => {
    const taskQueue = `sync-unit-${++runs}`;
    const workflowId = `sync-unit-${runs}`;
    const { activities, log } = fakeActivities(fakePlan([]), {});
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
    const secret = 'dd-app-key-value-0123456789';
    const error = await worker.runUntil(
      env.client.workflow.execute(datadogSync, { taskQueue, workflowId, args: [{ streams: ['logs'], stream_options: { logs: { app_key: secret } } } as never] }).catch((e: unknown) => e),
    );
    const cause = (error as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe(FAILURE.secretInRequest);
    expect(cause.message).toContain("stream_options.logs.app_key: secrets are not accepted here; set DD_API_KEY and DD_APP_KEY in the worker's environment");
    expect(cause.message).not.toContain(secret);
    expect(log).toEqual([]);
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    expect((history.events ?? []).some((e) => e.activityTaskScheduledEventAttributes)).toBe(false);
    // The input holds it (the caller put it there), and nothing after it does.
    expect(JSON.stringify(history.events!.slice(1)).includes(Buffer.from(secret).toString('base64').slice(0, 12))).toBe(false);
  });


});
