/**
 * Several Datadog organisations into one destination: two simulators stand for two organisations
 * whose ids overlap on purpose (the same seed), each with keys of its own, synced into one DuckDB
 * file and one PostgreSQL schema. Neither overwrites nor deletes the other's rows, full refresh
 * included; bookmarks are per organisation.
 */
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowFailedError } from '@temporalio/client';
import { organizationsFromEnv } from '../src/config/organizations';
import type { SyncRequestInput } from '../src/config/request';
import { DuckDbDestination } from '../src/destinations/duckdb';
import { startSimulator, SIMULATOR_KEYS, type Simulator } from '../src/simulator';
import { createWorker } from '../src/worker';
import { datadogSync } from '../src/workflows';
import type { SyncResult } from '../src/workflows/types';
import { defaultWorkflowId } from '../src/cli/run-sync';
import { parseSyncRequest } from '../src/config/request';
import type { QueryableDestination } from './helpers/destinations';
import { dropSchema, openTestPostgres, uniqueSchema } from './helpers/postgres';
import { tempDir } from './helpers/retriever';
import { startDevServer, workflowBundle } from './helpers/temporal';

const DAY = 86_400_000;
const EU_KEYS = { apiKey: 'eu-api-key', appKey: 'eu-app-key' };

describe.each(['duckdb', 'postgres'] as const)('two organisations into one %s', (kind) => {
  let env: TestWorkflowEnvironment;
  let home: Simulator;
  let eu: Simulator;
  let destination: QueryableDestination;
  let schema: string | undefined;
  const now = Date.now();
  const start = new Date(now - 2 * DAY).toISOString();

  beforeAll(async () => {
    env = await startDevServer();
    // One seed: the same dashboard and log ids in both organisations, on purpose.
    home = await startSimulator({ seed: 77, dashboards: 40, logs: { count: 600, from: now - 2 * DAY, to: now - 60_000 } });
    eu = await startSimulator({ seed: 77, dashboards: 30, logs: { count: 400, from: now - 2 * DAY, to: now - 60_000 }, ...EU_KEYS });
    if (kind === 'duckdb') destination = await DuckDbDestination.open(join(tempDir(), 'orgs.duckdb'));
    else destination = await openTestPostgres((schema = uniqueSchema('orgs')));
  });
  afterAll(async () => {
    await destination?.close();
    if (schema) await dropSchema(schema);
    await home?.close();
    await eu?.close();
    await env?.teardown();
  });

  let runs = 0;
  async function sync(request: SyncRequestInput): Promise<{ result?: SyncResult; error?: unknown }> {
    const taskQueue = `orgs-${kind}-${++runs}`;
    const { worker, close } = await createWorker({
      connection: env.nativeConnection,
      taskQueue,
      credentials: SIMULATOR_KEYS,
      baseUrl: home.url,
      // As the worker's environment would hold them: DD_API_KEY__EU, DD_APP_KEY__EU, DD_BASE_URL__EU.
      organizations: organizationsFromEnv({ DD_API_KEY__EU: EU_KEYS.apiKey, DD_APP_KEY__EU: EU_KEYS.appKey, DD_BASE_URL__EU: eu.url }),
      destination,
      workflowBundle: await workflowBundle(),
    });
    try {
      const workflowId = `${defaultWorkflowId(parseSyncRequest(request, Date.now()))}-${kind}-${runs}`;
      const result = await worker.runUntil(env.client.workflow.execute(datadogSync, { taskQueue, workflowId, args: [request] }));
      return { result };
    } catch (error) {
      return { error };
    } finally {
      await close();
    }
  }

  async function ids(table: string, organization: string): Promise<string[]> {
    const rows = await destination.query(`SELECT id FROM ${table} WHERE _retriever_organization = $1`, [organization]);
    return rows.map((r) => String(r.id)).sort();
  }

  it('keeps each organisation\'s rows apart, though their ids overlap', async () => {
    const request = { streams: ['dashboards', 'logs'], start_date: start, lag: '0s' };
    expect((await sync(request)).result?.status).toBe('completed');
    expect((await sync({ ...request, organization: 'eu' })).result?.status).toBe('completed');
    expect(await ids('dashboards', 'default')).toEqual(home.world.groundTruth('dashboards'));
    expect(await ids('dashboards', 'eu')).toEqual(eu.world.groundTruth('dashboards'));
    expect(await ids('logs', 'default')).toEqual(home.world.groundTruth('logs'));
    expect(await ids('logs', 'eu')).toEqual(eu.world.groundTruth('logs'));
    // The overlap is real: the same ids, once per organisation.
    const shared = eu.world.groundTruth('dashboards').filter((id) => home.world.groundTruth('dashboards').includes(id));
    expect(shared.length).toBe(30);
    // Each organisation's requests went to its own API with its own keys.
    expect(eu.requests.every((r) => r.status !== 403)).toBe(true);
    expect(await destination.readBookmark('logs', 'eu')).not.toEqual(await destination.readBookmark('logs', 'default'));
  });

  it("removes on full refresh only the refreshed organisation's vanished rows", async () => {
    const gone = eu.world.dashboards.splice(0, 5).map((d) => d.id);
    const { result } = await sync({ streams: ['dashboards'], organization: 'eu' });
    expect(result?.streams[0]).toMatchObject({ stream: 'dashboards', status: 'completed' });
    expect(await ids('dashboards', 'eu')).not.toEqual(expect.arrayContaining(gone));
    expect(await ids('dashboards', 'eu')).toEqual(eu.world.groundTruth('dashboards'));
    // The same ids are still the default organisation's.
    expect(await ids('dashboards', 'default')).toEqual(expect.arrayContaining(gone));
    expect(await ids('dashboards', 'default')).toEqual(home.world.groundTruth('dashboards'));
  });

  it('fails an organisation whose keys the worker lacks, naming the variables to set', async () => {
    const { error } = await sync({ streams: ['dashboards'], organization: 'apac' });
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const message = String((error as WorkflowFailedError).cause?.message);
    expect(message).toContain('DD_API_KEY__APAC: not set (the Datadog API key of organization "apac")');
    expect(message).toContain('DD_APP_KEY__APAC: not set');
  });
});
