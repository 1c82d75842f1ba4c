/** Status pages, and the degradations and maintenances declared on them. */
import { between, pick, randomId, uuid } from '../../random';
import type { Json } from '../catalog';
import { DAY, HEX, iso, micros } from './values';

/** A record with the creation time its list sorts by (maintenances do not carry theirs). */
export interface Listed {
  created: number;
  /** The second sort key maintenances take (`start_date`), or the modification time of degradations. */
  other: number;
  record: Json;
}

const users = (random: () => number) => {
  const id = uuid(random);
  return { created_by_user: { data: { id, type: 'users' } }, last_modified_by_user: { data: { id, type: 'users' } } };
};

export function statusPage(random: () => number, i: number, now: number): Json {
  const id = uuid(random);
  const created = now - between(random, 10, 500) * DAY;
  const component = (name: string, position: number) => ({ id: uuid(random), name, type: 'component', status: pick(random, ['operational', 'operational', 'operational', 'degraded']), position });
  const publicPage = i % 2 === 0;
  return {
    id,
    type: 'status_pages',
    attributes: {
      name: publicPage ? `${pick(random, ['Acme', 'Example'])} status ${i + 1}` : `Internal services ${i + 1}`,
      type: publicPage ? 'public' : 'internal',
      enabled: random() < 0.8,
      domain_prefix: randomId(random, 16, HEX),
      page_url: `https://example.statuspage.datadoghq.com/status-pages/${id}/view`,
      custom_domain: null,
      custom_domain_enabled: false,
      subscriptions_enabled: publicPage,
      visualization_type: pick(random, ['bars_and_uptime_percentage', 'bars_only', 'component_name_only']),
      components: [
        { id: uuid(random), name: 'Application', type: 'group', position: 0, components: [component('Login', 0), component('Checkout', 1)] },
        { ...component('API', 1), components: [] },
      ],
      company_logo: null,
      favicon: null,
      email_header_image: null,
      created_at: micros(created, random),
      modified_at: micros(created + Math.floor(random() * (now - created)), random),
    },
    relationships: users(random),
  };
}

/** The components of a page, flattened: degradations and maintenances name the ones they affect. */
function componentsOf(page: Json): { id: string; name: string }[] {
  const out: { id: string; name: string }[] = [];
  const walk = (items: Json[]) =>
    items.forEach((c) => (c.type === 'component' ? out.push({ id: String(c.id), name: String(c.name) }) : walk((c.components as Json[]) ?? [])));
  walk((page.attributes as Json).components as Json[]);
  return out;
}

export function degradation(random: () => number, pages: Json[], now: number): Listed {
  const page = pick(random, pages);
  const affected = pick(random, componentsOf(page));
  const created = now - between(random, 0, 120) * DAY - between(random, 0, DAY);
  const status = pick(random, ['investigating', 'identified', 'monitoring', 'resolved', 'resolved']);
  const modified = created + between(random, 0, 6 * 3_600_000);
  const createdText = micros(created, random);
  const modifiedText = micros(modified, random);
  return {
    created,
    other: modified,
    record: {
      id: uuid(random),
      type: 'degradations',
      attributes: {
        title: pick(random, ['Elevated API Latency', 'Login failures', 'Checkout errors', 'Degraded search']),
        description: 'We are looking into it.',
        status,
        components_affected: [{ id: affected.id, name: affected.name, status: status === 'resolved' ? 'operational' : pick(random, ['degraded', 'partial_outage', 'major_outage']) }],
        updates: [{ id: uuid(random), status, description: 'Update posted.', started_at: createdText, created_at: createdText, modified_at: modifiedText, components_affected: [] }],
        created_at: createdText,
        modified_at: modifiedText,
      },
      relationships: { ...users(random), status_page: { data: { id: String(page.id), type: 'status_pages' } } },
    },
  };
}

export function maintenance(random: () => number, pages: Json[], now: number): Listed {
  const page = pick(random, pages);
  const affected = pick(random, componentsOf(page));
  const created = now - between(random, 1, 120) * DAY;
  const start = created + between(random, 1, 14) * DAY;
  const status = start > now ? 'scheduled' : start + 2 * 3_600_000 > now ? 'in_progress' : 'completed';
  return {
    created,
    other: start,
    record: {
      id: uuid(random),
      type: 'maintenances',
      attributes: {
        title: pick(random, ['API Maintenance', 'Database upgrade', 'Network maintenance']),
        status,
        start_date: iso(start),
        completed_date: iso(start + 2 * 3_600_000),
        published_date: micros(created, random),
        scheduled_description: 'Scheduled maintenance.',
        in_progress_description: 'Maintenance under way.',
        completed_description: 'Maintenance completed.',
        components_affected: [{ id: affected.id, name: affected.name, status: status === 'in_progress' ? 'maintenance' : 'operational' }],
        updates: [],
        modified_at: micros(Math.min(now, start), random),
      },
      relationships: { ...users(random), status_page: { data: { id: String(page.id), type: 'status_pages' } } },
    },
  };
}
