import type { Command } from 'commander';
import { readEnv } from '../config/env';
import { organizationsFromEnv } from '../config/organizations';
import { parseSyncRequest, queryDefinitions, selectedStreams, streamFanOut, streamSearch, type SyncRequest } from '../config/request';
import { apiBaseUrl } from '../config/sites';
import { DatadogClient, type Send } from '../datadog/client';
import { DatadogApiError } from '../datadog/errors';
import { checkApiKey, checkApplicationKey, type KeyVerdict } from '../datadog/keys';
import { readPage } from '../datadog/pages';
import { sinceFor, type Window } from '../datadog/request';
import { getStream, upstreamOf } from '../datadog/streams/table';
import type { StreamDef } from '../datadog/streams/types';
import { withRetries, type RetryLoopOptions } from '../activities/retry-budget';
import { unreadableReason } from '../shared/unreadable';
import { loadConfigFile } from './config-file';
import { textTable } from './discover';

export interface KeyCheck {
  valid: boolean;
  message: string;
}

export interface StreamCheck {
  stream: string;
  readable: boolean;
  permission: string;
  /** HTTP status of the refusal, when there was one. */
  status?: number;
  message: string;
}

export interface CheckReport {
  site: string;
  baseUrl: string;
  keys: { api: KeyCheck; application: KeyCheck };
  streams: StreamCheck[];
}

const PROBE_WINDOW_MS = 3_600_000;

export interface CheckOptions {
  /** "Now", for the probes' time windows. */
  now?: number;
  /** How transient faults are retried: a sync's policy (retry-budget.ts) unless changed. */
  retry?: RetryLoopOptions;
}

/** A single cheap page per stream, read as a sync reads it: the first page, one record, over the last hour. */
async function probe(send: Send, def: StreamDef, request: SyncRequest, now: number): Promise<void> {
  const query = queryDefinitions(request).find((q) => q.name === def.name);
  let window: Window | undefined;
  if (def.window) {
    const step = query?.interval ?? PROBE_WINDOW_MS;
    const to = Math.floor(now / step) * step;
    window = { from: to - Math.max(step, PROBE_WINDOW_MS), to };
  }
  // A dependent stream's page is a page of its parents: one parent, and its records for the window.
  // A derived stream makes no request: it is readable when its source is.
  const upstream = upstreamOf(def);
  const pagination = upstream ? getStream(upstream).pagination : def.pagination;
  const pageSize = pagination.kind === 'none' ? 0 : 1;
  await readPage(send, def, { window, since: sinceFor(def, now), page: {}, pageSize, search: streamSearch(request, def.name), fanOutValues: streamFanOut(request, def) });
}

/** Why a probe failed, once retrying could not change the answer. */
function explain(err: unknown, def: StreamDef): Omit<StreamCheck, 'stream' | 'permission'> {
  if (err instanceof DatadogApiError) {
    const said = err.details.errors?.length ? ` (${err.details.errors.join('; ')})` : '';
    switch (err.kind) {
      case 'forbidden':
      case 'auth':
      case 'not_found':
        return { readable: false, status: err.status, message: `${unreadableReason(err.status, def.permission, def.parentOrgOnly)}${said}` };
      case 'rate_limited':
        return { readable: false, status: err.status, message: `rate limited: try again in ${err.details.rateLimit?.reset ?? '?'} s` };
      default:
        return { readable: false, status: err.status, message: err.message };
    }
  }
  return { readable: false, message: err instanceof Error ? err.message : String(err) };
}

/** A key check for people: rejected only on 401/403; a fault that outlasted the retries says so. */
async function checkKey(check: () => Promise<KeyVerdict>, name: string): Promise<KeyCheck> {
  try {
    const verdict = await check();
    switch (verdict.outcome) {
      case 'accepted':
        return { valid: true, message: verdict.fallback ? `valid (${verdict.detail})` : 'valid' };
      case 'rejected':
        return { valid: false, message: `rejected (HTTP ${verdict.status}): check ${name} and that it belongs to this site (${verdict.detail})` };
      case 'unchecked':
        return { valid: true, message: `not checked: ${verdict.detail}; the streams below show whether it works` };
    }
  } catch (err) {
    return { valid: false, message: `could not be checked: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/**
 * Checks both keys (datadog/keys.ts, as a sync does) and, for each selected stream, whether it can
 * be read and why not. Every request is retried as a sync retries it, so a transient fault never
 * makes a stream look unreadable.
 */
export async function checkAccess(client: DatadogClient, request: SyncRequest, options: CheckOptions = {}): Promise<CheckReport> {
  const now = options.now ?? Date.now();
  const send: Send = (apiRequest, sendOptions) => withRetries(() => client.send(apiRequest, sendOptions), options.retry);
  const api = await checkKey(() => checkApiKey(send), 'DD_API_KEY');
  const application = api.valid ? await checkKey(() => checkApplicationKey(send), 'DD_APP_KEY') : { valid: false, message: 'not checked: the API key was not accepted' };
  const queries = queryDefinitions(request);
  const streams: StreamCheck[] = [];
  for (const name of selectedStreams(request)) {
    const def = getStream(name, queries);
    if (!api.valid || !application.valid) {
      streams.push({ stream: name, readable: false, permission: def.permission, message: 'not checked: a key was rejected' });
      continue;
    }
    try {
      await probe(send, def, request, now);
      streams.push({ stream: name, readable: true, permission: def.permission, message: 'readable' });
    } catch (err) {
      streams.push({ stream: name, permission: def.permission, ...explain(err, def) });
    }
  }
  return { site: request.site, baseUrl: client.baseUrl, keys: { api, application }, streams };
}

export function register(program: Command): void {
  program
    .command('check')
    .description('Check DD_API_KEY and DD_APP_KEY, and whether each selected stream can be read (and why not)')
    .option('-c, --config <file>', 'sync config (JSON): site, streams, queries')
    .option('-s, --streams <names>', 'comma-separated streams, overriding the config')
    .option('--strict', 'exit 1 when any stream cannot be read, not only when a key is rejected')
    .option('--organization <name>', 'the Datadog organisation whose keys to check (DD_API_KEY__<NAME>, DD_APP_KEY__<NAME>)')
    .option('--json', 'machine-readable output', false)
    .action(async (opts: { config?: string; streams?: string; strict?: boolean; organization?: string; json: boolean }) => {
      readEnv();
      const overrides = {
        ...(opts.streams ? { streams: opts.streams.split(',').map((s) => s.trim()) } : {}),
        ...(opts.organization ? { organization: opts.organization } : {}),
      };
      const request = opts.config ? loadConfigFile(opts.config, overrides) : parseSyncRequest(overrides, Date.now(), 'options');
      const organization = organizationsFromEnv(process.env)(request.organization);
      const client = new DatadogClient({ baseUrl: organization.baseUrl ?? apiBaseUrl(organization.site ?? request.site), credentials: organization.credentials });
      let report: CheckReport;
      try {
        report = await checkAccess(client, request);
      } finally {
        await client.close();
      }
      const keysOk = report.keys.api.valid && report.keys.application.valid;
      if (opts.json) {
        console.log(JSON.stringify(report, null, 2));
      } else {
        console.log(`Datadog at ${report.baseUrl} (site ${report.site})`);
        console.log(`  API key (DD_API_KEY):          ${report.keys.api.message}`);
        console.log(`  application key (DD_APP_KEY):  ${report.keys.application.message}\n`);
        const rows = report.streams.map((s) => [s.stream, s.readable ? 'yes' : 'no', s.permission, s.readable ? '' : s.message]);
        console.log(textTable(['stream', 'readable', 'permission', 'why not'], rows));
        const unreadable = report.streams.filter((s) => !s.readable).length;
        if (keysOk) console.log(`\n${report.streams.length - unreadable} of ${report.streams.length} streams readable.`);
      }
      if (!keysOk || (opts.strict && report.streams.some((s) => !s.readable))) process.exitCode = 1;
    });
}
