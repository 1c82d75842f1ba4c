/** Processes as the process agent reports them: each seen at every 10-second tick of its lifetime. */
import { HOSTS, SERVICES } from '../../data';
import { between, pick, seededRandom } from '../../random';
import { awayFrom, DAY, hexId, LIVE_RETENTION_MS, MINUTE, zoneless, type Json } from './shared';

/** The process agent reports every 10 seconds: a process is seen at these ticks. */
export const PROCESS_TICK_MS = 10_000;

/** A process and its lifetime: seen at every 10-second tick in [start, end). */
export interface StoredProcess {
  id: string;
  start: number;
  end: number;
  host: string;
  pid: number;
  ppid: number;
  user: string;
  cmdline: string;
  tags: string[];
}

const DAEMONS = ['/lib/systemd/systemd --switched-root --system --deserialize 22', '/usr/sbin/sshd -D', '/opt/datadog-agent/bin/agent/agent run', 'nginx: master process /usr/sbin/nginx', '/usr/bin/containerd'];
const JOBS = ['python3 /srv/jobs/rollup.py --day', 'java -jar /srv/billing/export.jar', 'node /srv/web/server.js', 'pg_dump --format=custom acme', 'ruby /srv/worker/bin/sidekiq'];

export function makeProcess(random: () => number, key: string, start: number, end: number): StoredProcess {
  const host = pick(random, HOSTS);
  const daemon = end === Infinity && random() < 0.5;
  return {
    id: hexId(`process:${key}`),
    start,
    end,
    host,
    pid: between(random, 2, 65_000),
    ppid: daemon ? 1 : between(random, 1, 5_000),
    user: daemon ? 'root' : pick(random, ['www-data', 'postgres', 'dd-agent', 'app']),
    cmdline: daemon ? pick(random, DAEMONS) : pick(random, JOBS),
    tags: [`host:${host}`, `env:${pick(random, ['prod', 'staging'])}`, `service:${pick(random, SERVICES)}`],
  };
}

/**
 * Long-running daemons, and jobs that ran for minutes or hours over the last three days: some
 * still run, some ended within the 36 hours Datadog keeps them, some before.
 */
export function generateProcesses(seed: number, count: number, now: number): StoredProcess[] {
  const random = seededRandom(seed ^ 0x9c);
  return Array.from({ length: count }, (_, i) => {
    if (random() < 0.3) return makeProcess(random, `${seed}:${i}`, now - between(random, 1, 60) * DAY, Infinity);
    const start = now - between(random, 10, 3 * 24 * 60) * MINUTE - between(random, 0, 59_999);
    const end = start + between(random, 1, 6 * 60) * MINUTE;
    return makeProcess(random, `${seed}:${i}`, start, end > now ? Infinity : awayFrom(end, now - LIVE_RETENTION_MS));
  });
}

/** The last tick in [from, to) at which a process was seen, if any, and Datadog still keeps it (`now`). */
export function processSeen(p: StoredProcess, from: number, to: number, now: number): number | undefined {
  const last = Math.min(to - 1, p.end - 1, now);
  const tick = Math.floor(last / PROCESS_TICK_MS) * PROCESS_TICK_MS;
  if (tick < from || tick < p.start || tick < now - LIVE_RETENTION_MS) return undefined;
  return tick;
}

export function processRecord(p: StoredProcess, seen: number): Json {
  return {
    type: 'process',
    id: p.id,
    attributes: { cmdline: p.cmdline, host: p.host, pid: p.pid, ppid: p.ppid, user: p.user, start: zoneless(p.start), timestamp: zoneless(seen), tags: p.tags },
  };
}
