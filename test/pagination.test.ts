import { effectivePageSize, nextPageState, pageParams } from '../src/datadog/pagination';
import { getStream, STREAMS } from '../src/datadog/streams/table';
import type { Pagination } from '../src/datadog/streams/types';

const cursor: Pagination = { kind: 'cursor', cursorParam: 'page[cursor]', limitParam: 'page[limit]', nextCursorPath: 'meta.page.after', maxPageSize: 1000 };
const offset: Pagination = { kind: 'offset', offsetParam: 'start', limitParam: 'count', maxPageSize: 1000 };
const page: Pagination = { kind: 'page', pageParam: 'page[number]', sizeParam: 'page[size]', maxPageSize: 100 };

describe('cursor pagination', () => {
  it('asks for the first page without a cursor, then follows it', () => {
    expect(pageParams(cursor, {}, 1000)).toEqual({ 'page[limit]': 1000 });
    expect(pageParams(cursor, { cursor: 'abc' }, 1000)).toEqual({ 'page[limit]': 1000, 'page[cursor]': 'abc' });
  });

  it('goes on after a short page that carries a cursor', () => {
    expect(nextPageState(cursor, {}, { meta: { page: { after: 'next' } } }, 3, 1000)).toEqual({ cursor: 'next' });
  });

  it('ends on a missing or empty cursor, or an empty page', () => {
    expect(nextPageState(cursor, {}, { meta: {} }, 1000, 1000)).toBeNull();
    expect(nextPageState(cursor, {}, { meta: { page: { after: '' } } }, 1000, 1000)).toBeNull();
    expect(nextPageState(cursor, { cursor: 'x' }, { meta: { page: { after: 'y' } } }, 0, 1000)).toBeNull();
  });

  it('reads the cursor where the endpoint keeps it (metrics: meta.pagination.next_cursor, null at the end)', () => {
    const metrics = getStream('metrics').pagination;
    expect(nextPageState(metrics, {}, { meta: { pagination: { next_cursor: 'c2' } } }, 10, 10_000)).toEqual({ cursor: 'c2' });
    expect(nextPageState(metrics, { cursor: 'c2' }, { meta: { pagination: { next_cursor: null } } }, 10, 10_000)).toBeNull();
  });
});

describe('offset and page-number pagination', () => {
  it('advances an offset by the records received and ends on a short page', () => {
    expect(pageParams(offset, {}, 50)).toEqual({ count: 50, start: 0 });
    expect(nextPageState(offset, { offset: 100 }, {}, 50, 50)).toEqual({ offset: 150 });
    expect(nextPageState(offset, { offset: 100 }, {}, 49, 50)).toBeNull();
  });

  it('counts pages from 0 and ends on a short page', () => {
    expect(pageParams(page, {}, 100)).toEqual({ 'page[size]': 100, 'page[number]': 0 });
    expect(nextPageState(page, { page: 2 }, {}, 100, 100)).toEqual({ page: 3 });
    expect(nextPageState(page, { page: 2 }, {}, 0, 100)).toBeNull();
  });

  it('counts pages from 1 where the endpoint starts there (cases), and still ends on a short page', () => {
    const fromOne: Pagination = { ...page, firstPage: 1 };
    expect(pageParams(fromOne, {}, 100)).toEqual({ 'page[size]': 100, 'page[number]': 1 });
    expect(nextPageState(fromOne, {}, {}, 100, 100)).toEqual({ page: 2 });
    expect(pageParams(fromOne, { page: 2 }, 100)).toEqual({ 'page[size]': 100, 'page[number]': 2 });
    expect(nextPageState(fromOne, { page: 2 }, {}, 99, 100)).toBeNull();
    expect(pageParams(getStream('cases').pagination, {}, 100)).toMatchObject({ 'page[number]': 1 });
  });

  it('reads everything at once for endpoints without paging', () => {
    expect(pageParams({ kind: 'none' }, {}, 0)).toEqual({});
    expect(nextPageState({ kind: 'none' }, {}, {}, 5000, 0)).toBeNull();
  });
});

describe('page size', () => {
  it("is the endpoint's maximum unless the config lowers it, and never above it", () => {
    expect(effectivePageSize(cursor, undefined)).toBe(1000);
    expect(effectivePageSize(cursor, 250)).toBe(250);
    expect(effectivePageSize(page, 5000)).toBe(100);
    expect(effectivePageSize({ kind: 'none' }, 5000)).toBe(0);
  });

  it('is at the maximum Datadog documents for each endpoint', () => {
    const max = Object.fromEntries(STREAMS.filter((s) => s.pagination.kind !== 'none').map((s) => [s.name, effectivePageSize(s.pagination, undefined)]));
    expect(max).toMatchObject({ logs: 1000, audit_logs: 1000, events: 1000, rum_events: 1000, spans: 1000, incidents: 100, users: 100, roles: 100, teams: 100, monitors: 1000, hosts: 1000, metrics: 10_000 });
  });
});
