/** The organisation and its child organisations, its API and application keys, SAML mappings and user roles. */
import { SERVICES } from '../../data';
import { between, pick, randomId, uuid } from '../../random';
import type { Json } from '../catalog';
import { byAttribute, DAY, HEX, iso, type Draw } from './draw';

/** A full key and its last four characters. */
function secretKey(random: () => number, length: number): { key: string; last4: string } {
  const key = randomId(random, length, HEX);
  return { key, last4: key.slice(-4) };
}

/** The organisation the keys belong to, then its child organisations. */
export function generateOrgs({ random, size, ago }: Draw): Json[] {
  return Array.from({ length: 1 + size('child_orgs') }, (_, i) => ({
    public_id: randomId(random, 12, HEX),
    name: i === 0 ? 'Example Org' : `Example Org ${pick(random, ['EU', 'US', 'Staging'])} ${i}`,
    description: i === 0 ? 'The parent organization' : 'A child organization',
    created: iso(ago(200, 2000)),
    billing: { type: i === 0 ? 'parent_billing' : 'child_billing' },
    subscription: { type: 'pro' },
    trial: false,
    settings: {
      private_widget_share: random() < 0.3,
      saml: { enabled: i === 0 },
      saml_autocreate_access_role: 'st',
      saml_autocreate_users_domains: { enabled: false, domains: [] },
      saml_can_be_enabled: true,
      saml_idp_initiated_login: { enabled: false },
      saml_idp_metadata_uploaded: i === 0,
      ...(i === 0 ? { saml_login_url: `https://app.datadoghq.com/account/login/id/${randomId(random, 12, HEX)}` } : {}),
      saml_strict_mode: { enabled: false },
    },
  }));
}

/** API keys, oldest first; their whole values go to `keyValues` by key id. */
export function generateApiKeys({ random, now, size, ago, userId }: Draw, keyValues: Map<string, string>): Json[] {
  return Array.from({ length: size('api_keys') }, (_, i) => {
    const id = uuid(random);
    const { key, last4 } = secretKey(random, 32);
    keyValues.set(id, key);
    const created = ago(1, 900);
    const creator = userId();
    return {
      type: 'api_keys',
      id,
      attributes: {
        category: 'default',
        created_at: iso(created),
        date_last_used: random() < 0.7 ? iso(now - between(random, 0, 30) * DAY) : null,
        last4,
        modified_at: iso(created + Math.floor(random() * (now - created))),
        name: `${pick(random, SERVICES)} agent key ${i + 1}`,
        remote_config_read_enabled: random() < 0.5,
        used_in_last_24_hours: random() < 0.5,
      },
      relationships: { created_by: { data: { type: 'users', id: creator } }, modified_by: { data: { type: 'users', id: creator } } },
    };
  }).sort(byAttribute('created_at'));
}

/** Application keys, oldest first; their whole values go to `keyValues` by key id. */
export function generateApplicationKeys({ random, now, size, ago, userId }: Draw, keyValues: Map<string, string>): Json[] {
  return Array.from({ length: size('application_keys') }, (_, i) => {
    const id = uuid(random);
    const { key, last4 } = secretKey(random, 40);
    keyValues.set(id, key);
    return {
      type: 'application_keys',
      id,
      attributes: {
        created_at: iso(ago(1, 900)),
        last4,
        last_used_at: random() < 0.6 ? iso(now - between(random, 0, 30) * DAY) : null,
        name: `${pick(random, ['terraform', 'retriever', 'ci', 'grafana'])} ${i + 1}`,
        scopes: random() < 0.5 ? null : ['dashboards_read', 'metrics_read'],
      },
      relationships: { owned_by: { data: { type: 'users', id: userId() } } },
    };
  }).sort(byAttribute('created_at'));
}

/** SAML attribute mappings to roles and to teams, each oldest first. */
export function generateAuthnMappings({ random, now, size, ago }: Draw, people: { roles: Json[]; teams: Json[] }): { role: Json[]; team: Json[] } {
  const mapping = (to: 'role' | 'team', target: () => string) => {
    const created = ago(1, 700);
    return {
      type: 'authn_mappings',
      id: uuid(random),
      attributes: {
        attribute_key: pick(random, ['groups', 'member_of', 'department']),
        attribute_value: `${pick(random, SERVICES)}-${randomId(random, 6, HEX)}`,
        created_at: iso(created),
        modified_at: iso(created + Math.floor(random() * (now - created))),
        saml_assertion_attribute_id: String(between(random, 100, 999)),
      },
      relationships: { [to]: { data: { type: to === 'role' ? 'roles' : 'team', id: target() } } },
    };
  };
  const roleId = () => String(pick(random, people.roles.length ? people.roles : [{ id: uuid(random) }]).id);
  const teamId = () => String(pick(random, people.teams.length ? people.teams : [{ id: uuid(random) }]).id);
  return {
    role: Array.from({ length: size('authn_mappings') }, () => mapping('role', roleId)).sort(byAttribute('created_at')),
    team: Array.from({ length: size('authn_team_mappings') }, () => mapping('team', teamId)).sort(byAttribute('created_at')),
  };
}

/**
 * Gives each user the roles Datadog lists in `relationships.roles.data` (most one, some two, a pending
 * invitation none yet), and its organisation, as the recorded ListUsers answers show.
 */
export function assignRoles(random: () => number, users: Json[], roles: Json[]): void {
  const org = uuid(random);
  for (const user of users) {
    const pending = (user.attributes as Json)?.status === 'Pending';
    const count = roles.length === 0 ? 0 : pending ? between(random, 0, 1) : random() < 0.2 ? 2 : 1;
    const held = new Set<string>();
    while (held.size < Math.min(count, roles.length)) held.add(String(pick(random, roles).id));
    user.relationships = { roles: { data: [...held].map((id) => ({ type: 'roles', id })) }, org: { data: { type: 'orgs', id: org } } };
  }
}
