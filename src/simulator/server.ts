import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deliver, faultStatus, FaultInjector, type FaultKind, type FaultOptions } from './faults';
import { errorBody } from './http';
import { RateLimiter, type RateLimitDecision, type RateLimitOptions, type RawResponse } from './rate-limits';
import { lacksPermission, matchRoute, type SimResponse } from './routes';
import { World, type WorldOptions } from './world';

/** Datadog's answer to a child organisation's keys on an endpoint for parent-level organisations (recorded). */
export const NON_PARENT_ORG_ANSWER = 'API called with non-parent org keys. Data is only available at the root level org';

/** The keys the simulator accepts unless told otherwise; they unlock nothing real. */
export const SIMULATOR_KEYS = { apiKey: 'simulator-api-key', appKey: 'simulator-app-key' };

export interface SimulatorOptions extends WorldOptions {
  port?: number;
  host?: string;
  apiKey?: string;
  appKey?: string;
  /** Streams whose route answers 403, as for an application key without the permission. */
  forbiddenStreams?: string[];
  /** Permissions the application key lacks: every route that needs one answers 403 (e.g. `timeseries_query`). */
  forbiddenPermissions?: string[];
  /**
   * Routes ("METHOD path", as in ROUTES) this API does not have: they answer 404 as any unknown
   * endpoint does. An older API without `GET /api/v2/current_user`, or a product the organisation lacks.
   */
  missingRoutes?: string[];
  /**
   * The keys belong to a child organisation: endpoints only parent-level organisations may call
   * refuse them as Datadog does (recorded: a 400 "API called with non-parent org keys…").
   */
  childOrg?: boolean;
  /** Per-bucket limits; every answer carries the `X-RateLimit-*` headers, a spent bucket answers 429. */
  rateLimits?: RateLimitOptions;
  /** Seeded fault injection: 5xx, resets, cut-off, malformed, slow or endless bodies, latency. */
  faults?: FaultOptions;
}

export interface RequestLogEntry {
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  /** The JSON body of a POST. */
  body?: unknown;
  /** The status sent; 0 when the connection was reset before any. */
  status: number;
  /** The bucket charged and what its headers announced (`reset` in seconds, from `at`). */
  rateLimit?: RateLimitDecision;
  /** The fault injected into this answer, if any. */
  fault?: FaultKind;
}

/** How the simulated Datadog is unavailable during an outage. */
export type OutageMode = 'refused' | 'unavailable';

export interface Simulator {
  readonly url: string;
  readonly world: World;
  /** Every request received, in order. */
  readonly requests: RequestLogEntry[];
  /**
   * An outage: `refused` closes the port (connections are refused, open ones reset), `unavailable`
   * answers every request 503, as Datadog's edge does during an incident. `up` ends it.
   */
  outage(mode: OutageMode | 'up'): Promise<void>;
  close(): Promise<void>;
}

function toRaw(response: SimResponse, headers: Record<string, string>): RawResponse {
  return { status: response.status, headers: { ...headers, 'content-type': 'application/json' }, text: response.text ?? JSON.stringify(response.body) ?? '' };
}

/** Starts the local Datadog API on loopback. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const world = new World(options);
  const apiKey = options.apiKey ?? SIMULATOR_KEYS.apiKey;
  const appKey = options.appKey ?? SIMULATOR_KEYS.appKey;
  const forbidden = new Set(options.forbiddenStreams ?? []);
  const forbiddenPermissions = new Set(options.forbiddenPermissions ?? []);
  const missing = new Set(options.missingRoutes ?? []);
  const requests: RequestLogEntry[] = [];
  const limiter = new RateLimiter(options.rateLimits);
  const faults = new FaultInjector(options.faults);
  let baseUrl = '';

  let unavailable = false;
  const handle = (req: IncomingMessage, text: string): SimResponse => {
    if (unavailable) return { status: 503, body: { errors: ['Service Unavailable'] } };
    const url = new URL(req.url ?? '/', baseUrl);
    const key = `${req.method} ${url.pathname}`;
    const apiKeyOk = req.headers['dd-api-key'] === apiKey;
    if (key === 'GET /api/v1/validate') {
      return apiKeyOk ? { status: 200, body: { valid: true } } : { status: 403, body: { errors: ['Forbidden'] } };
    }
    const match = matchRoute(req.method ?? 'GET', url.pathname);
    if (!match || missing.has(match.key)) return { status: 404, body: { errors: [`Not found: ${key}`] } };
    const { entry, params } = match;
    const style = entry.errors ?? 'strings';
    const refused = (status: number, message: string) => ({ status, body: errorBody(style, status, [message]) });
    if (!apiKeyOk || req.headers['dd-application-key'] !== appKey) return refused(403, 'Forbidden');
    if (entry.streams.some((s) => forbidden.has(s)) || lacksPermission(entry.permission, forbiddenPermissions)) {
      return refused(403, `Forbidden: the application key lacks the ${entry.permission || 'needed'} permission`);
    }
    if (options.childOrg && entry.parentOrgOnly) return refused(400, NON_PARENT_ORG_ANSWER);
    let body: unknown;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        return refused(400, 'request body is not valid JSON');
      }
    }
    const response = entry.route(world, { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, params, body, baseUrl });
    // Routes write errors as strings; endpoints whose spec says JSON:API get them as error objects.
    if (response.status < 400 || style !== 'jsonapi') return response;
    const errors = (response.body as { errors?: unknown })?.errors;
    if (Array.isArray(errors) && errors.every((e) => typeof e === 'string')) {
      return { status: response.status, body: errorBody(style, response.status, errors as string[]) };
    }
    return response;
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let response: SimResponse;
      try {
        response = handle(req, text);
      } catch (err) {
        response = { status: 500, body: { errors: [`simulator error: ${(err as Error).message}`] } };
      }
      const url = new URL(req.url ?? '/', baseUrl);
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        // Logged as sent: the route has already answered 400 for it.
        body = text;
      }
      // Rate limits and faults act on the route's answer, as Datadog's edge would.
      const limit = limiter.take(url.pathname);
      const answer = limit.limited ? limiter.tooManyRequests(limit) : toRaw(response, RateLimiter.headers(limit));
      const fault = limit.limited ? undefined : faults.pick(url.pathname);
      requests.push({
        at: Date.now(),
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        ...(body !== undefined ? { body } : {}),
        status: faultStatus(fault, answer),
        rateLimit: limit,
        ...(fault ? { fault: fault.kind } : {}),
      });
      setTimeout(() => deliver(res, answer, fault, options.faults?.slowBodyMs), faults.latency());
    });
  });
  server.keepAliveTimeout = 60_000;
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(options.port ?? 0);
  const address = server.address() as AddressInfo;
  baseUrl = `http://${address.address}:${address.port}`;
  let listening = true;

  return {
    url: baseUrl,
    world,
    requests,
    async outage(mode) {
      unavailable = mode === 'unavailable';
      if (mode === 'refused' && listening) {
        listening = false;
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
      } else if (mode !== 'refused' && !listening) {
        await listen(address.port);
        listening = true;
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
