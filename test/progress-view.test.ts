import { barRows } from '../src/cli/progress';
import type { StreamProgress } from '../src/workflows/types';

const stream = (name: string, status: StreamProgress['status'], records: number, extra: Partial<StreamProgress> = {}): StreamProgress => ({
  stream: name,
  status,
  records,
  pages: Math.ceil(records / 100),
  ...extra,
});

const STREAMS: StreamProgress[] = [
  stream('dashboards', 'completed', 40),
  stream('monitors', 'skipped', 0, { message: 'no permission' }),
  stream('logs', 'running', 900, { windowsDone: 1, windowsTotal: 4, window: { from: Date.UTC(2026, 0, 2), to: Date.UTC(2026, 0, 3) } }),
  stream('audit_logs', 'pending', 0),
  stream('spans', 'pending', 0),
];

describe('the live progress bars', () => {
  it('give each stream its bar when they fit', () => {
    const rows = barRows(STREAMS, false);
    expect(rows.map((r) => [r.payload.stream, r.value, r.total, r.payload.state])).toEqual([
      ['dashboards', 1, 1, 'completed'],
      ['monitors', 0, 1, 'skipped'],
      ['logs', 1, 4, 'running'],
      ['audit_logs', 0, 1, 'pending'],
      ['spans', 0, 1, 'pending'],
    ]);
    expect(rows[2].payload.window).toBe('2026-01-02 00:00 → 2026-01-03 00:00');
  });

  it('in the compact view, show the whole sync on one bar and only the streams being read below it', () => {
    const rows = barRows(STREAMS, true);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      value: 2,
      total: 5,
      payload: { stream: 'all streams', state: '2/5 streams done, 1 running, 2 waiting, 1 skipped', records: 940, pages: 10 },
    });
    expect(rows[1].payload).toMatchObject({ stream: 'logs', state: 'running', records: 900 });

    const done = barRows(STREAMS.map((s) => ({ ...s, status: s.status === 'skipped' ? 'skipped' : 'completed' })), true);
    expect(done.map((r) => r.payload.state)).toEqual(['5/5 streams done, 0 running, 0 waiting, 1 skipped']);
  });
});
