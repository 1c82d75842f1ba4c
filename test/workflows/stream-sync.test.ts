import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { WorkflowFailedError } from '@temporalio/client';
import { FAILURE } from '../../src/shared/failure-types';
import { RESET_MARGIN_MS } from '../../src/shared/rate-limit';
import { progressQuery, streamSync } from '../../src/workflows';
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

describe('streamSync waiting out an outage', () => {
  const unreachable = () => ApplicationFailure.nonRetryable('logs · page 2: /api/v2/logs/events: network error: connect ECONNREFUSED (gave up after 8 failed attempts)', FAILURE.network);
  const timers = (history: Awaited<ReturnType<typeof runStream>>['history']) =>
    (history.events ?? [])
      .filter((e) => e.timerStartedEventAttributes)
      .map((e) => ({ ms: Number(e.timerStartedEventAttributes!.startToFireTimeout!.seconds) * 1000, summary: JSON.parse(Buffer.from(e.userMetadata!.summary!.data!).toString()) as string }));

  it('waits on named durable timers, growing from 30 s, until Datadog answers again, then goes on exactly', async () => {
    let failures = 0;
    const task = fullRefreshTask('logs');
    const { result, log, history } = await runStream(task, { pages: 3, fail: (input) => (input.page.offset === 1 && failures++ < 4 ? unreachable() : undefined) });
    expect(result).toEqual({ stream: 'logs', status: 'completed', records: 30, pages: 3, removed: 0 });
    expect(timers(history).map((t) => t.ms)).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(timers(history)[0].summary).toContain('Datadog unavailable: waiting 30 s before trying again');
    // The page Datadog did not answer was asked for again after each wait, and written once.
    expect(log.filter((l) => l === 'page logs #2')).toHaveLength(5);
    expect(log.at(-1)).toBe('complete logs');
  });

  it('says what it waits for and since when, while it waits', async () => {
    const { activities } = fakeActivities(fakePlan([]), { logs: { pages: 2, fail: () => unreachable() } });
    const taskQueue = `stream-unit-${++runs}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
    await worker.runUntil(async () => {
      // Started, not awaited: time does not skip, so the stream stays in its first wait.
      const handle = await env.client.workflow.start(streamSync, { taskQueue, workflowId: `unit-${runs}/logs`, args: [fullRefreshTask('logs')] });
      let message: string | undefined;
      for (let i = 0; i < 100 && !message; i++) {
        message = (await handle.query(progressQuery))[0].message;
        if (!message) await new Promise((r) => setTimeout(r, 100));
      }
      expect(message).toMatch(/^waiting for Datadog since \d\d:\d\d:\d\d UTC \(logs · page 2: .*ECONNREFUSED.*\); next try at \d\d:\d\d:\d\d, giving up after 6 h of waiting \(max_outage\)$/);
      const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
      expect(metadata.currentDetails).toContain('waiting for Datadog since');
      await handle.terminate('test done');
    });
  });

  it('fails after max_outage of waiting, saying for how long and why', async () => {
    const task = fullRefreshTask('logs', { maxOutageMs: 10 * 60_000 });
    const { error, history } = await runStream(task, { pages: 2, fail: () => unreachable() });
    // 30 s + 1 + 2 + 4 min fit in 10 minutes; the next wait (8 min) would not.
    expect(timers(history).map((t) => t.ms)).toEqual([30_000, 60_000, 120_000, 240_000]);
    const cause = (error as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe(FAILURE.outageTooLong);
    expect(cause.message).toMatch(/^Datadog was unavailable for \d+ min, past max_outage \(10 min of waiting\); the last failure: logs · page 2: .*ECONNREFUSED/);
  });

  it('waits for the destination the same way when a bookmark cannot be committed', async () => {
    const { activities, log } = fakeActivities(fakePlan([]), { logs: { pages: 1 } });
    let refusals = 0;
    const commitBookmark = activities.commitBookmark!;
    activities.commitBookmark = async (input) => {
      // More than the activity's own 20 quick attempts: the rest is waited out by the workflow.
      if (refusals++ < 25) throw ApplicationFailure.create({ message: 'logs: committing bookmark: cannot reach PostgreSQL', type: FAILURE.destinationUnavailable });
      return commitBookmark(input);
    };
    const taskQueue = `stream-unit-${++runs}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
    const workflowId = `unit-${runs}/logs`;
    const task = incrementalTask('logs', { from: T0, to: T0 + HOUR, size: HOUR });
    const result = await worker.runUntil(env.client.workflow.execute(streamSync, { taskQueue, workflowId, args: [task] }));
    expect(result).toMatchObject({ status: 'completed', bookmark: T0 + HOUR });
    expect(log).toEqual([`page logs@${T0} #1`, `bookmark logs ${T0 + HOUR}`]);
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    expect(timers(history).map((t) => t.summary)).toEqual(['the destination unavailable: waiting 30 s before trying again']);
    expect(refusals).toBe(26);
  });
});
