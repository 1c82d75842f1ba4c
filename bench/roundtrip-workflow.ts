/** The workflow of bench/temporal-roundtrip.ts: `n` trivial activities, one after the other, as a stream's pages go. */
import { proxyActivities } from '@temporalio/workflow';

const { noop } = proxyActivities<{ noop(): Promise<number> }>({ startToCloseTimeout: '1m', heartbeatTimeout: '10s' });

export async function roundTrips(n: number): Promise<number> {
  let done = 0;
  for (let i = 0; i < n; i++) done += await noop();
  return done;
}
