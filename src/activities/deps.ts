import type { DatadogSite } from '../config/sites';
import type { DatadogClient } from '../datadog/client';
import type { Destination } from '../destinations/destination';
import type { ReadAhead } from './read-ahead';
import type { FetchRetryPolicy } from './retry-budget';

/** What activities close over. Workers build it from their environment; tests pass their own. */
export interface ActivityDeps {
  /**
   * The Datadog client of an organisation (default `default`) on a site: its keys, and its own site
   * or base URL when it has one, are the worker's. Throws InvalidConfigError when the worker has no
   * keys for that organisation.
   */
  datadog: (site: DatadogSite, organization?: string) => DatadogClient;
  destination: Destination;
  now?: () => number;
  /** How a failing page is retried (see retry-budget.ts for the defaults). */
  fetchRetry?: Partial<FetchRetryPolicy>;
  /** Pages read ahead on this worker (one per worker; a new one when not given). */
  readAhead?: ReadAhead;
}
