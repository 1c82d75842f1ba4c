/**
 * The production shape: the Temporal server itself on PostgreSQL (four history shards, from
 * scripts/temporal-cluster.sh, configured as docker-compose.yml configures it), three Retriever worker
 * processes on one task queue, every stream of the stream table into PostgreSQL from a rate-limited
 * simulator, and chaos: a worker SIGKILLed every 10–20 s, the server killed and restarted mid-sync.
 * Every table is checked against the simulator's ground truth. `npm run test:cluster`; it prints a
 * table of what each step did and writes it to test-results/cluster.json.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { STREAMS, tableSpec } from '../src/datadog/streams/table';
import type { StreamDef } from '../src/datadog/streams/types';
import { keyColumn } from '../src/destinations/table-model';
import { startSimulator, type RequestLogEntry, type Simulator, type World } from '../src/simulator';
import { seededRandom } from '../src/simulator/random';
import { datadogSync } from '../src/workflows';
import type { SyncResult } from '../src/workflows/types';
import { clusterScript, clusterSettings, TemporalCluster } from './helpers/cluster';
import { adminClient, dropSchema, testPostgresEnv, uniqueSchema } from './helpers/postgres';
import { startWorkerProcess, type WorkerProcess } from './helpers/processes';
import { tempDir, uniqueQueue } from './helpers/retriever';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WINDOW = 6 * HOUR;
const WORKERS = 3;
const ROOT = join(__dirname, '..');
const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (ms: number) => Math.round(ms / 100) / 10;

// Whole windows in the past, and the simulator's clock pinned at load: every stream's truth is fixed
// before the first sync starts, however long the suite runs (usage hours are published hours late, so a
// moving clock publishes more of [START, END) while the suite runs).
const LOADED = Date.now();
const anchor = Math.floor(LOADED / HOUR) * HOUR;
const START = anchor - 2 * DAY - 5 * HOUR;
const END = anchor;

/** The stream table as it is when the suite runs: every stream, whatever has been added. */
const EVERY_STREAM = STREAMS.map((s) => s.name);

/**
 * The search buckets allow 4 requests per 2 s, shared by the three workers, which keeps the sync
 * running for over a minute; every other endpoint 30 per 2 s (a page of SLO history takes one request per
 * SLO, and a page needing more than its bucket allows per period could never complete).
 */
const SEARCH_BUCKETS = ['logs_list', 'audit_list', 'events_list', 'rum_list', 'spans_list'];
const WORLD = {
  dashboards: 60,
  clock: () => LOADED,
  logs: { count: 8_000, from: anchor - 3 * DAY, to: LOADED },
  search: { audit_logs: 600, events: 600, rum_events: 600, spans: 600 },
  rateLimits: { default: { limit: 30, period: 2 }, buckets: Object.fromEntries(SEARCH_BUCKETS.map((b) => [b, { limit: 4, period: 2 }])) },
  // Answers take a few hundred milliseconds, as Datadog's do: a page spends that long in flight.
  faults: { seed: 3, latencyMs: [100, 400] as [number, number] },
};

/** The windows a stream reads [from, to) in: each ends on a multiple of the window size, as streamSync's do. */
function windows(from: number, to: number): { from: number; to: number }[] {
  const out = [];
  for (let f = from; f < to; ) {
    const t = Math.min((Math.floor(f / WINDOW) + 1) * WINDOW, to);
    out.push({ from: f, to: t });
    f = t;
  }
  return out;
}

/** The keys a stream's table must hold after reading [START, END). */
function truthOf(world: World, def: StreamDef): string[] {
  if (def.name === 'slo_history') {
    // One row per SLO and window read: not a dataset of its own but a product of the windows.
    return world.slos.flatMap((slo) => windows(START, END).map((w) => `${slo.id}:${Math.floor(w.from / 1000)}`)).sort();
  }
  return def.window ? world.groundTruth(def.name, { from: START, to: END }) : world.groundTruth(def.name);
}

/**
 * Requests answered 200 before and sent again, by path. Some are by design and in every row alike (the
 * SLO list slo_history reads for each window; teams and incident_teams read one endpoint); what a row
 * has beyond those is what its kills and lost activities cost.
 */
function pagesReRead(requests: RequestLogEntry[]): Map<string, number> {
  const seen = new Set<string>();
  const again = new Map<string, number>();
  for (const r of requests) {
    if (r.status !== 200 || r.path === '/api/v1/validate' || r.path === '/api/v2/current_user') continue;
    const key = `${r.method} ${r.path} ${JSON.stringify(Object.entries(r.query).sort())} ${JSON.stringify(r.body ?? null)}`;
    if (seen.has(key)) again.set(r.path, (again.get(r.path) ?? 0) + 1);
    seen.add(key);
  }
  return again;
}

/** Keeps `count` worker processes on one task queue: restarts one that dies, kills one when told to. */
class WorkerPool {
  private readonly current: (WorkerProcess | undefined)[] = [];
  private stopped = false;
  /** Workers that exited on their own (e.g. their server vanished) and were started again. */
  restarts = 0;
  readonly kills: { atSeconds: number; worker: number; readyMs: number; page: string }[] = [];

  constructor(
    private readonly env: Record<string, string>,
    private readonly count: number,
    private readonly started: number,
  ) {}

  async start(): Promise<void> {
    await Promise.all(Array.from({ length: this.count }, (_, i) => this.startOne(i)));
  }

  private async startOne(i: number): Promise<void> {
    const worker = await startWorkerProcess(this.env);
    this.current[i] = worker;
    void worker.exited.then(async () => {
      if (this.stopped || this.current[i] !== worker) return;
      this.restarts++;
      await this.startOne(i);
    });
  }

  /** Which of the pool's workers has this process id. */
  indexOf(pid: number): number {
    return this.current.findIndex((w) => w?.child.pid === pid);
  }

  /** SIGKILLs worker `i` and starts its replacement; resolves once the new one is ready. */
  async killAndReplace(i: number, page = ''): Promise<void> {
    const old = this.current[i];
    this.current[i] = undefined;
    const at = Date.now();
    await old?.kill('SIGKILL');
    const killed = Date.now();
    await this.startOne(i);
    this.kills.push({ atSeconds: seconds(at - this.started), worker: i + 1, readyMs: Date.now() - killed, page });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.current.map((w) => w?.kill('SIGTERM')));
  }
}

async function withClient<T>(address: string, work: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address });
  try {
    return await work(new Client({ connection }));
  } finally {
    await connection.close();
  }
}

/** A sync's result, waiting through server restarts: a lost connection is not the sync's end. */
async function awaitResult(address: string, workflowId: string): Promise<SyncResult> {
  for (;;) {
    try {
      return await withClient(address, (client) => client.workflow.getHandle<typeof datadogSync>(workflowId).result());
    } catch (err) {
      if (err instanceof WorkflowFailedError) throw err;
      await sleep(1_000);
    }
  }
}

/**
 * Retried activities (pages, mostly) across every run of these workflows: history records an
 * activity once, with the attempt that completed it, so each attempt beyond the first is a retry.
 */
async function activityRetries(address: string, workflowIds: string[]): Promise<number> {
  return withClient(address, async (client) => {
    let retries = 0;
    for (const workflowId of workflowIds) {
      for await (const run of client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) {
        const history = await client.workflow.getHandle(workflowId, run.runId).fetchHistory();
        for (const event of history.events ?? []) retries += Math.max(0, (event.activityTaskStartedEventAttributes?.attempt ?? 1) - 1);
      }
    }
    return retries;
  });
}

/**
 * Polls the syncs' running children until one has an activity started on a worker (a page being
 * fetched and written), and says which worker (its identity is `pid@host`) and which page.
 */
async function pageInFlight(address: string, syncIds: string[], done: () => boolean): Promise<{ pid: number; page: string } | undefined> {
  return withClient(address, async (client) => {
    while (!done()) {
      for (const syncId of syncIds) {
        const parent = await client.workflow.getHandle(syncId).describe().catch(() => undefined);
        for (const child of parent?.raw.pendingChildren ?? []) {
          const described = await client.workflow.getHandle(child.workflowId!).describe().catch(() => undefined);
          const started = described?.raw.pendingActivities?.find((a) => Number(a.state) === 2 && a.lastWorkerIdentity);
          if (started) return { pid: Number(started.lastWorkerIdentity!.split('@')[0]), page: `${child.workflowId!.split('/').pop()} attempt ${started.attempt}` };
        }
      }
      await sleep(10);
    }
    return undefined;
  });
}

interface Check {
  expected: number;
  found: number;
  duplicates: number;
  problems: string[];
}

/** Every table against the ground truth, and every incremental bookmark at the end of the last window. */
async function checkTables(schema: string, world: World, streams: string[]): Promise<Check> {
  const db = await adminClient();
  const check: Check = { expected: 0, found: 0, duplicates: 0, problems: [] };
  try {
    const { rows: state } = await db.query<{ stream: string; cursor_ms: string }>(`SELECT stream, cursor_ms FROM "${schema}"._retriever_state`);
    for (const name of streams) {
      const def = STREAMS.find((s) => s.name === name)!;
      const truth = truthOf(world, def);
      const { rows } = await db.query<{ k: string }>(`SELECT "${keyColumn(tableSpec(def)).name}"::text AS k FROM "${schema}"."${name}"`);
      const unique = new Set(rows.map((r) => r.k));
      const expected = new Set(truth);
      check.expected += truth.length;
      check.found += unique.size;
      check.duplicates += rows.length - unique.size;
      const missing = truth.filter((k) => !unique.has(k)).length;
      const unexpected = [...unique].filter((k) => !expected.has(k)).length;
      if (missing || unexpected) check.problems.push(`${name}: ${missing} missing, ${unexpected} unexpected`);
      const bookmark = state.find((s) => s.stream === name)?.cursor_ms;
      if (def.window && Number(bookmark) !== END) check.problems.push(`${name}: bookmark ${bookmark}, not the last window's end ${END}`);
    }
  } finally {
    await db.end();
  }
  return check;
}

interface Row {
  scenario: string;
  syncs: number;
  streams: number;
  expected: number;
  found: number;
  duplicates: number;
  seconds: number;
  requests: number;
  limited: number;
  reRead: number;
  retries: number;
  status: 'ok' | 'FAILED';
  notes: string;
}

interface Context {
  cluster: TemporalCluster;
  workers: WorkerPool;
  random: () => number;
  started: number;
  /** Resolves once the simulator has served `n` more requests (or the syncs are over). */
  requestsLater(n: number): Promise<void>;
  /** Resolves, once a page is being fetched and written, with the worker running it (or undefined once the syncs are over). */
  pageInFlight(): Promise<{ pid: number; page: string } | undefined>;
  done(): boolean;
}

interface Outcome {
  row: Row;
  workflowIds: string[];
}

describe('the production shape: a Temporal cluster on PostgreSQL, three workers, chaos', () => {
  let cluster: TemporalCluster;
  const rows: Row[] = [];
  jest.setTimeout(900_000);

  beforeAll(async () => {
    const started = Date.now();
    cluster = await TemporalCluster.start();
    console.log(`Temporal cluster at ${cluster.address} (databases ${cluster.database}*) serving after ${seconds(Date.now() - started)} s`);
  }, 900_000); // a clean machine builds the server first (about 4 minutes on 2 cores)

  afterAll(async () => {
    await cluster?.drop();
    printTable(rows);
    mkdirSync(join(__dirname, '..', 'test-results'), { recursive: true });
    writeFileSync(join(__dirname, '..', 'test-results', 'cluster.json'), JSON.stringify(rows, null, 2));
  });

  /**
   * Runs one sync per entry of `syncs` at once (each a list of streams) on three worker processes,
   * with `chaos` alongside, and checks every table against the ground truth.
   */
  async function scenario(name: string, syncs: string[][], chaos: (ctx: Context) => Promise<string>): Promise<Outcome> {
    const started = Date.now();
    // One world for every scenario, so their rows compare.
    const simulator: Simulator = await startSimulator({ seed: 7919, ...WORLD });
    const schema = uniqueSchema('cluster');
    const taskQueue = uniqueQueue('cluster');
    const workers = new WorkerPool(
      { TEMPORAL_ADDRESS: cluster.address, RETRIEVER_TASK_QUEUE: taskQueue, DD_BASE_URL: simulator.url, RETRIEVER_DESTINATION: 'postgres', RETRIEVER_POSTGRES_SCHEMA: schema, ...testPostgresEnv() },
      WORKERS,
      started,
    );
    let finished = false;
    const ids = syncs.map((_, i) => `cluster-${name.replace(/\W+/g, '-')}-${i + 1}-${Date.now()}`);
    const ctx: Context = {
      cluster,
      workers,
      random: seededRandom(name.length),
      started,
      done: () => finished,
      async requestsLater(n) {
        const target = simulator.requests.length + n;
        while (!finished && simulator.requests.length < target) await sleep(20);
      },
      pageInFlight: () => pageInFlight(cluster.address, ids, () => finished),
    };
    try {
      await workers.start();
      await withClient(cluster.address, (client) =>
        Promise.all(
          syncs.map((streams, i) =>
            client.workflow.start(datadogSync, {
              taskQueue,
              workflowId: ids[i],
              args: [{ name: `part-${i + 1}`, streams, start_date: new Date(START).toISOString(), end_date: new Date(END).toISOString(), lag: '0s', window_size: '6h', max_records_per_request: 50, max_parallel_streams: 6 }],
            }),
          ),
        ),
      );
      const chaosNotes = chaos(ctx);
      const results = await Promise.all(ids.map((id) => awaitResult(cluster.address, id)));
      finished = true;
      const notes = await chaosNotes;
      await workers.stop();
      const streams = syncs.flat();
      const check = await checkTables(schema, simulator.world, streams);
      const failed = results.filter((r) => r.status !== 'completed' || r.warnings.length > 0);
      const reRead = pagesReRead(simulator.requests);
      const workflowIds = ids.flatMap((id, i) => [id, ...syncs[i].map((s) => `${id}/${s}`)]);
      const row: Row = {
        scenario: name,
        syncs: syncs.length,
        streams: streams.length,
        expected: check.expected,
        found: check.found,
        duplicates: check.duplicates,
        seconds: seconds(Date.now() - started),
        requests: simulator.requests.length,
        limited: simulator.requests.filter((r) => r.status === 429).length,
        reRead: [...reRead.values()].reduce((a, b) => a + b, 0),
        retries: await activityRetries(cluster.address, workflowIds),
        status: check.problems.length === 0 && failed.length === 0 ? 'ok' : 'FAILED',
        notes: [
          notes,
          workers.restarts && `${workers.restarts} workers restarted after exiting on their own`,
          reRead.size > 0 && `re-read: ${[...reRead].map(([path, n]) => `${path} ×${n}`).join(', ')}`,
          ...failed.map((r) => `a sync ended ${r.status}: ${r.warnings.join('; ')}`),
          ...check.problems,
        ]
          .filter(Boolean)
          .join('; '),
      };
      rows.push(row);
      return { row, workflowIds };
    } finally {
      finished = true;
      await workers.stop();
      await simulator.close();
      await dropSchema(schema).catch(() => undefined);
    }
  }

  function expectExact(row: Row): void {
    expect(row).toMatchObject({ status: 'ok', duplicates: 0, found: row.expected });
    expect(row.expected).toBeGreaterThan(0);
  }

  it('runs three syncs at once on three workers, across history shards: every stream exact', async () => {
    // The stream table split three ways, so each sync has tables of its own in the one schema.
    const parts = [0, 1, 2].map((k) => EVERY_STREAM.filter((_, i) => i % 3 === k));
    const { row, workflowIds } = await scenario('3 syncs at once', parts, async () => '');
    const shards = await cluster.shardsOf(workflowIds);
    const perShard = new Map<number, number>();
    for (const shard of shards.values()) perShard.set(shard, (perShard.get(shard) ?? 0) + 1);
    row.notes = [row.notes, `${shards.size} workflows on shards ${[...perShard].sort(([a], [b]) => a - b).map(([s, n]) => `${s}:${n}`).join(' ')}`].filter(Boolean).join('; ');
    expectExact(row);
    expect(row.streams).toBe(EVERY_STREAM.length);
    expect(shards.size).toBe(workflowIds.length); // every parent and child found in the server's own tables
    expect(perShard.size).toBeGreaterThan(1);
  });

  it('survives one worker SIGKILLed every 10–20 s, restarted each time: exact', async () => {
    const { row } = await scenario('worker SIGKILL every 10-20 s', [EVERY_STREAM], async (ctx) => {
      for (let i = 0; ; i++) {
        const wait = 10_000 + Math.floor(ctx.random() * 10_000);
        for (const until = Date.now() + wait; Date.now() < until && !ctx.done(); ) await sleep(100);
        // The worker with a page in flight: the kill lands mid-page, not between pages.
        const inFlight = await ctx.pageInFlight();
        if (!inFlight || ctx.done()) break;
        const worker = ctx.workers.indexOf(inFlight.pid);
        if (worker >= 0) await ctx.workers.killAndReplace(worker, inFlight.page);
      }
      const kills = ctx.workers.kills;
      return `${kills.length} kills: ${kills.map((k) => `at ${k.atSeconds} s worker ${k.worker} (${k.page} in flight; replacement ready in ${seconds(k.readyMs)} s)`).join(', ')}`;
    });
    expectExact(row);
    expect(row.notes).not.toMatch(/^0 kills/); // the sync outlasted the first kill
    expect(row.retries).toBeGreaterThan(0); // and the pages the kills interrupted were fetched again
  });

  it('survives the Temporal server killed and restarted mid-sync, its state in PostgreSQL: exact', async () => {
    const { row } = await scenario('Temporal server SIGKILL', [EVERY_STREAM], async (ctx) => {
      await ctx.requestsLater(120); // about a third of the way
      const inFlight = await ctx.pageInFlight();
      if (!inFlight || ctx.done()) return 'the sync ended before the kill';
      const killedAt = Date.now();
      await ctx.cluster.kill();
      const down = await ctx.cluster.answers();
      await sleep(3_000);
      const restarting = Date.now();
      await ctx.cluster.restart();
      return `server SIGKILLed at ${seconds(killedAt - ctx.started)} s with ${inFlight.page} in flight (answering after the kill: ${down}), down ${seconds(restarting - killedAt)} s, serving again ${seconds(Date.now() - restarting)} s after its restart`;
    });
    expectExact(row);
    expect(row.notes).toMatch(/answering after the kill: false/);
  });

  it("fills the image's config template from docker-compose.yml's variables into the configuration compose means", async () => {
    const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: { temporal: { environment: Record<string, string | number> } } };
    // What compose substitutes for ${VAR:-default} when VAR is unset.
    const environment = Object.fromEntries(Object.entries(compose.services.temporal.environment).map(([k, v]) => [k, String(v).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1')]));
    const root = tempDir('retriever-render-');
    mkdirSync(join(root, 'config'));
    copyFileSync(join(cluster.dir, 'config', 'docker.yaml'), join(root, 'config', 'docker.yaml')); // the one the cluster runs on
    const { SERVER } = await clusterSettings(cluster.env);
    const { stdout } = await run(SERVER, ['--config', join(root, 'config'), '--env', 'docker', 'render-config'], { env: { PATH: process.env.PATH!, ...environment } });
    const config = parse(stdout);
    const store = (database: string) => ({ sql: { pluginName: 'postgres12', databaseName: database, connectAddr: 'postgresql:5432', user: 'temporal' } });
    expect(config.persistence).toMatchObject({
      numHistoryShards: Number(environment.NUM_HISTORY_SHARDS),
      datastores: { [config.persistence.defaultStore]: store('temporal'), [config.persistence.visibilityStore]: store('temporal_visibility') },
    });
    expect(config.dynamicConfigClient.filepath).toBe(environment.DYNAMIC_CONFIG_FILE_PATH);
    expect(config.services.frontend.rpc.grpcPort).toBe(7233);
  });

  it('runs a dynamic config the server accepts: every key known, every value of its type', async () => {
    const { SERVER, DYNAMIC_CONFIG_FILE_PATH } = await clusterSettings(cluster.env);
    const { stdout, stderr } = await run(SERVER, ['validate-dynamic-config', DYNAMIC_CONFIG_FILE_PATH]);
    expect(stdout + stderr).not.toMatch(/warning|error/i);
  });

  it('the cluster script is idempotent: start on a running cluster keeps it, status reports it', async () => {
    const pidBefore = await clusterScript('status', cluster.env);
    expect(await clusterScript('start', cluster.env)).toMatch(/already running/);
    expect(await clusterScript('status', cluster.env)).toBe(pidBefore);
  });
});

function printTable(rows: Row[]): void {
  const header = ['scenario', 'syncs', 'streams', 'records expected', 'found', 'duplicates', 'time (s)', 'requests', '429s', 'pages re-read', 'activity retries', 'status', 'notes'];
  const cells = rows.map((r) => [r.scenario, r.syncs, r.streams, r.expected, r.found, r.duplicates, r.seconds, r.requests, r.limited, r.reRead, r.retries, r.status, r.notes].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
  console.log(['Temporal cluster suite', line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n'));
}
