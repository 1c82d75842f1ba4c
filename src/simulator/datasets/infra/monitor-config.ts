/** Monitor notification rules (with their creators) and monitor configuration policies. */
import { SERVICES } from '../../data';
import { between, pick, seededRandom, uuid } from '../../random';
import { DAY, iso, who, type Json } from './shared';

/** A notification rule and its creator (listed only with `include=created_by`). */
export interface StoredRule {
  created: number;
  record: Json;
  creator: Json;
}

export function generateNotificationRules(seed: number, count: number, now: number): StoredRule[] {
  const random = seededRandom(seed ^ 0x7a);
  return Array.from({ length: count }, (_, i) => {
    const created = now - between(random, 1, 300) * DAY - between(random, 0, 86_399_999);
    const modified = random() < 0.5 ? created + between(random, 1, 10_000) * 1000 : created;
    const service = pick(random, SERVICES);
    const conditional = random() < 0.3;
    const userId = uuid(random);
    const person = who(random);
    // Recorded responses name the times `created_at` and `modified_at` (the spec says `created`, `modified`).
    const micros = (ms: number) => `${iso(ms).slice(0, 23)}${between(random, 100, 999)}+00:00`;
    return {
      created,
      creator: { type: 'users', id: userId, attributes: { name: person.name, handle: person.handle, email: person.email, created_at: micros(created - 30 * DAY), modified_at: micros(created), disabled: false, status: 'Active', verified: true } },
      record: {
        type: 'monitor-notification-rule',
        id: uuid(random),
        attributes: {
          name: `Route ${service} alerts ${i + 1}`,
          filter: random() < 0.7 ? { tags: [`service:${service}`, `env:${pick(random, ['prod', 'staging'])}`] } : { scope: `service:${service} AND NOT env:staging` },
          ...(conditional
            ? { conditional_recipients: { conditions: [{ scope: 'priority:p1', recipients: [`pagerduty-${service}`] }], fallback_recipients: [`slack-${service}-alerts`] } }
            : { recipients: [`slack-${service}-alerts`, ...(random() < 0.3 ? [`${person.handle}`] : [])] }),
          created_at: micros(created),
          modified_at: micros(modified),
        },
        relationships: { created_by: { data: { type: 'users', id: userId } } },
      },
    };
  });
}

export function generateConfigPolicies(seed: number, count: number): Json[] {
  const random = seededRandom(seed ^ 0x7b);
  const keys = ['env', 'team', 'service', 'datacenter', 'cost_center'];
  return Array.from({ length: count }, (_, i) => ({
    type: 'monitor-config-policy',
    id: uuid(random),
    attributes: {
      policy_type: 'tag',
      policy: { tag_key: i < keys.length ? keys[i] : `policy_${i}`, tag_key_required: random() < 0.5, valid_tag_values: i === 0 ? ['prod', 'staging'] : [pick(random, SERVICES), pick(random, ['core', 'platform'])] },
    },
  }));
}
