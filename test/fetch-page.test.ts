import type { JsonRecord } from '../src/shared/json';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createFetchPageActivities } from '../src/activities/fetch-page';
import { DatadogClient } from '../src/datadog/client';
import { ReadAhead } from '../src/activities/read-ahead';
import type { Destination, PreparedPage, TableSpec } from '../src/destinations/destination';
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

  it('asks Datadog for each page once, and has the destination prepare the next page before its own fetchPage writes it', async () => {
    const prepared: { records: JsonRecord[]; ahead: boolean }[] = [];
    const written: PreparedPage[] = [];
    let preparedAhead: () => void = () => undefined;
    const destination = {
      prepare: async (table: TableSpec, records: JsonRecord[], options?: { yielding?: boolean }) => {
        const page = { table, records, columns: [], rows: records.map(() => ({ cells: [], raw: '' })) };
        prepared.push({ records, ahead: Boolean(options?.yielding) });
        if (options?.yielding) preparedAhead();
        return page;
      },
      writePage: async (page: PreparedPage) => (written.push(page), page.rows.length),
    } as unknown as Destination;
    const readAhead = new ReadAhead();
    const { fetchPage } = createFetchPageActivities({ datadog: () => client, destination, readAhead });
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

    const second = new Promise<void>((resolve) => (preparedAhead = resolve));
    const first = await run({}, 1);
    expect(first.recordCount).toBe(1_000);
    await second;
    // The second page was asked for once, while the first was being written, and prepared ahead.
    expect(logRequests()).toHaveLength(2);
    expect(prepared.map((p) => p.ahead)).toEqual([false, true]);

    const next = await run(first.nextPage!, 2);
    expect(next.recordCount).toBe(1_000);
    // Its own fetchPage wrote the page prepared ahead, and prepared nothing itself.
    expect(written[1].records).toBe(prepared[1].records);
    expect(prepared.filter((p) => !p.ahead)).toHaveLength(1);
    // It sent nothing for it either: still one request with its cursor.
    const cursor = (first.nextPage as { cursor: string }).cursor;
    expect(logRequests().filter((r) => r.query['page[cursor]'] === cursor)).toHaveLength(1);
    expect(new Set(written.flatMap((p) => p.records).map((r) => r.id)).size).toBe(2_000);
    readAhead.close();
  });
});
