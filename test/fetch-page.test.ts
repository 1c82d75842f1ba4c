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

  /** fetchPage on a destination that records what it prepared (and whether ahead) and wrote. */
  function harness(readAhead: ReadAhead) {
    const prepared: { records: JsonRecord[]; ahead: boolean }[] = [];
    const written: PreparedPage[] = [];
    const waiters: { count: number; resolve: () => void }[] = [];
    const destination = {
      prepare: async (table: TableSpec, records: JsonRecord[], options?: { yielding?: boolean }) => {
        const page = { table, records, columns: [], rows: records.map(() => ({ cells: [], raw: '' })) };
        prepared.push({ records, ahead: Boolean(options?.yielding) });
        for (const w of waiters) if (prepared.filter((p) => p.ahead).length >= w.count) w.resolve();
        return page;
      },
      writePage: async (page: PreparedPage) => (written.push(page), page.rows.length),
    } as unknown as Destination;
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
    const preparedAhead = (count: number) => new Promise<void>((resolve) => waiters.push({ count, resolve }));
    return { prepared, written, run, preparedAhead };
  }
  const logRequests = () => simulator.requests.filter((r) => r.path === '/api/v2/logs/events');

  it('asks Datadog for each page once, reading the next pages of the window ahead while the first is written, and has the destination prepare them', async () => {
    const readAhead = new ReadAhead();
    const { prepared, written, run, preparedAhead } = harness(readAhead);
    const before = logRequests().length;
    const bothAhead = preparedAhead(2);
    const first = await run({}, 1);
    expect(first.recordCount).toBe(1_000);
    await bothAhead;
    // 2,500 logs: pages 2 and 3 were asked for once each, one after the other, and prepared ahead.
    expect(logRequests().length - before).toBe(3);
    expect(prepared.map((p) => p.ahead)).toEqual([false, true, true]);

    const second = await run(first.nextPage!, 2);
    const third = await run(second.nextPage!, 3);
    expect([second.recordCount, third.recordCount]).toEqual([1_000, 500]);
    expect(third.nextPage ?? undefined).toBeUndefined();
    // Their own fetchPages wrote the pages prepared ahead, prepared nothing themselves and sent nothing.
    expect(written[1].records).toBe(prepared[1].records);
    expect(written[2].records).toBe(prepared[2].records);
    expect(prepared.filter((p) => !p.ahead)).toHaveLength(1);
    expect(logRequests().length - before).toBe(3);
    expect(new Set(written.flatMap((p) => p.records).map((r) => r.id)).size).toBe(2_500);
    readAhead.close();
  });

  it('reads no more pages of a window ahead than it may, and the next one once a page is taken', async () => {
    const readAhead = new ReadAhead(1);
    const { written, run, preparedAhead } = harness(readAhead);
    const before = logRequests().length;
    const secondAhead = preparedAhead(1);
    const first = await run({}, 1);
    await secondAhead;
    await new Promise((resolve) => setTimeout(resolve, 200));
    // One page ahead at most: page 3 waits.
    expect(logRequests().length - before).toBe(2);
    const thirdAhead = preparedAhead(2);
    const second = await run(first.nextPage!, 2);
    await thirdAhead;
    // Taking page 2 sent page 3's request, once.
    expect(logRequests().length - before).toBe(3);
    const third = await run(second.nextPage!, 3);
    expect(third.recordCount).toBe(500);
    expect(logRequests().length - before).toBe(3);
    expect(new Set(written.flatMap((p) => p.records).map((r) => r.id)).size).toBe(2_500);
    readAhead.close();
  });
});
