import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ROUTES, type SimResponse } from './routes';
import { World, type WorldOptions } from './world';

/** The keys the simulator accepts unless told otherwise; they unlock nothing real. */
export const SIMULATOR_KEYS = { apiKey: 'simulator-api-key', appKey: 'simulator-app-key' };

export interface SimulatorOptions extends WorldOptions {
  port?: number;
  host?: string;
  apiKey?: string;
  appKey?: string;
  /** Streams whose route answers 403, as for an application key without the permission. */
  forbiddenStreams?: string[];
}

export interface RequestLogEntry {
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
}

export interface Simulator {
  readonly url: string;
  readonly world: World;
  /** Every request received, in order. */
  readonly requests: RequestLogEntry[];
  close(): Promise<void>;
}

function send(res: ServerResponse, { status, body }: SimResponse): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Starts the local Datadog API on loopback. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const world = new World(options);
  const apiKey = options.apiKey ?? SIMULATOR_KEYS.apiKey;
  const appKey = options.appKey ?? SIMULATOR_KEYS.appKey;
  const forbidden = new Set(options.forbiddenStreams ?? []);
  const requests: RequestLogEntry[] = [];
  let baseUrl = '';

  const handle = (req: IncomingMessage): SimResponse => {
    const url = new URL(req.url ?? '/', baseUrl);
    const key = `${req.method} ${url.pathname}`;
    const apiKeyOk = req.headers['dd-api-key'] === apiKey;
    if (key === 'GET /api/v1/validate') {
      return apiKeyOk ? { status: 200, body: { valid: true } } : { status: 403, body: { errors: ['Forbidden'] } };
    }
    const entry = ROUTES[key];
    if (!entry) return { status: 404, body: { errors: [`Not found: ${key}`] } };
    if (!apiKeyOk || req.headers['dd-application-key'] !== appKey) return { status: 403, body: { errors: ['Forbidden'] } };
    if (entry.stream && forbidden.has(entry.stream)) return { status: 403, body: { errors: ['Forbidden'] } };
    return entry.route(world, { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, baseUrl });
  };

  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      let response: SimResponse;
      try {
        response = handle(req);
      } catch (err) {
        response = { status: 500, body: { errors: [`simulator error: ${(err as Error).message}`] } };
      }
      const url = new URL(req.url ?? '/', baseUrl);
      requests.push({
        at: Date.now(),
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        status: response.status,
      });
      send(res, response);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  baseUrl = `http://${address.address}:${address.port}`;

  return {
    url: baseUrl,
    world,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
