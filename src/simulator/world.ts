import { compareLogs, generateDashboards, generateLogs, type DashboardRecord, type StoredLog } from './data';

export interface WorldOptions {
  seed?: number;
  dashboards?: number;
  /** Logs spread over [from, to); only those at or before the clock's now are visible. */
  logs?: { count: number; from: number; to: number };
  /** The simulator's now; tests may pin it. */
  clock?: () => number;
}

/** The simulated organisation: its data, and the ground truth tests compare against. */
export class World {
  readonly clock: () => number;
  readonly dashboards: DashboardRecord[];
  /** Sorted by (time, id). */
  private logs: StoredLog[];
  private nextSeed: number;

  constructor(options: WorldOptions = {}) {
    const seed = options.seed ?? 1;
    this.clock = options.clock ?? Date.now;
    const now = this.clock();
    this.dashboards = generateDashboards(seed, options.dashboards ?? 25, now);
    const logs = options.logs ?? { count: 5_000, from: now - 3 * 86_400_000, to: now };
    this.logs = generateLogs(seed, logs.count, logs.from, logs.to).sort(compareLogs);
    this.nextSeed = seed + 1_000_003;
  }

  /** Adds logs as if they had just been indexed (for incremental-sync tests). */
  addLogs(count: number, from: number, to: number): string[] {
    const added = generateLogs(this.nextSeed++, count, from, to);
    this.logs = [...this.logs, ...added].sort(compareLogs);
    return added.map((l) => l.record.id);
  }

  /** Visible logs with from <= time < to, in time order. */
  logsBetween(from: number, to: number): StoredLog[] {
    const end = Math.min(to, this.clock() + 1);
    const first = lowerBound(this.logs, from);
    const out: StoredLog[] = [];
    for (let i = first; i < this.logs.length && this.logs[i].ts < end; i++) out.push(this.logs[i]);
    return out;
  }

  /** The ids a correct sync must hold, per stream. */
  groundTruth(stream: string, window?: { from: number; to: number }): string[] {
    switch (stream) {
      case 'dashboards':
        return this.dashboards.map((d) => d.id).sort();
      case 'logs':
        return this.logsBetween(window?.from ?? 0, window?.to ?? Number.MAX_SAFE_INTEGER)
          .map((l) => l.record.id)
          .sort();
      default:
        throw new Error(`the simulator has no stream "${stream}"`);
    }
  }
}

function lowerBound(logs: StoredLog[], ts: number): number {
  let lo = 0;
  let hi = logs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (logs[mid].ts < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
