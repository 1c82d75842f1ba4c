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
  function harness(readAhead: ReadAhead, { failAttempt }: { failAttempt?: number } = {}) {
    const prepared: { records: JsonRecord[]; ahead: boolean }[] = [];
    const written: PreparedPage[] = [];
    /** Every write that ended, in that order, with the sync it was for; and how many were tried. */
    const writes: { records: JsonRecord[]; syncId: string }[] = [];
    let tried = 0;
    const waiters: { count: number; resolve: () => void }[] = [];
    const destination = {
      prepare: async (table: TableSpec, records: JsonRecord[], options?: { yielding?: boolean }) => {
        const page = { table, records, columns: [], rows: records.map(() => ({ cells: [], raw: '' })) };
        prepared.push({ records, ahead: Boolean(options?.yielding) });
        for (const w of waiters) if (prepared.filter((p) => p.ahead).length >= w.count) w.resolve();
        return page;
      },
      writePage: async (page: PreparedPage, syncId: string) => {
        const attempt = ++tried;
        await new Promise((resolve) => setTimeout(resolve, 20));
        if (attempt === failAttempt) throw new Error('the store is away');
        written.push(page);
        writes.push({ records: page.records, syncId });
        return page.rows.length;
      },
    } as unknown as Destination;
    const { fetchPage } = createFetchPageActivities({ datadog: () => client, destination, readAhead });
    const input = (page: FetchPageInput['page'], pageNumber: number, syncId: string): FetchPageInput => ({
      syncId,
      stream: 'logs',
      site: 'datadoghq.com',
      window: { from: FROM, to: FROM + DAY },
      page,
      pageSize: 1_000,
      pageNumber,
    });
    const run = (page: FetchPageInput['page'], pageNumber: number, syncId = 'sync-1') =>
      new MockActivityEnvironment().run(fetchPage, input(page, pageNumber, syncId)) as Promise<PageSummary>;
    const preparedAhead = (count: number) => new Promise<void>((resolve) => waiters.push({ count, resolve }));
    return { prepared, written, writes, tried: () => tried, run, preparedAhead };
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
    await readAhead.close();
  });

  /** The window's first page fetched, once pages 2 and 3 are prepared ahead and page 2's write has begun. */
  async function afterFirstPage(options?: Parameters<typeof harness>[1]) {
    const readAhead = new ReadAhead();
    const h = harness(readAhead, options);
    const bothAhead = h.preparedAhead(2);
    const first = await h.run({}, 1);
    await bothAhead;
    await until(() => h.tried() === 2);
    return { readAhead, ...h, first };
  }

  it("writes the next page read ahead once its own is written, in order, at most one page before that page's fetchPage", async () => {
    // Page 2 is written while page 1's result goes back to the workflow; page 3, prepared too, is not.
    const { readAhead, prepared, writes, run, first } = await afterFirstPage();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(writes.map((w) => w.records)).toEqual([prepared[0].records, prepared[1].records]);
    // Page 2's own fetchPage writes nothing again; once it ends, page 3 is on its way.
    const second = await run(first.nextPage!, 2);
    expect(second.recordCount).toBe(1_000);
    await until(() => writes.length === 3);
    const third = await run(second.nextPage!, 3);
    expect(third.recordCount).toBe(500);
    expect(writes.map((w) => [w.records, w.syncId])).toEqual(prepared.map((p) => [p.records, 'sync-1']));
    await readAhead.close();
  });

  it("writes a page again for another sync that reads it next, after the first sync's write ahead", async () => {
    const { readAhead, prepared, writes, run, first } = await afterFirstPage();
    const second = await run(first.nextPage!, 2, 'sync-2');
    expect(second.recordCount).toBe(1_000);
    // The row's sync is the one whose fetchPage reported the page.
    expect(writes.slice(0, 3).map((w) => [w.records, w.syncId])).toEqual([
      [prepared[0].records, 'sync-1'],
      [prepared[1].records, 'sync-1'],
      [prepared[1].records, 'sync-2'],
    ]);
    await readAhead.close();
  });

  it('writes a page itself when its write ahead failed', async () => {
    // The second write, page 2's ahead, is tried and fails.
    const { readAhead, prepared, writes, run, first } = await afterFirstPage({ failAttempt: 2 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(writes).toHaveLength(1);
    const second = await run(first.nextPage!, 2);
    expect(second.recordCount).toBe(1_000);
    expect(writes.slice(0, 2).map((w) => w.records)).toEqual([prepared[0].records, prepared[1].records]);
    await readAhead.close();
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
    await readAhead.close();
  });
});

/** Resolves once `condition` holds, checking every 10 ms (for up to 5 s). */
async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 5_000) throw new Error('the condition did not come to hold');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
