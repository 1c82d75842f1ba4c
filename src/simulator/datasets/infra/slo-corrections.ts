/** SLO status corrections, each naming one of the organisation's SLOs. */
import { between, pick, randomId, seededRandom, uuid } from '../../random';
import { DAY, HEX, who, type Json } from './shared';

const CATEGORIES = ['Scheduled Maintenance', 'Outside Business Hours', 'Deployment', 'Other'];

export function generateSloCorrections(seed: number, count: number, now: number, slos: Json[]): Json[] {
  const random = seededRandom(seed ^ 0x5c);
  const user = (random: () => number) => {
    const { handle, email, name } = who(random);
    const id = uuid(random);
    return { data: { type: 'users', id, attributes: { uuid: id, handle, email, name, icon: `https://secure.gravatar.com/avatar/${randomId(random, 32, HEX)}?s=48&d=retro` } } };
  };
  return Array.from({ length: count }, () => {
    const created = Math.floor((now - between(random, 1, 200) * DAY) / 1000);
    const start = created + between(random, -3, 10) * 3600;
    const recurring = random() < 0.3;
    const modified = random() < 0.4 ? created + between(random, 60, 86_400) : created;
    return {
      type: 'correction',
      id: `${randomId(random, 8, HEX)}-${randomId(random, 4, HEX)}-11ed-${randomId(random, 4, HEX)}-da7ad0902002`,
      attributes: {
        slo_id: slos.length ? String(pick(random, slos).id) : randomId(random, 32, HEX),
        start,
        end: recurring ? null : start + between(random, 1, 48) * 3600,
        description: random() < 0.5 ? '' : 'Planned database failover',
        category: pick(random, CATEGORIES),
        timezone: pick(random, ['UTC', 'Europe/Paris', 'America/New_York']),
        created_at: created,
        modified_at: modified,
        rrule: recurring ? 'FREQ=WEEKLY;INTERVAL=1;BYDAY=SA,SU' : null,
        duration: recurring ? 7200 : null,
        creator: user(random),
        modifier: modified !== created ? who(random) : null,
      },
    };
  });
}
