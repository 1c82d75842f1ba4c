/** Security signals, CI Visibility pipeline and test events, and DORA deployments and failures: records with a time. */
import { HOSTS, SERVICES, type Timed } from '../../data';
import { between, pick, randomId, seededRandom, uuid } from '../../random';
import type { Json } from '../catalog';
import type { SearchRecord } from '../events';
import type { DoraStream, SecuritySearchStream } from './streams';
import { ENVS, HEX, MINUTE } from './values';

const TEAMS = ['backend', 'platform', 'payments', 'growth'];
const iso = (ms: number) => new Date(ms).toISOString();
/** Epoch nanoseconds as CI Visibility writes them: a JSON number, with sub-millisecond digits. */
const nanos = (ms: number, random: () => number) => ms * 1e6 + between(random, 0, 999) * 1000;

type Generator = (random: () => number, ts: number) => SearchRecord;

/**
 * A CI Visibility event (pipeline or test): its level as an attribute and a tag, beside the tags and
 * attributes of its kind. Its arguments draw in the order written: the id, then the attributes.
 */
function ciEvent(id: string, type: string, levelField: 'ci_level' | 'test_level', level: string, tags: string[], attributes: Json): SearchRecord {
  return { id, type, attributes: { [levelField]: level, tags: ['source:apm', `${levelField}:${level}`, ...tags], attributes } };
}

export const SEARCH_GENERATORS: Record<SecuritySearchStream, Generator> = {
  security_signals: (random, ts) => {
    const host = pick(random, HOSTS);
    const source = pick(random, ['cloudtrail', 'runtime-security-agent', 'kubernetes.audit', 'route53']);
    const severity = pick(random, ['info', 'low', 'medium', 'high', 'critical']);
    const rule = pick(random, ['pam_modification', 'aws_root_login', 'suspicious_dns', 'kubectl_exec']);
    return {
      id: `AQAAAY${randomId(random, 50)}`,
      type: 'signal',
      attributes: {
        timestamp: iso(ts),
        message: `## Goal\nDetect ${rule.replace(/_/g, ' ')} on ${host}.`,
        tags: [`source:${source}`, `env:${pick(random, ENVS)}`, `rule_id:${rule}`, 'security:attack'],
        status: severity,
        host,
        service: [pick(random, SERVICES)],
        custom: {},
        attributes: { status: 'info', hostname: host, entities: [`host:${host}`], workflow: { triage: { state: pick(random, ['open', 'open', 'under_review', 'archived']) } } },
      },
    };
  },
  ci_pipeline_events: (random, ts) => {
    const level = pick(random, ['pipeline', 'stage', 'job', 'job', 'step']);
    const provider = pick(random, ['github', 'gitlab', 'circleci', 'jenkins']);
    const pipeline = pick(random, ['test_and_build', 'deploy', 'nightly', 'lint']);
    const status = pick(random, ['success', 'success', 'success', 'error', 'canceled']);
    return ciEvent(`AgAAAYP${randomId(random, 60)}`, 'cipipeline', 'ci_level', level, [`provider:${provider}`, `status:${status}`], {
      start: nanos(ts, random),
      duration: between(random, 5, 3_600) * 1e9,
      ci: { pipeline: { name: pipeline, id: uuid(random) }, provider: { name: provider }, job: { name: pick(random, ['unit', 'integration_tests', 'build']) }, status },
      git: { branch: pick(random, ['main', 'main', 'release/2.4', 'fix/retry']), commit: { sha: randomId(random, 40, HEX) }, repository_url: `https://github.com/example/${pick(random, SERVICES)}.git` },
    });
  },
  ci_test_events: (random, ts) => {
    const level = pick(random, ['session', 'module', 'suite', 'test', 'test', 'test']);
    const service = `${pick(random, SERVICES)}-tests`;
    const status = pick(random, ['pass', 'pass', 'pass', 'fail', 'skip']);
    return ciEvent(`AQAAAYP7${randomId(random, 50)}`, 'citest', 'test_level', level, [`service:${service}`, `status:${status}`], {
      start: nanos(ts, random),
      duration: between(random, 1, 90_000) * 1e6,
      service,
      test: { name: `handles case ${between(random, 1, 400)}`, suite: `${service}/spec/${pick(random, ['cart', 'auth', 'search'])}.test.ts`, status, framework: pick(random, ['jest', 'pytest', 'junit']) },
      ci: { pipeline: { id: String(between(random, 10_000_000, 19_999_999)) }, provider: { name: pick(random, ['gitlab', 'github']) } },
    });
  },
};

/** A DORA event about one service (drawn first), with a 16-hex id, then the attributes of its kind. */
function doraEvent(random: () => number, type: string, attributes: (service: string) => Json): Json & { id: string } {
  const service = pick(random, SERVICES);
  return { id: randomId(random, 16, HEX), type, attributes: attributes(service) };
}

export const DORA_GENERATORS: Record<DoraStream, (random: () => number, ts: number) => Json & { id: string }> = {
  dora_deployments: (random, ts) =>
    doraEvent(random, 'dora_deployment', (service) => ({
      service,
      env: pick(random, ['production', 'production', 'staging']),
      team: pick(random, TEAMS),
      version: `v${between(random, 1, 3)}.${between(random, 0, 20)}.${between(random, 0, 9)}`,
      // Whole seconds, as deployment events are sent: exact as JSON numbers in nanoseconds.
      started_at: ts * 1e6,
      finished_at: (ts + between(random, 10, 900) * 1000) * 1e6,
      git: { commit_sha: randomId(random, 40, HEX), repository_id: `github.com/example/${service}` },
      custom_tags: [`department:${pick(random, ['engineering', 'platform'])}`, `region:${pick(random, ['us-east-1', 'eu-west-1'])}`],
    })),
  dora_failures: (random, ts) =>
    doraEvent(random, 'dora_failure', (service) => ({
      name: `${pick(random, ['Database outage', 'Elevated 5xx', 'Checkout latency', 'Queue backlog'])} on ${service}`,
      severity: pick(random, ['SEV-1', 'SEV-2', 'SEV-2', 'SEV-3', 'SEV-4']),
      services: [service],
      env: 'production',
      team: pick(random, TEAMS),
      version: `v${between(random, 1, 3)}.${between(random, 0, 20)}.${between(random, 0, 9)}`,
      started_at: ts * 1e6,
      finished_at: (ts + between(random, 5, 600) * MINUTE) * 1e6,
      git: { commit_sha: randomId(random, 40, HEX), repository_url: `https://github.com/example/${service}` },
      custom_tags: [`incident_type:${pick(random, ['database', 'network', 'deploy'])}`],
    })),
};

export function spread<T>(seed: number, count: number, from: number, to: number, make: (random: () => number, ts: number) => T, step = 1): Timed<T & { id: string }>[] {
  const random = seededRandom(seed);
  const out: Timed<T & { id: string }>[] = [];
  for (let i = 0; i < count; i++) {
    const ts = Math.floor((from + random() * (to - from)) / step) * step;
    out.push({ ts, record: make(random, ts) as T & { id: string } });
  }
  return out;
}
