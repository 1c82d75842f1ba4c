import type { StreamDef } from './types';

/**
 * Every stream Retriever reads, one row per Datadog list endpoint. Paths, parameters, page-size
 * maximums and permissions follow Datadog's official OpenAPI specs (v1 and v2).
 */
export const STREAMS: readonly StreamDef[] = [
  {
    name: 'dashboards',
    description: 'Custom dashboards (summaries), GET /api/v1/dashboard',
    method: 'GET',
    path: '/api/v1/dashboard',
    recordsPath: 'dashboards',
    primaryKey: 'id',
    // The spec states no maximum for `count`; 1000 keeps a page well under any response limit.
    pagination: { kind: 'offset', offsetParam: 'start', limitParam: 'count', maxPageSize: 1000 },
    permission: 'dashboards_read',
    schemaSource: { spec: 'v1', component: 'DashboardSummaryDefinition' },
  },
  {
    name: 'logs',
    description: 'Indexed logs, GET /api/v2/logs/events',
    method: 'GET',
    path: '/api/v2/logs/events',
    recordsPath: 'data',
    primaryKey: 'id',
    pagination: {
      kind: 'cursor',
      cursorParam: 'page[cursor]',
      limitParam: 'page[limit]',
      nextCursorPath: 'meta.page.after',
      maxPageSize: 1000,
    },
    window: {
      fromParam: 'filter[from]',
      toParam: 'filter[to]',
      unit: 'iso',
      cursorField: 'attributes.timestamp',
      sort: { param: 'sort', value: 'timestamp' },
    },
    queryParam: 'filter[query]',
    permission: 'logs_read_data',
    schemaSource: { spec: 'v2', component: 'Log' },
  },
];

export const STREAM_NAMES: readonly string[] = STREAMS.map((s) => s.name);

export function findStream(name: string): StreamDef | undefined {
  return STREAMS.find((s) => s.name === name);
}

export function getStream(name: string): StreamDef {
  const def = findStream(name);
  if (!def) throw new Error(`unknown stream "${name}"; known streams: ${STREAM_NAMES.join(', ')}`);
  return def;
}
