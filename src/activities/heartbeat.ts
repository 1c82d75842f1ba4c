import { Context } from '@temporalio/activity';

/**
 * Heartbeats every `everyMs` while `work` runs, so a worker that dies is noticed within the
 * heartbeat timeout instead of the whole start-to-close timeout. Also hands `work` the activity's
 * cancellation signal so in-flight HTTP is aborted on cancel or shutdown.
 */
export async function withHeartbeat<T>(work: (signal: AbortSignal) => Promise<T>, everyMs = 2_000): Promise<T> {
  const context = Context.current();
  context.heartbeat();
  const timer = setInterval(() => context.heartbeat(), everyMs);
  try {
    return await work(context.cancellationSignal);
  } finally {
    clearInterval(timer);
  }
}
