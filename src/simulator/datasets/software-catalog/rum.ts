/** RUM configuration: applications and RUM-based metrics. */
import { between, pick, randomId, uuid } from '../../random';
import type { Json } from '../catalog';
import { DAY, HEX, PEOPLE, serviceName } from './values';

const RUM_TYPES = ['browser', 'ios', 'android', 'react-native', 'flutter'];

export function rumApplication(random: () => number, i: number, now: number): Json {
  const id = uuid(random);
  const type = pick(random, RUM_TYPES);
  const created = now - between(random, 30, 1200) * DAY;
  const updated = created + Math.floor(random() * (now - created));
  return {
    type: 'rum_application',
    id,
    attributes: {
      application_id: id,
      name: `${serviceName(i)}-${type}`,
      type,
      org_id: 321813,
      hash: randomId(random, 20, HEX),
      is_active: random() < 0.85,
      // Epoch milliseconds, as Datadog writes them here.
      created_at: created,
      updated_at: updated,
      created_by_handle: `${pick(random, PEOPLE)}@example.com`,
      updated_by_handle: 'Datadog',
      product_scales: {
        rum_event_processing_scale: { state: pick(random, ['ALL', 'ALL', 'ERROR_FOCUSED_MODE']), last_modified_at: created },
        product_analytics_retention_scale: { state: pick(random, ['NONE', 'MAX']), last_modified_at: created },
      },
      tags: [],
    },
  };
}

export function rumMetric(random: () => number, i: number): Json {
  const eventType = pick(random, ['session', 'view', 'action', 'error', 'resource', 'long_task', 'vital']);
  const distribution = random() < 0.5;
  return {
    id: `rum.${eventType}.${pick(random, ['count', 'duration', 'by_browser', 'by_country'])}.${i}`,
    type: 'rum_metrics',
    attributes: {
      event_type: eventType,
      compute: distribution ? { aggregation_type: 'distribution', include_percentiles: true, path: '@duration' } : { aggregation_type: 'count' },
      filter: { query: `@application.id:${uuid(random)}` },
      group_by: [{ path: '@browser.name', tag_name: 'browser_name' }],
      ...(eventType === 'session' || eventType === 'view' ? { uniqueness: { when: pick(random, ['match', 'end']) } } : {}),
    },
  };
}
