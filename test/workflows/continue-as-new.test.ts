import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { streamSync } from '../../src/workflows';
import { fakeActivities, fakePlan, fullRefreshTask, incrementalTask } from '../helpers/fake-activities';
import { startDevServer, workflowBundle } from '../helpers/temporal';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);

/**
 * On a server that suggests continue-as-new after a few dozen events (the time-skipping server never
 * suggests it), a long stream continues as new many times and carries its position across exactly:
 * every page read once, in order, every bookmark committed once.
 */
describe('streamSync across continue-as-new', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await startDevServer(['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=40']);
  });
  afterAll(async () => {
    await env?.teardown();
  });

  async function run(task: Parameters<typeof streamSync>[0], pages: number) {
    const { activities, log } = fakeActivities(fakePlan([task]), { [task.stream]: { pages } });
    const taskQueue = `can-${task.stream}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
    const workflowId = `can/${task.stream}`;
    const result = await worker.runUntil(env.client.workflow.execute(streamSync, { taskQueue, workflowId, args: [task] }));
    let continued = 0;
    for await (const execution of env.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
      if (execution.status.name === 'CONTINUED_AS_NEW') continued++;
    }
    return { result, log, continued };
  }

  it('carries the page cursor of a full refresh into the next run', async () => {
    const { result, log, continued } = await run(fullRefreshTask('dashboards'), 30);
    expect(continued).toBeGreaterThan(1);
    expect(log).toEqual([...Array.from({ length: 30 }, (_, i) => `page dashboards #${i + 1}`), 'complete dashboards']);
    expect(result).toMatchObject({ status: 'completed', records: 300, pages: 30 });
  });

  it('carries the window, the page within it and the counts of an incremental stream into the next run', async () => {
    const task = incrementalTask('logs', { from: T0, to: T0 + 6 * HOUR, size: HOUR });
    const { result, log, continued } = await run(task, 4);
    expect(continued).toBeGreaterThan(1);
    const expected = Array.from({ length: 6 }, (_, w) => [
      ...Array.from({ length: 4 }, (_, p) => `page logs@${T0 + w * HOUR} #${p + 1}`),
      `bookmark logs ${T0 + (w + 1) * HOUR}`,
    ]).flat();
    expect(log).toEqual(expected);
    expect(result).toEqual({ stream: 'logs', status: 'completed', records: 240, pages: 24, bookmark: T0 + 6 * HOUR });
  });
});
