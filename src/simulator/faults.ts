/**
 * Seeded fault injection for the simulator: the ways real APIs fail, at chosen rates, reproducible
 * from a seed (the n-th request draws the same fault every run).
 */
import type { ServerResponse } from 'node:http';
import type { RawResponse } from './rate-limits';
import { seededRandom } from './random';

export type FaultKind =
  | 'server_error' //  a 500/502/503/504, JSON or a proxy's HTML page
  | 'reset' //         the connection closes before any answer
  | 'truncated' //     headers and part of the body, then the connection closes
  | 'malformed' //     a 200 whose body is not JSON
  | 'slow_body' //     the body trickles in over `slowBodyMs`
  | 'hang'; //         headers and a first chunk, then nothing until the client gives up

export const FAULT_KINDS: readonly FaultKind[] = ['server_error', 'reset', 'truncated', 'malformed', 'slow_body', 'hang'];

export interface FaultOptions {
  seed?: number;
  /** Share of requests (0–1) that get each fault; together at most 1. */
  rates?: Partial<Record<FaultKind, number>>;
  /** Added before every answer: fixed milliseconds, or a [min, max] range drawn per request. */
  latencyMs?: number | [number, number];
  /** How long a slow body takes from first to last byte. */
  slowBodyMs?: number;
  /** Only requests to these paths get faults (default: every path). */
  paths?: string[];
}

const SERVER_ERRORS: ReadonlyArray<{ status: number; html: boolean; text: string }> = [
  { status: 500, html: false, text: JSON.stringify({ errors: ['Internal Server Error'] }) },
  { status: 502, html: true, text: '<html><body><h1>502 Bad Gateway</h1></body></html>' },
  { status: 503, html: false, text: JSON.stringify({ errors: ['Service Unavailable'] }) },
  { status: 504, html: true, text: '<html><body><h1>504 Gateway Time-out</h1></body></html>' },
];

/** One injected fault, with every random choice already made. */
export interface Fault {
  kind: FaultKind;
  /** For `server_error`: which one. */
  error?: (typeof SERVER_ERRORS)[number];
  /** For `malformed`: a proxy's HTML page instead of cut-off JSON. */
  html?: boolean;
}

export class FaultInjector {
  private readonly random: () => number;
  private readonly paths?: ReadonlySet<string>;

  constructor(private readonly options: FaultOptions = {}) {
    this.random = seededRandom(options.seed ?? 1);
    this.paths = options.paths ? new Set(options.paths) : undefined;
    const total = Object.values(options.rates ?? {}).reduce((sum, r) => sum + (r ?? 0), 0);
    if (total > 1) throw new Error(`fault rates add up to ${total}; they must be at most 1`);
  }

  /** Milliseconds to wait before answering this request. */
  latency(): number {
    const latency = this.options.latencyMs;
    if (latency === undefined) return 0;
    if (typeof latency === 'number') return latency;
    return latency[0] + Math.round(this.random() * (latency[1] - latency[0]));
  }

  /** The fault this request gets, if any. The draws depend only on the seed and the order of requests. */
  pick(path: string): Fault | undefined {
    if (!this.options.rates) return undefined;
    const draw = this.random();
    if (this.paths && !this.paths.has(path)) return undefined;
    let edge = 0;
    for (const kind of FAULT_KINDS) {
      edge += this.options.rates[kind] ?? 0;
      if (draw < edge) {
        if (kind === 'server_error') return { kind, error: SERVER_ERRORS[Math.floor(this.random() * SERVER_ERRORS.length)] };
        if (kind === 'malformed') return { kind, html: this.random() < 0.5 };
        return { kind };
      }
    }
    return undefined;
  }
}

/** The status a faulty answer shows (0 when none is sent), for the request log. */
export function faultStatus(fault: Fault | undefined, response: RawResponse): number {
  if (!fault) return response.status;
  if (fault.kind === 'reset') return 0;
  if (fault.kind === 'server_error') return fault.error!.status;
  return fault.kind === 'malformed' ? 200 : response.status;
}

/** Writes `response` to the client, spoilt by `fault`. */
export function deliver(res: ServerResponse, response: RawResponse, fault: Fault | undefined, slowBodyMs = 1_000): void {
  if (res.destroyed) return; // the client left during the added latency, or the simulator stopped
  switch (fault?.kind) {
    case undefined:
      return write(res, response);
    case 'server_error': {
      const { status, html, text } = fault.error!;
      return write(res, { status, headers: { ...response.headers, 'content-type': html ? 'text/html' : 'application/json' }, text });
    }
    case 'reset':
      res.socket?.destroy();
      return;
    case 'truncated': {
      const body = Buffer.from(response.text);
      res.writeHead(response.status, { ...response.headers, 'content-length': String(body.length) });
      res.write(body.subarray(0, Math.floor(body.length / 2)));
      // Let the first half reach the client, then close mid-body.
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    case 'malformed': {
      const text = fault.html ? '<html><body>upstream error</body></html>' : response.text.slice(0, Math.max(1, Math.floor(response.text.length / 2)));
      return write(res, { status: 200, headers: { ...response.headers, 'content-type': 'application/json' }, text });
    }
    case 'slow_body':
      return trickle(res, response, slowBodyMs);
    case 'hang': {
      const body = Buffer.from(response.text);
      res.writeHead(response.status, { ...response.headers, 'content-length': String(body.length) });
      res.write(body.subarray(0, Math.min(16, body.length - 1)));
      return; // the rest never comes; the socket closes when the client gives up or the simulator stops
    }
  }
}

function write(res: ServerResponse, { status, headers, text }: RawResponse): void {
  const body = Buffer.from(text);
  res.writeHead(status, { ...headers, 'content-length': String(body.length) });
  res.end(body);
}

/** Sends the body in ten pieces spread over `totalMs`. */
function trickle(res: ServerResponse, { status, headers, text }: RawResponse, totalMs: number): void {
  const body = Buffer.from(text);
  res.writeHead(status, { ...headers, 'content-length': String(body.length) });
  const pieces = 10;
  const size = Math.ceil(body.length / pieces);
  let sent = 0;
  const next = () => {
    if (res.destroyed) return;
    const piece = body.subarray(sent, sent + size);
    sent += piece.length;
    if (sent >= body.length) res.end(piece);
    else {
      res.write(piece);
      setTimeout(next, totalMs / pieces);
    }
  };
  next();
}
