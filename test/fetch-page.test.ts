import { MockActivityEnvironment } from '@temporalio/testing';
import { createFetchPageActivities } from '../src/activities/fetch-page';
import { DatadogClient } from '../src/datadog/client';
import type { ApiRecord } from '../src/datadog/page';
import type { Destination } from '../src/destinations/destination';
import { SIMULATOR_KEYS, startSimulator, type Simulator } from '../src/simulator';
import type { FetchPageInput, PageSummary } from '../src/workflows/types';

const DAY = 86_400_000;
const FROM = Date.UTC(2025, 0, 1);

describe('fetchPage reading the next page ahead', () => {
  let simulator: Simulator;
  let client: DatadogClient;
  beforeAll(async () => {
    simulator = await startSimulator({ seed: 9, logs: { count: 2_500, from: FROM, to: FROM + DAY } });
    client = new DatadogClient({ baseUrl: simulator.url, credentials: SIMULATOR_KEYS });
  });
  afterAll(async () => {
    await client.close();
    await simulator.close();
  });

  it('asks Datadog for each page once, and has the destination convert the next page before its own fetchPage writes it', async () => {
    const prewritten: ApiRecord[][] = [];
    const written: ApiRecord[][] = [];
    let announced: () => void = () => undefined;
    const destination = {
      prewrite: (_def: unknown, records: ApiRecord[]) => {
        prewritten.push(records);
        announced();
      },
      writePage: async (_def: unknown, records: ApiRecord[]) => (written.push(records), records.length),
    } as unknown as Destination;
    const { fetchPage } = createFetchPageActivities({ datadog: () => client, destination });
    const input = (page: FetchPageInput['page'], pageNumber: number): FetchPageInput => ({
      syncId: 'sync-1',
      stream: 'logs',
      site: 'datadoghq.com',
      window: { from: FROM, to: FROM + DAY },
      page,
      pageSize: 1_000,
      pageNumber,
    });
    const run = (page: FetchPageInput['page'], pageNumber: number) =>
      new MockActivityEnvironment().run(fetchPage, input(page, pageNumber)) as Promise<PageSummary>;
    const logRequests = () => simulator.requests.filter((r) => r.path === '/api/v2/logs/events');

    const second = new Promise<void>((resolve) => (announced = resolve));
    const first = await run({}, 1);
    expect(first.records).toBe(1_000);
    await second;
    // The second page was asked for once, while the first was being written, and handed over converted.
    expect(logRequests()).toHaveLength(2);
    expect(prewritten).toHaveLength(1);

    const next = await run(first.nextPage!, 2);
    expect(next.records).toBe(1_000);
    expect(written[1]).toBe(prewritten[0]);
    // Its own fetchPage sent nothing for it: still one request with its cursor.
    const cursor = (first.nextPage as { cursor: string }).cursor;
    expect(logRequests().filter((r) => r.query['page[cursor]'] === cursor)).toHaveLength(1);
    expect(new Set(written.flat().map((r) => r.id)).size).toBe(2_000);
  });
});
