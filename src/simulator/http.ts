/** What every simulator route shares: the request and response shapes and parameter parsing. */
import type { World } from './world';

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Values of the `{name}` placeholders of the route's path. */
  params: Record<string, string>;
  /** The parsed JSON body of a POST (undefined when there is none). */
  body?: unknown;
  /** The simulator's public base URL, for `links.next`. */
  baseUrl: string;
}

export interface SimResponse {
  status: number;
  body: unknown;
  /** The body already written as JSON (large pages): sent as it is, `body` parsed from it only if asked. */
  text?: string;
}

/** A response whose body the route wrote as JSON text itself. */
export function jsonText(status: number, text: string): SimResponse {
  let parsed: unknown;
  return {
    status,
    text,
    get body() {
      parsed ??= JSON.parse(text);
      return parsed;
    },
  };
}

export type Route = (world: World, req: SimRequest) => SimResponse;

/** How an endpoint writes its errors: most use `{"errors": ["..."]}`, a few v2 ones JSON:API objects. */
export type ErrorStyle = 'strings' | 'jsonapi';

export function errorBody(style: ErrorStyle, status: number, messages: string[]): unknown {
  if (style === 'strings') return { errors: messages };
  const title = status === 403 ? 'Forbidden' : status === 404 ? 'Not Found' : status === 429 ? 'Too Many Requests' : 'Bad Request';
  return { errors: messages.map((detail) => ({ status: String(status), title, detail })) };
}

export function badRequest(...errors: string[]): SimResponse {
  return { status: 400, body: { errors } };
}

export function ok(body: unknown): SimResponse {
  return { status: 200, body };
}

/** The 400 answering a request whose parameters have problems (all of them, like Datadog); null when they have none. */
export function refuse(params: Params): SimResponse | null {
  return params.problems.length > 0 ? badRequest(...params.problems) : null;
}

/** Collects parameter problems; a route answers 400 with all of them, like Datadog. */
export class Params {
  readonly problems: string[] = [];
  constructor(private readonly query: URLSearchParams) {}

  int(name: string, fallback: number, limits: { min?: number; max?: number } = {}): number {
    const raw = this.query.get(name);
    if (raw === null) return fallback;
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(value)) {
      this.problems.push(`${name} must be an integer, got ${JSON.stringify(raw)}`);
      return fallback;
    }
    const min = limits.min ?? 0;
    if (value < min) this.problems.push(`${name} must be at least ${min}`);
    if (limits.max !== undefined && value > limits.max) this.problems.push(`${name} must be at most ${limits.max}`);
    return value;
  }

  /** Present or not: some endpoints page only when asked to. */
  has(name: string): boolean {
    return this.query.has(name);
  }

  string(name: string): string | null {
    return this.query.get(name);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.query.get(name);
    if (raw === null) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`);
      return fallback;
    }
    return raw as T;
  }

  /**
   * A time as the search endpoints take it: ISO-8601, epoch milliseconds, or date math (`now`,
   * `now-15m`). Returns epoch milliseconds.
   */
  time(name: string, fallback: number, now: number): number {
    const raw = this.query.get(name);
    if (raw === null) return fallback;
    const parsed = parseTimeParam(raw, now);
    if (parsed === null) {
      this.problems.push(`${name} must be an ISO-8601 date-time, epoch milliseconds or date math like now-15m, got ${JSON.stringify(raw)}`);
      return fallback;
    }
    return parsed;
  }

  /** Epoch seconds (v1 endpoints); returns epoch milliseconds. */
  seconds(name: string, required: boolean): number | undefined {
    const raw = this.query.get(name);
    if (raw === null) {
      if (required) this.problems.push(`${name} is required (epoch seconds)`);
      return undefined;
    }
    if (!/^\d+$/.test(raw)) {
      this.problems.push(`${name} must be epoch seconds, got ${JSON.stringify(raw)}`);
      return undefined;
    }
    return Number(raw) * 1000;
  }
}

const MATH_UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export function parseTimeParam(raw: string, now: number): number | null {
  if (/^\d+$/.test(raw)) return Number(raw);
  const math = /^now(?:-(\d+)([smhdw]))?$/.exec(raw);
  if (math) return math[1] ? now - Number(math[1]) * MATH_UNITS[math[2]] : now;
  if (!/^\d{4}-\d{2}-\d{2}T/.test(raw)) return null;
  const value = Date.parse(raw);
  return Number.isNaN(value) ? null : value;
}

/** Opaque cursors: base64url JSON, refused when tampered with. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T>(raw: string, valid: (value: unknown) => value is T): T | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    return valid(value) ? value : null;
  } catch {
    // Not base64url JSON: a tampered cursor, refused like any invalid one.
    return null;
  }
}

/** `items[start, start + size)`, the slice an offset or page-number request asks for. */
export function slice<T>(items: readonly T[], start: number, size: number): T[] {
  return items.slice(start, start + size);
}
