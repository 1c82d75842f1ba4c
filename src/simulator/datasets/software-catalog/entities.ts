/** Catalog entities and the relations between them, and service definitions. */
import { between, pick, randomId, uuid } from '../../random';
import type { Json } from '../catalog';
import { DAY, HEX, micros, seconds, TEAMS } from './values';

const ref = (kind: string, name: string) => `${kind}:default/${name}`;

export const ENTITY_KINDS = ['service', 'service', 'service', 'service', 'datastore', 'queue', 'api', 'system'] as const;

/** A catalog entity; `discovered` ones (seen by APM, never defined) are listed only with `includeDiscovered=true`. */
export function entity(random: () => number, kind: string, name: string, now: number, discovered: boolean): Json {
  const created = now - between(random, 2, 900) * DAY - between(random, 0, DAY);
  const owner = pick(random, TEAMS);
  return {
    id: uuid(random),
    type: 'entity',
    attributes: {
      apiVersion: discovered ? 'v2' : pick(random, ['v3', 'v3', 'v2.2']),
      kind,
      name,
      namespace: 'default',
      displayName: name,
      ...(discovered ? {} : { description: `${name} (${kind}), owned by ${owner}`, owner, tags: [`team:${owner}`, `tier:${between(random, 1, 3)}`] }),
    },
    meta: {
      createdAt: seconds(created),
      modifiedAt: seconds(created + Math.floor(random() * (now - created))),
      ingestionSource: discovered ? 'apm' : pick(random, ['api', 'api', 'github']),
      origin: discovered ? 'datadog' : 'unknown',
    },
  };
}

/** A relation, keyed `<from ref>:<type>:<to ref>` as Datadog keys them. */
export function relation(random: () => number, from: Json, type: string, to: Json, now: number, discovered: boolean): Json {
  const side = (e: Json) => {
    const a = e.attributes as Json;
    return { kind: String(a.kind), name: String(a.name), namespace: 'default' };
  };
  const f = side(from);
  const t = side(to);
  const created = Date.parse(String((from.meta as Json).createdAt)) + between(random, 0, 30) * DAY;
  const time = micros(Math.min(created, now), random);
  return {
    id: `${ref(f.kind, f.name)}:${type}:${ref(t.kind, t.name)}`,
    type: 'relation',
    attributes: { from: f, to: t, type },
    meta: { createdAt: time, modifiedAt: time, source: discovered ? 'apm' : 'schema', definedBy: discovered ? 'apm' : ref(f.kind, f.name) },
  };
}

export function serviceDefinition(random: () => number, name: string, now: number): Json {
  const version = pick(random, ['v2', 'v2.1', 'v2.1', 'v2.2']);
  const team = pick(random, TEAMS);
  const schema: Json = {
    'schema-version': version,
    'dd-service': name,
    team,
    contacts: [{ name: 'Team Email', type: 'email', contact: `${team}@example.com` }],
    links: [{ name: 'Runbook', type: 'runbook', url: `https://wiki.example.com/${name}/runbook` }],
    tags: [`team:${team}`, `service:${name}`],
  };
  if (version !== 'v2') Object.assign(schema, { description: `Serves ${name.replace(/-/g, ' ')}`, tier: pick(random, ['critical', 'high', 'low']), lifecycle: pick(random, ['production', 'experimental']) });
  if (version === 'v2.2') Object.assign(schema, { languages: [pick(random, ['go', 'python', 'java', 'ruby'])], type: 'web' });
  return {
    type: 'service-definition',
    id: randomId(random, 32, HEX),
    attributes: {
      meta: {
        'last-modified-time': seconds(now - between(random, 1, 400) * DAY),
        'github-html-url': '',
        'ingestion-source': 'api',
        origin: pick(random, ['dd_sdk', 'api', 'github']),
        'origin-detail': pick(random, ['ruby', 'go', '']),
        warnings: [],
        'ingested-schema-version': version,
      },
      schema,
    },
  };
}
