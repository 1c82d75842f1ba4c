import { Context } from '@temporalio/activity';

export interface HeartbeatOptions {
  /** What each heartbeat carries; the next attempt reads the last one as `activityInfo().heartbeatDetails`. */
  details?: () => unknown;
  everyMs?: number;
}

/**
 * Heartbeats every `everyMs` while `work` runs, so a worker that dies is noticed within the
 * heartbeat timeout instead of the whole start-to-close timeout. Also hands `work` the activity's
 * cancellation signal so in-flight HTTP is aborted on cancel or shutdown.
 */
export async function withHeartbeat<T>(work: (signal: AbortSignal) => Promise<T>, { details, everyMs = 2_000 }: HeartbeatOptions = {}): Promise<T> {
  const context = Context.current();
  // Always the same details: a bare heartbeat would erase what an earlier attempt left for the next one.
  // None as the work starts: the server times the first heartbeat from the activity's start, and
  // keeps the last attempt's details for the next, so a beat now would only cost a round trip a page.
  const beat = () => context.heartbeat(details?.());
  const timer = setInterval(beat, everyMs);
  try {
    return await work(context.cancellationSignal);
  } finally {
    clearInterval(timer);
  }
}
