import { ActivityFailure, ApplicationFailure, sleep } from '@temporalio/workflow';
import { FAILURE, OUTAGE } from '../shared/failure-types';

/**
 * Waiting out an outage. An activity's quick retries (seconds to a minute) cover a fault; when they
 * are spent because Datadog or the destination is down, the workflow waits on a durable, named timer
 * (no worker slot held, shown in the Web UI) and calls again, with growing waits, until the waits add
 * up to `max_outage`. Only then does it fail. Rate-limit waits happen elsewhere and never count.
 */

/** Where an outage stands: durable state, carried across continue-as-new. */
export interface OutageState {
  /** Workflow time the outage was first seen (epoch ms). */
  since: number;
  /** Waits so far, and their total. */
  waits: number;
  waitedMs: number;
  /** What is down, and the last failure seen. */
  what: string;
  lastError: string;
}

/** The waits between calls: growing from 30 s, doubling, to at most 15 minutes. */
export function outageWaitMs(waitsSoFar: number): number {
  return Math.min(30_000 * 2 ** waitsSoFar, 15 * 60_000);
}

/** The failure, when it is one that time may cure: Datadog or the destination unreachable or failing. */
export function outageFailure(err: unknown): ApplicationFailure | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  return cause instanceof ApplicationFailure && OUTAGE.includes(cause.type as never) ? cause : undefined;
}

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

export function duration(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round((ms / 3_600_000) * 10) / 10} h`;
}

/** The line the Web UI and `retriever status` show while a stream waits. */
export function outageMessage(outage: OutageState, nextAt: number, maxOutageMs: number): string {
  return (
    `waiting for ${outage.what} since ${clock(outage.since)} UTC (${outage.lastError}); ` +
    `next try at ${clock(nextAt)}, giving up after ${duration(maxOutageMs)} of waiting (max_outage)`
  );
}

/** Where an outage's durable state lives, and how the waiting is shown. */
export interface OutageContext {
  get(): OutageState | undefined;
  set(outage: OutageState | undefined): void;
  /** Shows what the stream waits for (undefined once it goes on). */
  show(message: string | undefined): void;
  maxOutageMs: number;
}

/**
 * Calls `call` until it succeeds, waiting out outages in between. Any other failure, and an outage
 * longer than `max_outage`, is thrown: the first as it is, the second with how long it lasted.
 */
export async function outlast<T>(context: OutageContext, call: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      const result = await call();
      if (context.get()) {
        context.set(undefined);
        context.show(undefined);
      }
      return result;
    } catch (err) {
      const failure = outageFailure(err);
      if (!failure) throw err;
      const what = failure.type === FAILURE.destinationUnavailable ? 'the destination' : 'Datadog';
      const previous = context.get();
      const outage: OutageState = { since: previous?.since ?? Date.now(), waits: previous?.waits ?? 0, waitedMs: previous?.waitedMs ?? 0, what, lastError: failure.message };
      const waitMs = outageWaitMs(outage.waits);
      if (outage.waitedMs + waitMs > context.maxOutageMs) {
        context.set(undefined);
        throw ApplicationFailure.create({
          message: `${what} was unavailable for ${duration(Date.now() - outage.since)}, past max_outage (${duration(context.maxOutageMs)} of waiting); the last failure: ${failure.message}`,
          type: FAILURE.outageTooLong,
          nonRetryable: true,
        });
      }
      context.set({ ...outage, waits: outage.waits + 1, waitedMs: outage.waitedMs + waitMs });
      const message = outageMessage(outage, Date.now() + waitMs, context.maxOutageMs);
      context.show(message);
      await sleep(waitMs, { summary: `${what} unavailable: waiting ${duration(waitMs)} before trying again` });
    }
  }
}
