import { pageParams, type PageState } from './pagination';
import { setPath } from './paths';
import type { StreamDef, TimeWindow } from './streams/types';

export interface Window {
  /** Epoch milliseconds, inclusive. */
  from: number;
  /** Epoch milliseconds, exclusive. */
  to: number;
}

export interface ApiRequest {
  method: 'GET' | 'POST';
  path: string;
  query: Record<string, string>;
  body?: Record<string, unknown>;
}

export interface PageRequestInput {
  window?: Window;
  page: PageState;
  pageSize: number;
  /** The per-stream search query, for streams that take one. */
  query?: string;
}

function formatTime(ms: number, unit: TimeWindow['unit']): string {
  switch (unit) {
    case 'iso':
      return new Date(ms).toISOString();
    case 'ms':
      return String(ms);
    case 's':
      return String(Math.floor(ms / 1000));
  }
}

/** Builds the HTTP request for one page of a stream: the one place request parameters are assembled. */
export function buildPageRequest(def: StreamDef, input: PageRequestInput): ApiRequest {
  const params: Record<string, string | number> = { ...def.params };
  if (def.window && input.window) {
    params[def.window.fromParam] = formatTime(input.window.from, def.window.unit);
    params[def.window.toParam] = formatTime(input.window.to, def.window.unit);
    if (def.window.sort) params[def.window.sort.param] = def.window.sort.value;
  }
  if (def.queryParam && input.query) params[def.queryParam] = input.query;
  Object.assign(params, pageParams(def.pagination, input.page, input.pageSize));

  if (def.method === 'GET') {
    const query = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));
    return { method: 'GET', path: def.path, query };
  }
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) setPath(body, key, value);
  return { method: 'POST', path: def.path, query: {}, body };
}
