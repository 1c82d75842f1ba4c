import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { splitPoint } from '../../src/datadog/split';
import { streamSync } from '../../src/workflows';
import type { FetchPageInput, StreamResult, StreamTask } from '../../src/workflows/types';
import { fakeActivities, fakePlan, incrementalTask, type FakeStream } from '../helpers/fake-activities';
import { startDevServer, startTimeSkipping, workflowBundle } from '../helpers/temporal';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.UTC(2026, 0, 1);

/**
 * An endpoint without paging that returns at most `cap` records a call (DORA, Error Tracking), over
 * records at `times`: a window holding `cap` or more comes back full, so fetchPage writes nothing and
 * says where to split it (as pages.ts does); any other window is answered with its records.
 */
function cappedEndpoint(times: number[], cap: number): FakeStream & { answered: { from: number; to: number; records: number }[] } {
  const inWindow = (input: FetchPageInput) => times.filter((t) => t >= input.window!.from && t < input.window!.to).length;
  const answered: { from: number; to: number; records: number }[] = [];
  return {
    pages: 1,
    answered,
    split: (input) => (inWindow(input) >= cap ? splitPoint(input.window!) : undefined),
    records: (input) => {
      const records = inWindow(input);
      answered.push({ from: input.window!.from, to: input.window!.to, records });
      return records;
    },
  };
}

/** `count` times spread evenly over [from, from + span). */
const burst = (from: number, span: number, count: number) => Array.from({ length: count }, (_, i) => from + Math.floor((i * span) / count));

/** What must hold of any split read of [from, to): each record read once, in windows that tile the range in order. */
function expectExactCover(task: StreamTask, endpoint: ReturnType<typeof cappedEndpoint>, log: string[], times: number[], result: StreamResult) {
  if (task.mode !== 'incremental') throw new Error('a split needs a window');
  const inRange = times.filter((t) => t >= task.window.from && t < task.window.to).length;
  const answered = endpoint.answered;
  // The windows answered tile the range: each starts where the one before ended, the first at its start, the last at its end.
  expect(answered[0].from).toBe(task.window.from);
  expect(answered[answered.length - 1].to).toBe(task.window.to);
  answered.slice(1).forEach((w, i) => expect(w.from).toBe(answered[i].to));
  // So every record was written once: none lost, none twice.
  expect(answered.reduce((sum, w) => sum + w.records, 0)).toBe(inRange);
  expect(result.records).toBe(inRange);
  // The bookmark moved to each answered window's end, in order, and only after it was written.
  const bookmarks = log.filter((l) => l.startsWith('bookmark')).map((l) => Number(l.split(' ')[2]));
  expect(bookmarks).toEqual(answered.map((w) => w.to));
  expect(result.bookmark).toBe(task.window.to);
}

describe('streamSync splitting windows whose answer came back full', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await startTimeSkipping();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  let runs = 0;
  async function run(task: StreamTask, stream: FakeStream, workerOptions: { maxCachedWorkflows?: number } = {}) {
    const { activities, log } = fakeActivities(fakePlan([task]), { [task.stream]: stream });
    const taskQueue = `split-${++runs}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities, ...workerOptions });
    const workflowId = `split-${runs}/${task.stream}`;
    const result: StreamResult = await worker.runUntil(env.client.workflow.execute(streamSync, { taskQueue, workflowId, args: [task] }));
    return { result, log, history: await env.client.workflow.getHandle(workflowId).fetchHistory() };
  }

  it('reads a full window again as halves, the first half first, committing the bookmark after each', async () => {
    // 12 records in the first quarter hour, 3 after: [0, 60) and [0, 30) are full at 10, [0, 15), [15, 30), [30, 60) are not.
    const times = [...burst(T0, 15 * MINUTE, 9), ...burst(T0 + 20 * MINUTE, 5 * MINUTE, 3), ...burst(T0 + 40 * MINUTE, 10 * MINUTE, 3)];
    const task = incrementalTask('dora_deployments', { from: T0, to: T0 + HOUR, size: HOUR });
    const endpoint = cappedEndpoint(times, 10);
    const { result, log } = await run(task, endpoint);
    const at = (m: number) => T0 + m * MINUTE;
    expect(log).toEqual([
      `page dora_deployments@${at(0)}-${at(60)} #1`,
      `page dora_deployments@${at(0)}-${at(30)} #1`,
      `page dora_deployments@${at(0)}-${at(15)} #1`,
      `bookmark dora_deployments ${at(15)}`,
      `page dora_deployments@${at(15)}-${at(30)} #1`,
      `bookmark dora_deployments ${at(30)}`,
      `page dora_deployments@${at(30)}-${at(60)} #1`,
      `bookmark dora_deployments ${at(60)}`,
    ]);
    expect(result).toEqual({ stream: 'dora_deployments', status: 'completed', records: 15, pages: 5, bookmark: at(60) });
    expectExactCover(task, endpoint, log, times, result);
  });

  it('keeps splitting a burst, then reads the rest of its window and the next windows whole', async () => {
    // A burst of 300 in two minutes of the first window, a few records elsewhere; at most 25 a call.
    const times = [...burst(T0 + 7 * MINUTE, 2 * MINUTE, 300), ...burst(T0 + 30 * MINUTE, 2 * HOUR, 40)];
    const task = incrementalTask('error_tracking_issues', { from: T0, to: T0 + 3 * HOUR, size: HOUR });
    const endpoint = cappedEndpoint(times, 25);
    const { result, log } = await run(task, endpoint);
    expectExactCover(task, endpoint, log, times, result);
    // The windows after the burst's are read in one call each: the split stayed within its window.
    expect(endpoint.answered.filter((w) => w.from >= T0 + HOUR).map((w) => w.to - w.from)).toEqual([HOUR, HOUR]);
    expect(endpoint.answered.every((w) => w.records < 25)).toBe(true);
  });

  it('resumes exactly when every workflow task replays the history from the start, as after a worker crash', async () => {
    const times = burst(T0, HOUR, 90);
    const task = incrementalTask('dora_failures', { from: T0, to: T0 + 2 * HOUR, size: HOUR });
    const cached = cappedEndpoint(times, 20);
    const first = await run(task, cached);
    const replaying = cappedEndpoint(times, 20);
    const again = await run(task, replaying, { maxCachedWorkflows: 0 });
    // The fake refuses a page asked for twice: replaying never repeats a page, and reads what the cached run read.
    expect(again.log).toEqual(first.log);
    expectExactCover(task, replaying, again.log, times, again.result);
    // And the history replays against the workflow code without a nondeterminism error.
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, again.history, `split-${runs}/dora_failures`);
  });
});

/** On a server that suggests continue-as-new after a few dozen events, the split parts carry over too. */
describe('streamSync splitting windows across continue-as-new', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await startDevServer(['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=40']);
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('continues as new in the middle of a split window and still reads every part once, in order', async () => {
    const times = [...burst(T0 + 5 * MINUTE, 20 * MINUTE, 400), ...burst(T0 + HOUR, HOUR, 30)];
    const task = incrementalTask('dora_deployments', { from: T0, to: T0 + 2 * HOUR, size: HOUR });
    const endpoint = cappedEndpoint(times, 30);
    const { activities, log } = fakeActivities(fakePlan([task]), { [task.stream]: endpoint });
    const taskQueue = 'split-can';
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
    const workflowId = 'split-can/dora_deployments';
    const result: StreamResult = await worker.runUntil(env.client.workflow.execute(streamSync, { taskQueue, workflowId, args: [task] }));
    let continued = 0;
    for await (const execution of env.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
      if (execution.status.name === 'CONTINUED_AS_NEW') continued++;
    }
    expect(continued).toBeGreaterThan(1);
    expectExactCover(task, endpoint, log, times, result);
  });
});
