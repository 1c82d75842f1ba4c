import { z } from 'zod';
import { STREAM_NAMES } from '../datadog/streams/table';
import { DURATION_PATTERN, parseDuration } from './duration';
import { formatIssues, InvalidConfigError } from './issues';
import { DATADOG_SITES } from './sites';

/** Field names that would carry credentials. They are refused: keys come from the worker's environment. */
const SECRET_FIELDS = ['api_key', 'application_key', 'app_key', 'apiKey', 'appKey', 'dd_api_key', 'dd_app_key', 'password'];

const isoDate = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(Date.parse(s)), 'must be an ISO-8601 date or date-time, e.g. 2026-01-01T00:00:00Z');

const streamName = z.string().refine((s) => STREAM_NAMES.includes(s), {
  error: (issue) => `unknown stream "${String(issue.input)}"; known streams: ${STREAM_NAMES.join(', ')}`,
});

/**
 * A sync request: what the config file holds and what a `datadogSync` workflow takes as input.
 * Field names follow Airbyte's source-datadog spec where they overlap (site, start_date, end_date,
 * max_records_per_request). It never holds a secret.
 */
export const syncRequestSchema = z
  .strictObject({
    /** Names the sync in workflow IDs and the Web UI. */
    name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, ".", "_" and "-" only, at most 64').default('datadog'),
    site: z.enum(DATADOG_SITES).default('datadoghq.com'),
    streams: z.array(streamName).min(1, 'select at least one stream').optional(),
    /** Where incremental streams start when they have no bookmark yet. */
    start_date: isoDate.optional(),
    /** Where the sync stops; default: now minus `lag`. */
    end_date: isoDate.optional(),
    max_records_per_request: z.number().int().positive().optional(),
    /** Length of the time windows incremental streams are read in; each finished window is a bookmark. */
    window_size: z.string().regex(DURATION_PATTERN, 'a duration like 1h, 6h or 1d').default('1d'),
    /** How far behind now incremental streams stop, so records still being indexed are not skipped. */
    lag: z.string().regex(DURATION_PATTERN, 'a duration like 0s, 1m or 5m').default('1m'),
    /** Per-stream options, e.g. `{ "logs": { "query": "service:web" } }`. */
    stream_options: z.record(streamName, z.strictObject({ query: z.string().min(1).optional() })).default({}),
    max_parallel_streams: z.number().int().min(1).max(64).default(4),
    /** Fail the sync when a stream is not readable (403/404) instead of skipping it with a warning. */
    strict: z.boolean().default(false),
  })
  .superRefine((req, ctx) => {
    if (req.start_date && req.end_date && Date.parse(req.end_date) <= Date.parse(req.start_date)) {
      ctx.addIssue({ code: 'custom', path: ['end_date'], message: `must be after start_date (${req.start_date})` });
    }
    if (DURATION_PATTERN.test(req.window_size) && parseDuration(req.window_size) < 60_000) {
      ctx.addIssue({ code: 'custom', path: ['window_size'], message: 'must be at least 1m' });
    }
  });

export type SyncRequestInput = z.input<typeof syncRequestSchema>;
export type SyncRequest = z.output<typeof syncRequestSchema>;

/**
 * Validates a sync request, listing every problem with its path. `now` is passed in so the same check
 * runs in the CLI and inside the sync's planning activity.
 */
export function parseSyncRequest(raw: unknown, now: number, source = 'sync request'): SyncRequest {
  const problems: string[] = [];
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    for (const field of SECRET_FIELDS) {
      if (field in raw) {
        problems.push(`${field}: secrets are not accepted here; set DD_API_KEY and DD_APP_KEY in the worker's environment`);
      }
    }
  }
  const stripped =
    raw && typeof raw === 'object' && !Array.isArray(raw)
      ? Object.fromEntries(Object.entries(raw).filter(([k]) => !SECRET_FIELDS.includes(k)))
      : raw;
  const result = syncRequestSchema.safeParse(stripped);
  if (!result.success) problems.push(...formatIssues(result.error.issues));
  if (result.success && result.data.start_date && Date.parse(result.data.start_date) > now) {
    problems.push(`start_date: ${result.data.start_date} is in the future`);
  }
  if (problems.length > 0) throw new InvalidConfigError(problems, source);
  return result.data!;
}
