/**
 * A search stream's records, sorted by (time, id) and read by position, so a page is found by
 * binary search and only its own records are built. Generated datasets, which tests and benchmarks
 * make millions of, are kept as their times and generation order only (12 bytes a record) and made
 * on demand.
 */
import type { Timed } from './data';
import type { SearchRecord } from './datasets/events';

export interface SortedRecords {
  readonly length: number;
  time(i: number): number;
  id(i: number): string;
  record(i: number): SearchRecord;
  /** All of them as objects, for adding records and for ground truth. */
  all(): Timed<SearchRecord>[];
}

/** Records held as objects (every dataset of a small world, and logs once some were added). */
export class TimedList implements SortedRecords {
  constructor(private readonly items: Timed<SearchRecord>[]) {}
  get length(): number {
    return this.items.length;
  }
  time(i: number): number {
    return this.items[i].ts;
  }
  id(i: number): string {
    return this.items[i].record.id;
  }
  record(i: number): SearchRecord {
    return this.items[i].record;
  }
  all(): Timed<SearchRecord>[] {
    return this.items;
  }
}

/** How a generated dataset makes its record number `index` alone, and reads that record's time alone. */
export interface RecordSource {
  at(index: number): Timed<SearchRecord>;
  timeAt(index: number): number;
}

/**
 * A generated dataset (`generateLogs`, `generateSearchRecords`) sorted by (time, id) without holding a
 * record: each record is a pure function of its generation index, so only the sorted times and
 * indexes are stored (12 bytes a record), and a page builds just its own records.
 */
export class GeneratedRecords implements SortedRecords {
  private readonly times: Float64Array;
  private readonly order: Uint32Array;

  private constructor(
    private readonly source: RecordSource,
    times: Float64Array,
    order: Uint32Array,
  ) {
    this.times = times;
    this.order = order;
  }

  /** Undefined when the packed sort keys would not fit (a range of centuries, billions of records): use objects then. */
  static create(source: RecordSource, count: number, from: number, to: number): GeneratedRecords | undefined {
    const bits = Math.max(1, Math.ceil(Math.log2(count + 1)));
    if (count === 0 || count > 0xffffffff || (to - from) * 2 ** bits >= 2 ** 63) return undefined;
    // One key per record: its time offset above its index, so a native numeric sort orders by (time, index).
    const keys = new BigUint64Array(count);
    const shift = BigInt(bits);
    for (let i = 0; i < count; i++) keys[i] = (BigInt(source.timeAt(i) - from) << shift) | BigInt(i);
    keys.sort();
    const mask = (1n << shift) - 1n;
    const times = new Float64Array(count);
    const order = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      times[i] = Number(keys[i] >> shift) + from;
      order[i] = Number(keys[i] & mask);
    }
    const records = new GeneratedRecords(source, times, order);
    records.sortTiesById();
    return records;
  }

  /** Records of the same millisecond go by id, as `compareTimed` orders them (stable: equal ids keep generation order). */
  private sortTiesById(): void {
    for (let start = 0; start < this.times.length; ) {
      let end = start + 1;
      while (end < this.times.length && this.times[end] === this.times[start]) end++;
      if (end - start > 1) {
        const run = Array.from(this.order.subarray(start, end), (index) => ({ index, id: this.source.at(index).record.id }));
        run.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        run.forEach((r, k) => (this.order[start + k] = r.index));
      }
      start = end;
    }
  }

  get length(): number {
    return this.times.length;
  }
  time(i: number): number {
    return this.times[i];
  }
  id(i: number): string {
    return this.source.at(this.order[i]).record.id;
  }
  record(i: number): SearchRecord {
    return this.source.at(this.order[i]).record;
  }
  all(): Timed<SearchRecord>[] {
    return Array.from({ length: this.length }, (_, i) => this.source.at(this.order[i]));
  }
}

/** The first position at which `reached` holds; it must hold from some position on, never before. */
function firstWhere(records: SortedRecords, reached: (position: number) => boolean): number {
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (reached(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The first position whose time is at least `ts`. */
export function lowerBound(records: SortedRecords, ts: number): number {
  return firstWhere(records, (i) => records.time(i) >= ts);
}

/** The first position whose (time, id) comes after `key`. */
export function upperBoundKey(records: SortedRecords, key: { ts: number; id: string }): number {
  return firstWhere(records, (i) => {
    const ts = records.time(i);
    return ts > key.ts || (ts === key.ts && records.id(i) > key.id);
  });
}

/** The first position whose (time, id) is at or after `key`. */
export function lowerBoundKey(records: SortedRecords, key: { ts: number; id: string }): number {
  return firstWhere(records, (i) => {
    const ts = records.time(i);
    return ts > key.ts || (ts === key.ts && records.id(i) >= key.id);
  });
}
