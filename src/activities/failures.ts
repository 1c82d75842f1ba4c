import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { InvalidConfigError } from '../config/issues';
import { DatadogApiError, type DatadogErrorKind } from '../datadog/errors';
import { DestinationUnavailableError } from '../destinations/destination';
import { FAILURE } from '../shared/failure-types';
import { resetWaitMs } from '../shared/rate-limit';

const FAILURE_TYPES: Record<DatadogErrorKind, string> = {
  auth: FAILURE.auth,
  forbidden: FAILURE.forbidden,
  bad_request: FAILURE.bad_request,
  not_found: FAILURE.not_found,
  rate_limited: FAILURE.rate_limited,
  server: FAILURE.server,
  network: FAILURE.network,
  timeout: FAILURE.timeout,
  malformed: FAILURE.malformed,
  truncated: FAILURE.truncated,
  too_large: FAILURE.too_large,
  partial: FAILURE.partial,
  capped: FAILURE.capped,
};

/** Turns what an activity caught into the failure Temporal should act on; `where` names stream, window and page. */
export function toFailure(err: unknown, where: string): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof DatadogApiError) {
    const rateLimited = err.kind === 'rate_limited';
    return ApplicationFailure.create({
      message: `${where}: ${err.message}`,
      type: FAILURE_TYPES[err.kind],
      nonRetryable: !err.retryable,
      details: [{ status: err.status, errors: err.details.errors ?? [] }],
      // Wait exactly until Datadog's rate-limit period resets, not an exponential guess.
      nextRetryDelay: rateLimited ? resetWaitMs(err.details.rateLimit) : undefined,
      category: rateLimited ? ApplicationFailureCategory.BENIGN : undefined,
    });
  }
  if (err instanceof InvalidConfigError) {
    return ApplicationFailure.create({ message: err.message, type: FAILURE.invalidRequest, nonRetryable: true, details: [err.problems] });
  }
  if (err instanceof DestinationUnavailableError) {
    return ApplicationFailure.create({ message: `${where}: ${err.message}`, type: FAILURE.destinationUnavailable });
  }
  if (err instanceof Error && err.name === 'AbortError') return err;
  const message = err instanceof Error ? err.message : String(err);
  return ApplicationFailure.create({ message: `${where}: ${message}`, type: err instanceof Error ? err.name : 'Error', cause: err instanceof Error ? err : undefined });
}

