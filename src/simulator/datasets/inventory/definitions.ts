/** What the endpoints read one item at a time answer: a metric's metadata, a dashboard's definition. */
import type { DashboardRecord } from '../../data';
import { SERVICES } from '../../data';
import { between, hashUnit, pick, seededRandom } from '../../random';
import type { Json } from '../catalog';

const UNITS = ['byte', 'second', 'millisecond', 'percent', 'request', 'query', 'connection', null];

/**
 * A metric's metadata as `GET /api/v1/metrics/{metric_name}` answers: the same every time for one
 * name, without the name. Fields nobody set are left out (the spec types none of them nullable).
 */
export function metricMetadata(name: string): Json {
  const random = seededRandom(Math.floor(hashUnit(name) * 2 ** 32));
  const type = pick(random, ['gauge', 'count', 'rate', 'distribution']);
  // A custom metric nobody described has a type and nothing else.
  if (name.startsWith('custom.') && random() < 0.4) return { type };
  const unit = pick(random, UNITS);
  const integration = name.startsWith('system.') ? 'system' : name.startsWith('trace.') ? 'trace' : undefined;
  return {
    description: `${name.split('.').slice(0, 2).join(' ')} as reported by the agent`,
    short_name: name.split('.').pop(),
    ...(integration ? { integration } : {}),
    ...(type === 'count' || type === 'rate' ? { statsd_interval: 10 } : {}),
    ...(type === 'rate' ? { per_unit: 'second' } : {}),
    type,
    ...(unit ? { unit } : {}),
  };
}

/**
 * A dashboard's whole definition, as `GET /api/v1/dashboard/{dashboard_id}` answers: its summary's
 * fields, and widgets and template variables that follow from its id and `modified_at` (a modified
 * dashboard has other widgets).
 */
export function dashboardDefinition(summary: DashboardRecord): Json {
  const random = seededRandom(Math.floor(hashUnit(`${summary.id}@${summary.modified_at}`) * 2 ** 32));
  const service = pick(random, SERVICES);
  const widgets = Array.from({ length: between(random, 1, 6) }, (_, i) => {
    const id = 1_000_000_000_000_000 + Math.floor(random() * 8_000_000_000_000_000);
    const layout = summary.layout_type === 'free' ? { layout: { x: (i % 2) * 6, y: Math.floor(i / 2) * 4, width: 6, height: 4 } } : {};
    if (random() < 0.3) return { id, definition: { type: 'note', content: `Runbook for ${service}`, background_color: 'yellow', show_tick: false }, ...layout };
    return {
      id,
      definition: {
        type: 'timeseries',
        title: `${pick(random, ['CPU', 'Errors', 'Latency', 'Requests'])} of ${service}`,
        requests: [{ q: `avg:${pick(random, ['system.cpu.user', 'trace.http.request.errors', 'requests.total'])}{service:${service}}`, display_type: 'line' }],
        show_legend: random() < 0.5,
      },
      ...layout,
    };
  });
  return {
    id: summary.id,
    title: summary.title,
    description: summary.description,
    author_handle: summary.author_handle,
    author_name: summary.author_handle.split('@')[0],
    layout_type: summary.layout_type,
    ...(summary.layout_type === 'ordered' ? { reflow_type: 'auto' } : {}),
    url: summary.url,
    is_read_only: summary.is_read_only,
    notify_list: null,
    restricted_roles: [],
    tags: random() < 0.5 ? [`team:${pick(random, ['core', 'growth', 'platform'])}`] : [],
    template_variables: random() < 0.6 ? [{ name: 'env', prefix: 'env', available_values: ['prod', 'staging'], defaults: ['prod'] }] : null,
    widgets,
    created_at: summary.created_at,
    modified_at: summary.modified_at,
  };
}
