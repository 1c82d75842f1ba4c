/** Scorecards: their rules, and each rule's outcome for a service. */
import { between, pick, uuid } from '../../random';
import type { Json } from '../catalog';
import { DAY, micros, nanos, TEAMS } from './values';

const SCORECARDS: { id: string; name: string; rules: string[] }[] = [
  { id: 'q8MQxk8TCqrHnWkx', name: 'Production Readiness', rules: ['Has on-call', 'Has SLOs defined', 'Has monitors defined', 'Has a runbook'] },
  { id: 'hA5zOZJXXJ4K', name: 'Observability Best Practices', rules: ['Logs correlated with traces', 'Deployment tracking', 'Profiling enabled'] },
  { id: 'p3LvY0cWm1sE', name: 'Documentation & Ownership', rules: ['Has a team', 'Has contacts', 'Has a code repository', 'Has docs'] },
];

export function rule(random: () => number, i: number, now: number): Json {
  const card = SCORECARDS[i % SCORECARDS.length];
  const base = card.rules[Math.floor(i / SCORECARDS.length) % card.rules.length];
  const round = Math.floor(i / (SCORECARDS.length * 3));
  const custom = round > 0 || random() < 0.2;
  const created = now - between(random, 5, 700) * DAY;
  return {
    id: uuid(random),
    type: 'rule',
    attributes: {
      name: round === 0 ? base : `${base} (${round + 1})`,
      description: `${base}.`,
      category: card.name,
      scorecard_name: card.name,
      level: between(random, 1, 3),
      enabled: random() < 0.9,
      custom,
      ...(custom ? { owner: pick(random, TEAMS), scope_query: `tier:${between(random, 1, 2)}` } : {}),
      created_at: micros(created, random),
      modified_at: micros(created + Math.floor(random() * (now - created)), random),
    },
    relationships: { scorecard: { data: { id: card.id, type: 'scorecard' } } },
  };
}

export function outcome(random: () => number, ruleRecord: Json, service: string, now: number): Json {
  const state = pick(random, ['pass', 'pass', 'fail', 'skip']);
  const time = nanos(now - between(random, 0, 14) * DAY - between(random, 0, DAY), random);
  return {
    // Datadog's own key: the rule's id and the service, joined by a backslash.
    id: `${ruleRecord.id}\\${service}`,
    type: 'outcome',
    attributes: {
      service_name: service,
      state,
      remarks: state === 'fail' ? `See: <a href="https://app.datadoghq.com/services?service=${service}">Services</a>` : '',
      created_at: time,
      modified_at: time,
    },
    relationships: { rule: { data: { id: String(ruleRecord.id), type: 'rule' } } },
  };
}
