/** Results of API and browser synthetic tests, made tick by tick from each test's schedule. */
import { between, hashUnit, pick, seededRandom } from '../../random';
import { DAY, type Json } from './shared';

/** How far back synthetic results go in this organisation. */
const RESULTS_HISTORY_MS = 30 * DAY;

/** A result id as Datadog writes them: the decimal text of a 63-bit integer. */
function resultId(text: string): string {
  const high = BigInt(Math.floor(hashUnit(`${text}#h`) * 2 ** 31));
  const low = BigInt(Math.floor(hashUnit(`${text}#l`) * 2 ** 32));
  return ((high << 32n) + low).toString();
}

/** Test types whose results Datadog lists, and the other two it has no results endpoint for. */
export const RESULT_TYPES = ['api', 'browser'] as const;

export interface StoredResult {
  checkTime: number;
  record: Json;
}

const DEVICES = [
  { id: 'chrome.laptop_large', name: 'Laptop Large', height: 1100, width: 1440, isMobile: false, browser: 'chrome' },
  { id: 'firefox.tablet', name: 'Tablet', height: 1024, width: 768, isMobile: true, browser: 'firefox' },
  { id: 'edge.laptop_large', name: 'Laptop Large', height: 1100, width: 1440, isMobile: false, browser: 'edge' },
];

function resultRecord(type: string, key: string, checkTime: number, location: string): Json {
  const random = seededRandom(Math.floor(hashUnit(key) * 2 ** 32));
  const roll = random();
  const status = roll < 0.9 ? 0 : roll < 0.98 ? 1 : 2;
  const passed = status === 0;
  const result_id = resultId(key);
  if (type === 'browser') {
    const device = pick(random, DEVICES);
    const steps = between(random, 3, 9);
    return {
      status,
      check_time: checkTime,
      check_version: 2,
      result: {
        runType: 0,
        tunnel: false,
        errorMessage: passed ? null : 'Element not found',
        timings: null,
        stepCountTotal: steps,
        stepCountCompleted: passed ? steps : between(random, 0, steps - 1),
        duration: between(random, 2_000, 20_000),
        deviceId: device.id,
        passed,
        device,
        errorCount: passed ? 0 : between(random, 1, 3),
      },
      probe_dc: location,
      result_id,
      device_id: device.id,
    };
  }
  const ms = (min: number, max: number) => Math.round((min + random() * (max - min)) * 10) / 10;
  const timings = { dns: ms(0.5, 50), tcp: ms(1, 10), ssl: ms(5, 40), firstByte: ms(10, 200), download: ms(0.1, 5) };
  return {
    status,
    check_time: checkTime,
    check_version: 1,
    result: { tunnel: false, errorMessage: passed ? null : 'Assertion failed: status code is 503', timings: { ...timings, total: Math.round(Object.values(timings).reduce((a, b) => a + b, 0) * 10) / 10 }, passed, runType: 0 },
    probe_dc: location,
    result_id,
  };
}

/**
 * One test's results: every location runs at each tick (`tick_every`), in the same second at a few
 * milliseconds apart, as Datadog schedules them. The first test of the organisation runs exactly on
 * the second and its ticks divide the day, so results fall exactly on window edges. Results indexed
 * late (`late`) are kept apart and merged in.
 */
export class TestResults {
  readonly late: StoredResult[] = [];
  private readonly tickMs: number;
  private readonly phaseMs: number;
  private readonly offsets: number[];
  private readonly since: number;
  private readonly until: number;

  constructor(
    readonly test: Json,
    index: number,
    created: number,
  ) {
    const id = String(test.public_id);
    this.tickMs = Number((test.options as Json).tick_every) * 1000;
    const locations = test.locations as string[];
    this.phaseMs = index === 0 ? 0 : Math.floor(hashUnit(`${id}:phase`) * (this.tickMs / 1000 - 1)) * 1000;
    this.offsets = locations.map((_, l) => (index === 0 && l === 0 ? 0 : Math.floor(hashUnit(`${id}:${l}`) * 1000)));
    this.since = created - RESULTS_HISTORY_MS;
    // A paused test stopped producing results some days ago.
    this.until = test.status === 'paused' ? created - DAY - Math.floor(hashUnit(`${id}:paused`) * 3 * DAY) : Infinity;
  }

  /** Results with from <= check_time <= to (both in ms) that `keep` keeps, newest first, at most `limit`. */
  newest(from: number, to: number, limit: number, keep: (result: StoredResult) => boolean = () => true): StoredResult[] {
    const out: StoredResult[] = [];
    const ticks = this.ticksDown(from, Math.min(to, this.until));
    const late = this.late.filter((r) => r.checkTime >= from && r.checkTime <= to)[Symbol.iterator]();
    let a = ticks.next();
    let b = late.next();
    while (out.length < limit && (!a.done || !b.done)) {
      let next: StoredResult;
      if (b.done || (!a.done && a.value.checkTime >= b.value.checkTime)) {
        next = a.value as StoredResult;
        a = ticks.next();
      } else {
        next = b.value;
        b = late.next();
      }
      if (keep(next)) out.push(next);
    }
    return out;
  }

  private *ticksDown(from: number, to: number): Generator<StoredResult> {
    if (!(this.tickMs > 0)) return;
    const type = String(this.test.type);
    const locations = this.test.locations as string[];
    const order = locations.map((_, l) => l).sort((x, y) => this.offsets[y] - this.offsets[x]);
    const low = Math.max(from, this.since);
    for (let k = Math.floor((to - this.phaseMs) / this.tickMs); ; k--) {
      const base = k * this.tickMs + this.phaseMs;
      if (base + 999 < low) return;
      for (const l of order) {
        const checkTime = base + this.offsets[l];
        if (checkTime > to || checkTime < low) continue;
        yield { checkTime, record: resultRecord(type, `${this.test.public_id}:${k}:${l}`, checkTime, locations[l]) };
      }
    }
  }

  /** Adds a result as if indexed late (its check time may be long past). */
  addLate(checkTime: number, key: string): string {
    const locations = this.test.locations as string[];
    const record = resultRecord(String(this.test.type), `late:${key}`, checkTime, locations[Math.floor(hashUnit(key) * locations.length)]);
    this.late.push({ checkTime, record });
    this.late.sort((x, y) => y.checkTime - x.checkTime);
    return String(record.result_id);
  }
}
