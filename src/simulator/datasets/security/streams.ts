/** The streams of the security family, by how Datadog serves them, and the sizes a test may choose. */

/** Search-style streams: `filter[from]`/`filter[to]`, a cursor, at most 1000 a page. */
export const SECURITY_SEARCH_STREAMS = ['security_signals', 'ci_pipeline_events', 'ci_test_events'] as const;
export type SecuritySearchStream = (typeof SECURITY_SEARCH_STREAMS)[number];
/** The DORA lists: POST, a time filter, at most 1000 a call, no paging. */
export const DORA_STREAMS = ['dora_deployments', 'dora_failures'] as const;
export type DoraStream = (typeof DORA_STREAMS)[number];
/** Configuration lists, read whole. */
export const SECURITY_LIST_STREAMS = [
  'security_rules',
  'security_findings',
  'security_suppressions',
  'security_filters',
  'apm_retention_filters',
  'span_based_metrics',
  'apm_services',
] as const;
export type SecurityListStream = (typeof SECURITY_LIST_STREAMS)[number];
export type SecurityStream = SecuritySearchStream | DoraStream | SecurityListStream | 'error_tracking_issues';
export const SECURITY_STREAMS: readonly SecurityStream[] = [...SECURITY_SEARCH_STREAMS, ...DORA_STREAMS, ...SECURITY_LIST_STREAMS, 'error_tracking_issues'];

export interface SecurityWorldOptions {
  /** How many of each: events and issues spread over the world's time range, configuration objects. */
  counts?: Partial<Record<SecurityStream, number>>;
  /**
   * One request in this many to a CI Visibility list answers partial results (`meta.status: "timeout"`,
   * half the page and no cursor), as Datadog's search may when it runs out of time. Default: never.
   */
  ciPartialEvery?: number;
}

export const DEFAULT_COUNTS: Record<SecurityStream, number> = {
  security_signals: 150,
  ci_pipeline_events: 200,
  ci_test_events: 200,
  dora_deployments: 120,
  dora_failures: 30,
  error_tracking_issues: 60,
  security_rules: 40,
  security_findings: 90,
  security_suppressions: 6,
  security_filters: 3,
  apm_retention_filters: 4,
  span_based_metrics: 5,
  apm_services: 12,
};
