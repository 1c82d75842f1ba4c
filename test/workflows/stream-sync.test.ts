import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { WorkflowFailedError } from '@temporalio/client';
import { FAILURE } from '../../src/shared/failure-types';
import { RESET_MARGIN_MS } from '../../src/shared/rate-limit';
import { streamSync } from '../../src/workflows';
import type { StreamResult, StreamTask } from '../../src/workflows/types';
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
/** Runs one streamSync child on fake activities; returns its result (or failure) and every activity call in order. */
async function runStream(task: StreamTask, stream: FakeStream) {
  const { activities, log } = fakeActivities(fakePlan([task]), { [task.stream]: stream });
  const taskQueue = `stream-unit-${++runs}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
  const workflowId = `unit-${runs}/${task.stream}`;
  const outcome = await worker.runUntil(
    env.client.workflow.execute(streamSync, { taskQueue, workflowId, args: [task] }).then(
      (result: StreamResult) => ({ result, error: undefined }),
      (error: unknown) => ({ result: undefined, error }),
    ),
  );
  return { ...outcome, log, history: await env.client.workflow.getHandle(workflowId).fetchHistory() };
}

describe('streamSync', () => {
  it('reads every page of a window before committing its bookmark, and the windows in order', async () => {
    const task = incrementalTask('logs', { from: T0, to: T0 + 3 * HOUR, size: HOUR });
    const { result, log } = await runStream(task, { pages: 2 });
    expect(log).toEqual([
      `page logs@${T0} #1`,
      `page logs@${T0} #2`,
      `bookmark logs ${T0 + HOUR}`,
      `page logs@${T0 + HOUR} #1`,
      `page logs@${T0 + HOUR} #2`,
      `bookmark logs ${T0 + 2 * HOUR}`,
      `page logs@${T0 + 2 * HOUR} #1`,
      `page logs@${T0 + 2 * HOUR} #2`,
      `bookmark logs ${T0 + 3 * HOUR}`,
    ]);
    expect(result).toEqual({ stream: 'logs', status: 'completed', records: 60, pages: 6, bookmark: T0 + 3 * HOUR });
  });

  it('cuts a range that starts mid-window at the window boundary', async () => {
    const task = incrementalTask('logs', { from: T0 + HOUR / 2, to: T0 + 2 * HOUR, size: HOUR });
    const { log } = await runStream(task, { pages: 1 });
    expect(log).toEqual([`page logs@${T0 + HOUR / 2} #1`, `bookmark logs ${T0 + HOUR}`, `page logs@${T0 + HOUR} #1`, `bookmark logs ${T0 + 2 * HOUR}`]);
  });

  it('ends a full refresh by removing what it did not see, and commits no bookmark', async () => {
    const { result, log } = await runStream(fullRefreshTask('dashboards'), { pages: 3, recordsPerPage: 4 });
    expect(log).toEqual(['page dashboards #1', 'page dashboards #2', 'page dashboards #3', 'complete dashboards']);
    expect(result).toEqual({ stream: 'dashboards', status: 'completed', records: 12, pages: 3, removed: 0 });
  });

  it('skips a stream Datadog refuses (403), naming the permission, and keeps the count of what it wrote', async () => {
    const forbidden = ApplicationFailure.nonRetryable('audit_logs · page 2: HTTP 403: Forbidden', FAILURE.forbidden);
    const task = incrementalTask('audit_logs', { from: T0, to: T0 + HOUR, size: HOUR });
    const { result, log } = await runStream(task, { pages: 3, fail: (input) => (input.page.offset === 1 ? forbidden : undefined) });
    expect(log).toEqual([`page audit_logs@${T0} #1`, `page audit_logs@${T0} #2`]);
    expect(result).toMatchObject({ stream: 'audit_logs', status: 'skipped', records: 10, pages: 1 });
    expect(result?.warning).toContain('"audit_logs_read" permission');
  });

  it('fails instead of skipping when strict', async () => {
    const forbidden = ApplicationFailure.nonRetryable('HTTP 403: Forbidden', FAILURE.forbidden);
    const { error } = await runStream(fullRefreshTask('users', { strict: true }), { pages: 1, fail: () => forbidden });
    expect(error).toBeInstanceOf(WorkflowFailedError);
  });

  it('fails, not skips, on a failure retrying cannot fix that is not a refusal', async () => {
    const exhausted = ApplicationFailure.nonRetryable('logs · page 1: gave up after 8 failed attempts', FAILURE.retriesExhausted);
    const { result, error } = await runStream(fullRefreshTask('users'), { pages: 1, fail: () => exhausted });
    expect(result).toBeUndefined();
    expect(error).toBeInstanceOf(WorkflowFailedError);
  });

  it('waits on a named durable timer until the bucket resets when too little of it is left, but not after its last page', async () => {
    const task = fullRefreshTask('logs');
    // Page 2's response says the bucket is spent for 42 s more; the others have room.
    const { log, history } = await runStream(task, {
      pages: 3,
      rateLimit: (input) => (input.page.offset === 1 ? { limit: 10, remaining: 0, reset: 42, period: 60 } : { limit: 10, remaining: 9, reset: 30, period: 60 }),
    });
    expect(log).toEqual(['page logs #1', 'page logs #2', 'page logs #3', 'complete logs']);
    const timers = (history.events ?? []).filter((e) => e.timerStartedEventAttributes).map((e) => e.timerStartedEventAttributes!.startToFireTimeout);
    expect(timers).toHaveLength(1);
    expect(Number(timers[0]!.seconds) * 1000 + Math.round((timers[0]!.nanos ?? 0) / 1e6)).toBe(42_000 + RESET_MARGIN_MS);
    const timerSummary = (history.events ?? []).find((e) => e.timerStartedEventAttributes)?.userMetadata?.summary?.data;
    expect(Buffer.from(timerSummary ?? []).toString()).toContain('waiting 43 s for the next period');

    const last = await runStream(fullRefreshTask('dashboards'), { pages: 1, rateLimit: () => ({ limit: 10, remaining: 0, reset: 42 }) });
    expect((last.history.events ?? []).some((e) => e.timerStartedEventAttributes)).toBe(false);
  });
});
