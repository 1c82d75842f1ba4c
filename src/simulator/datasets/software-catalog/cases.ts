/** Case Management: projects and the cases opened in them. */
import { between, pick, uuid } from '../../random';
import type { Json } from '../catalog';
import { micros, nanos, serviceName } from './values';

const PROJECT_NAMES: [string, string][] = [
  ['CASEM', 'Security Investigation'],
  ['OPS', 'Operations'],
  ['ET', 'Error Tracking'],
  ['BILL', 'Billing Escalations'],
];
const CASE_STATUS = [
  { status: 'OPEN', status_group: 'SG_OPEN', status_name: 'Open' },
  { status: 'IN_PROGRESS', status_group: 'SG_IN_PROGRESS', status_name: 'In Progress' },
  { status: 'CLOSED', status_group: 'SG_CLOSED', status_name: 'Closed' },
];
const PRIORITIES = ['NOT_DEFINED', 'P1', 'P2', 'P3', 'P4', 'P5'];
const userRef = (random: () => number) => ({ data: { id: uuid(random), type: 'user' } });

export function project(random: () => number, i: number): Json {
  const [key, name] = i < PROJECT_NAMES.length ? PROJECT_NAMES[i] : [`P${i}`, `Project ${i}`];
  return {
    id: uuid(random),
    type: 'project',
    attributes: {
      key,
      name,
      restricted: random() < 0.2,
      enabled_custom_case_types: [],
      settings: { auto_close_inactive_cases: { enabled: random() < 0.5, max_inactive_time_in_secs: 30 * 86_400 }, notification: { enabled: true, notify_on_case_assignment: true } },
    },
    relationships: { member_user: { data: [{ id: uuid(random), type: 'user' }] }, member_team: { data: [] } },
  };
}

/** A case; `created` is kept beside it so the route can sort without parsing. */
export interface StoredCase {
  created: number;
  priority: string;
  status: string;
  record: Json;
}

export function aCase(random: () => number, projects: Json[], counters: Map<string, number>, created: number, now: number): StoredCase {
  const projectRecord = pick(random, projects);
  const key = String((projectRecord.attributes as Json).key);
  const number = (counters.get(key) ?? 0) + 1;
  counters.set(key, number);
  const state = pick(random, CASE_STATUS);
  const modified = nanos(created + Math.floor(random() * (now - created)), random);
  const priority = pick(random, PRIORITIES);
  const service = serviceName(between(random, 0, 20));
  const record: Json = {
    id: uuid(random),
    type: 'case',
    attributes: {
      key: `${key}-${number}`,
      title: `${pick(random, ['Elevated errors on', 'Suspicious login to', 'Latency regression in', 'Failed payments through'])} ${service}`,
      description: `Opened from a ${pick(random, ['monitor alert', 'security signal', 'customer report'])}.`,
      priority,
      ...state,
      type: 'STANDARD',
      type_id: '00000000-0000-0000-0000-000000000001',
      attributes: { service: [service], env: [pick(random, ['prod', 'staging'])] },
      custom_attributes: {},
      created_at: micros(created, random),
      modified_at: modified,
      // Closing is the last change a closed case had.
      closed_at: state.status === 'CLOSED' ? modified : null,
      archived_at: null,
      jira_issue: null,
      service_now_ticket: null,
      // Not in the spec, in every recorded case.
      comment_count: between(random, 0, 6),
    },
    relationships: {
      assignee: random() < 0.7 ? userRef(random) : { data: null },
      created_by: userRef(random),
      modified_by: userRef(random),
      project: { data: { id: String(projectRecord.id), type: 'project' } },
    },
  };
  return { created, priority, status: state.status, record };
}
