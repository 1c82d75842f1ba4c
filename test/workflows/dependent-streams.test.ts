import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { withUpstreams } from '../../src/activities/plan';
import { FAILURE } from '../../src/shared/failure-types';
import { datadogSync } from '../../src/workflows';
import type { StreamTask, SyncResult } from '../../src/workflows/types';
import { fakeActivities, fakePlan, fullRefreshTask, type FakeStream } from '../helpers/fake-activities';
import { startTimeSkipping, workflowBundle } from '../helpers/temporal';

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
  const taskQueue = `dependent-unit-${++runs}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
  const result: SyncResult = await worker.runUntil(env.client.workflow.execute(datadogSync, { taskQueue, workflowId: taskQueue, args: [{}] }));
  return { result, log };
}

describe('streams read from another stream’s table', () => {
  it('are planned with their parent, after every other stream', () => {
    expect(withUpstreams(['slo_history', 'logs', 'dashboard_definitions', 'users', 'user_roles'])).toEqual([
      'service_level_objectives',
      'logs',
      'dashboards',
      'users',
      'slo_history',
      'dashboard_definitions',
      'user_roles',
    ]);
    expect(withUpstreams(['dashboards', 'monitors'])).toEqual(['dashboards', 'monitors']);
  });

  it('start only once their parent has completed, while other streams run', async () => {
    const tasks = [fullRefreshTask('dashboards'), fullRefreshTask('monitors'), fullRefreshTask('dashboard_definitions', { after: 'dashboards' })];
    const { result, log } = await runSync(tasks, { dashboards: { pages: 3 }, monitors: { pages: 1 }, dashboard_definitions: { pages: 2 } }, 4);
    expect(result.status).toBe('completed');
    const first = log.indexOf('page dashboard_definitions #1');
    expect(first).toBeGreaterThan(log.indexOf('complete dashboards'));
    expect(log.indexOf('complete monitors')).toBeGreaterThan(-1);
    expect(result.streams.map((s) => [s.stream, s.status])).toEqual([
      ['dashboards', 'completed'],
      ['monitors', 'completed'],
      ['dashboard_definitions', 'completed'],
    ]);
  });

  it('wait for their parent without holding up a stream of a busier bucket', async () => {
    // By bucket alone the dependent stream (an idle bucket) would go next, before its parent's table is complete.
    const tasks = [
      fullRefreshTask('dashboards', { rateLimitBucket: 'dashboards' }),
      fullRefreshTask('monitors', { rateLimitBucket: 'dashboards' }),
      fullRefreshTask('dashboard_definitions', { after: 'dashboards', rateLimitBucket: 'definitions' }),
    ];
    const { result, log } = await runSync(tasks, { dashboards: { pages: 3 }, monitors: { pages: 1 }, dashboard_definitions: { pages: 2 } }, 3);
    expect(result.status).toBe('completed');
    expect(log.indexOf('page monitors #1')).toBeGreaterThan(-1);
    expect(log.indexOf('page monitors #1')).toBeLessThan(log.indexOf('complete dashboards'));
    expect(log.indexOf('page dashboard_definitions #1')).toBeGreaterThan(log.indexOf('complete dashboards'));
  });

  it('are skipped, saying why, when their parent was skipped', async () => {
    const forbidden = ApplicationFailure.nonRetryable('HTTP 403: Forbidden', FAILURE.forbidden);
    const tasks = [fullRefreshTask('users'), fullRefreshTask('roles'), fullRefreshTask('user_roles', { after: 'users' })];
    const { result, log } = await runSync(tasks, { users: { pages: 1, fail: () => forbidden }, roles: { pages: 1 }, user_roles: { pages: 1 } }, 1);
    expect(result.status).toBe('completed');
    expect(log.some((line) => line.startsWith('page user_roles'))).toBe(false);
    expect(result.streams.map((s) => [s.stream, s.status])).toEqual([
      ['users', 'skipped'],
      ['roles', 'completed'],
      ['user_roles', 'skipped'],
    ]);
    const warning = result.warnings.find((w) => w.startsWith('user_roles skipped'))!;
    expect(warning).toContain('read from the records of users, which was skipped');
    expect(warning).toContain('"users_read" permission');
  });
});
