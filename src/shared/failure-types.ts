/** Failure types raised by activities and acted on by workflows. Pure data: both sides import it. */
export const FAILURE = {
  auth: 'DatadogAuthFailed',
  forbidden: 'DatadogForbidden',
  bad_request: 'DatadogBadRequest',
  not_found: 'DatadogNotFound',
  rate_limited: 'DatadogRateLimited',
  server: 'DatadogServerError',
  network: 'DatadogNetworkError',
  timeout: 'DatadogTimeout',
  malformed: 'DatadogMalformedResponse',
  truncated: 'DatadogTruncatedResponse',
  too_large: 'DatadogResponseTooLarge',
  partial: 'DatadogPartialResults',
  /** An endpoint without paging returned its most records a call for a window too short to split: the rest cannot be read. */
  capped: 'DatadogResultsCapped',
  /** A page failed (5xx, network, timeout, bad body) more often than the retry bound allows. */
  retriesExhausted: 'FetchRetriesExhausted',
  invalidRequest: 'InvalidSyncRequest',
  invalidApiKey: 'InvalidApiKey',
  invalidAppKey: 'InvalidApplicationKey',
  destinationUnavailable: 'DestinationUnavailable',
  /** Datadog or the destination stayed unavailable past `max_outage`. */
  outageTooLong: 'OutageTooLong',
  /** A workflow input that carries a secret: refused before anything runs with it. */
  secretInRequest: 'SecretInRequest',
} as const;

/** Retrying these cannot help: a key, a permission, or the request itself is wrong. */
export const NON_RETRYABLE = [
  FAILURE.auth,
  FAILURE.forbidden,
  FAILURE.bad_request,
  FAILURE.not_found,
  FAILURE.too_large,
  FAILURE.retriesExhausted,
  FAILURE.invalidRequest,
  FAILURE.invalidApiKey,
  FAILURE.invalidAppKey,
];

/**
 * Failures time may cure: Datadog or the destination unreachable, failing or timing out, past the
 * activity's quick retries. A stream waits these out durably (workflows/outage.ts) up to max_outage.
 */
export const OUTAGE = [FAILURE.server, FAILURE.network, FAILURE.timeout, FAILURE.truncated, FAILURE.retriesExhausted, FAILURE.destinationUnavailable];

/** A stream answering these is not readable with these keys (missing permission, feature off). */
export const STREAM_UNAVAILABLE = [FAILURE.forbidden, FAILURE.not_found];
