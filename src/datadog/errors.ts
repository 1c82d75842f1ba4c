import type { RateLimitInfo } from '../shared/rate-limit';

/** What went wrong talking to Datadog, in the terms that decide what to do next. */
export type DatadogErrorKind =
  | 'auth' //          401: a key is wrong
  | 'forbidden' //     403: a key is wrong, or the application key lacks a permission
  | 'bad_request' //   400/422: a bug or a bad config; retrying cannot help
  | 'not_found' //     404: the endpoint or feature is not available to this org
  | 'rate_limited' //  429: wait for the reset, then retry
  | 'server' //        5xx
  | 'network' //       connection refused or reset, DNS, TLS
  | 'timeout' //       no headers or body in time
  | 'malformed' //     a body that is not the JSON the endpoint promises
  | 'truncated' //     the connection closed before the whole body arrived
  | 'too_large' //     a body over the client's size limit: the same request would be as large again
  | 'partial' //       200 with `meta.status: timeout` or warnings: results may be incomplete
  | 'capped'; //       a full answer from an endpoint without paging, in a window too short to split

const RETRYABLE: ReadonlySet<DatadogErrorKind> = new Set(['rate_limited', 'server', 'network', 'timeout', 'malformed', 'truncated', 'partial']);

export class DatadogApiError extends Error {
  constructor(
    readonly kind: DatadogErrorKind,
    message: string,
    readonly details: { status?: number; path?: string; errors?: string[]; rateLimit?: RateLimitInfo } = {},
  ) {
    super(message);
    this.name = 'DatadogApiError';
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }

  get status(): number | undefined {
    return this.details.status;
  }
}

export function kindForStatus(status: number): DatadogErrorKind | null {
  if (status < 400) return null;
  if (status === 401) return 'auth';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server';
  return 'bad_request';
}

/**
 * How Datadog refuses a child organisation's keys on an endpoint only parent-level organisations may
 * call (recorded answers: a 400 "API called with non-parent org keys. Data is only available at the
 * root level org"). It is a refusal of these keys, as a 403 is, not a malformed request.
 */
export const NON_PARENT_ORG_REFUSAL = /non-parent org keys/i;

/** The kind of an error answer: its status's, except a 400 that is Datadog refusing a child organisation. */
export function kindForAnswer(status: number, errors: readonly string[]): DatadogErrorKind | null {
  const kind = kindForStatus(status);
  return kind === 'bad_request' && errors.some((e) => NON_PARENT_ORG_REFUSAL.test(e)) ? 'forbidden' : kind;
}

/** Datadog error bodies carry `errors` as strings or as JSON:API objects; both become readable lines. */
export function errorMessages(body: unknown): string[] {
  if (!body || typeof body !== 'object' || !Array.isArray((body as { errors?: unknown }).errors)) return [];
  return ((body as { errors: unknown[] }).errors).map((e) => {
    if (typeof e === 'string') return e;
    if (e && typeof e === 'object') {
      const { title, detail } = e as { title?: string; detail?: string };
      return [title, detail].filter(Boolean).join(': ') || JSON.stringify(e);
    }
    return String(e);
  });
}

export function parseRateLimit(headers: Record<string, string | string[] | undefined>): RateLimitInfo | undefined {
  const num = (name: string): number | undefined => {
    const raw = headers[name];
    const value = Number(Array.isArray(raw) ? raw[0] : raw);
    return raw === undefined || Number.isNaN(value) ? undefined : value;
  };
  const name = headers['x-ratelimit-name'];
  const info: RateLimitInfo = {
    limit: num('x-ratelimit-limit'),
    period: num('x-ratelimit-period'),
    remaining: num('x-ratelimit-remaining'),
    reset: num('x-ratelimit-reset'),
    name: Array.isArray(name) ? name[0] : name,
  };
  return Object.values(info).some((v) => v !== undefined) ? info : undefined;
}
