import type { Command } from 'commander';
import { ScheduleOverlapPolicy, type Client, type ScheduleDescription } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { readEnv, webUiUrl, type RetrieverEnv } from '../config/env';
import { DURATION_PATTERN } from '../config/duration';
import { InvalidConfigError } from '../config/issues';
import type { SyncRequest } from '../config/request';
import { datadogSync } from '../workflows';
import { loadConfigFile } from './config-file';
import { syncBaseId, syncSummary } from './run-sync';
import { connectClient } from './temporal';

const OVERLAP: Record<string, ScheduleOverlapPolicy> = {
  skip: ScheduleOverlapPolicy.SKIP,
  'buffer-one': ScheduleOverlapPolicy.BUFFER_ONE,
  'buffer-all': ScheduleOverlapPolicy.BUFFER_ALL,
  'cancel-other': ScheduleOverlapPolicy.CANCEL_OTHER,
  'terminate-other': ScheduleOverlapPolicy.TERMINATE_OTHER,
  'allow-all': ScheduleOverlapPolicy.ALLOW_ALL,
};

export interface ScheduleSpecOptions {
  every?: string;
  cron?: string;
  /** How late a missed run (server down) may still start. */
  catchupWindow: string;
  overlap: keyof typeof OVERLAP | string;
  paused?: boolean;
}

/**
 * A Temporal Schedule whose action starts `datadogSync` with the request. Each run's workflow ID is
 * `retriever-<name>-<scheduled time>`; bookmarks make every run pick up where the last one ended.
 */
export async function createSyncSchedule(client: Client, env: RetrieverEnv, request: SyncRequest, scheduleId: string, options: ScheduleSpecOptions) {
  const problems: string[] = [];
  if (Boolean(options.every) === Boolean(options.cron)) problems.push('give exactly one of --every or --cron');
  if (options.every && !DURATION_PATTERN.test(options.every)) problems.push(`--every: "${options.every}" is not a duration like 15m, 1h or 1d`);
  if (!DURATION_PATTERN.test(options.catchupWindow)) problems.push(`--catchup-window: "${options.catchupWindow}" is not a duration like 10m`);
  if (!(options.overlap in OVERLAP)) problems.push(`--overlap: one of ${Object.keys(OVERLAP).join(', ')}`);
  if (problems.length > 0) throw new InvalidConfigError(problems, 'schedule');
  return client.schedule.create({
    scheduleId,
    spec: options.every ? { intervals: [{ every: options.every as Duration }] } : { cronExpressions: [options.cron!] },
    action: {
      type: 'startWorkflow',
      workflowType: datadogSync,
      workflowId: syncBaseId(request),
      taskQueue: env.RETRIEVER_TASK_QUEUE,
      args: [request],
      staticSummary: syncSummary(request),
    },
    policies: { overlap: OVERLAP[options.overlap], catchupWindow: options.catchupWindow as Duration },
    state: { paused: options.paused ?? false, note: options.paused ? 'created paused' : undefined },
  });
}

function describeSchedule(id: string, d: ScheduleDescription, env: RetrieverEnv) {
  return {
    scheduleId: id,
    paused: d.state.paused,
    note: d.state.note,
    spec: { intervals: d.spec.intervals?.map((i) => i.every), cron: d.spec.calendars?.length ? 'calendar' : undefined },
    overlap: d.policies.overlap,
    catchupWindowMs: d.policies.catchupWindow,
    actions: d.info.numActionsTaken,
    skipped: d.info.numActionsSkippedOverlap,
    running: d.info.runningActions.map((a) => a.workflow.workflowId),
    recent: d.info.recentActions.map((a) => ({ scheduledAt: a.scheduledAt, workflowId: a.action.workflow.workflowId })),
    next: d.info.nextActionTimes.slice(0, 3),
    webUi: `${webUiUrl(env, 'x').replace(/\/workflows\/x$/, '')}/schedules/${encodeURIComponent(id)}`,
  };
}

async function withClient<T>(work: (client: Client, env: RetrieverEnv) => Promise<T>): Promise<T> {
  const env = readEnv();
  const { client, close } = await connectClient(env);
  try {
    return await work(client, env);
  } finally {
    await close();
  }
}

function print(json: boolean, value: unknown, text: string): void {
  console.log(json ? JSON.stringify(value, null, 2) : text);
}

export function register(program: Command): void {
  const schedule = program.command('schedule').description('Recurring syncs as Temporal Schedules (overlap "skip" by default)');

  schedule
    .command('create')
    .description('Create a schedule that runs the config as a sync')
    .requiredOption('-c, --config <file>', 'sync config (JSON)')
    .option('--every <duration>', 'run at this interval, e.g. 1h')
    .option('--cron <expression>', "run on a cron expression, e.g. '0 * * * *'")
    .option('--id <scheduleId>', 'schedule ID (default retriever-<name>, and -<organization> for one other than the default)')
    .option('--organization <name>', 'the Datadog organisation to read, overriding the config (its keys are the worker\'s: DD_API_KEY__<NAME>, DD_APP_KEY__<NAME>)')
    .option('--catchup-window <duration>', 'how late a missed run may still start', '10m')
    .option('--overlap <policy>', `what to do when a run is still going: ${Object.keys(OVERLAP).join(', ')}`, 'skip')
    .option('--paused', 'create it paused')
    .option('--json', 'machine-readable output', false)
    .action(async (opts: ScheduleSpecOptions & { config: string; id?: string; organization?: string; json: boolean }) => {
      const request = loadConfigFile(opts.config, opts.organization ? { organization: opts.organization } : {});
      const id = opts.id ?? syncBaseId(request);
      await withClient(async (client, env) => {
        await createSyncSchedule(client, env, request, id, opts);
        const d = describeSchedule(id, await client.schedule.getHandle(id).describe(), env);
        print(opts.json, d, `created schedule ${id}; next runs: ${d.next.map((t) => t.toISOString()).join(', ')}\nWeb UI: ${d.webUi}`);
      });
    });

  schedule
    .command('list')
    .description('List schedules')
    .option('--json', 'machine-readable output', false)
    .action(async (opts: { json: boolean }) => {
      await withClient(async (client) => {
        const rows = [];
        for await (const s of client.schedule.list()) {
          rows.push({ scheduleId: s.scheduleId, paused: s.state.paused, next: s.info.nextActionTimes[0], workflowType: s.action?.type === 'startWorkflow' ? s.action.workflowType : undefined });
        }
        print(opts.json, rows, rows.map((r) => `${r.scheduleId}  ${r.paused ? 'paused' : 'active'}  next ${r.next?.toISOString() ?? '-'}`).join('\n') || 'no schedules');
      });
    });

  schedule
    .command('describe <scheduleId>')
    .description('Show a schedule: spec, policies, recent and next runs')
    .option('--json', 'machine-readable output', false)
    .action(async (id: string, opts: { json: boolean }) => {
      await withClient(async (client, env) => {
        const d = describeSchedule(id, await client.schedule.getHandle(id).describe(), env);
        const recent = d.recent.map((r) => `  ${r.scheduledAt.toISOString()}  ${r.workflowId}`).join('\n');
        print(
          opts.json,
          d,
          `${id}: ${d.paused ? 'paused' : 'active'} · every ${d.spec.intervals?.join(', ') ?? d.spec.cron} · overlap ${d.overlap} · ${d.actions} runs` +
            `\nrecent:\n${recent || '  (none)'}\nnext: ${d.next.map((t) => t.toISOString()).join(', ')}\nWeb UI: ${d.webUi}`,
        );
      });
    });

  for (const [name, describe] of [
    ['pause', 'Pause a schedule: no further runs until unpaused'],
    ['unpause', 'Unpause a schedule'],
    ['trigger', 'Run a schedule now (the overlap policy still applies)'],
    ['delete', 'Delete a schedule (runs it started are not stopped)'],
  ] as const) {
    schedule
      .command(`${name} <scheduleId>`)
      .description(describe)
      .option('--note <text>', 'why (pause/unpause)')
      .option('--json', 'machine-readable output', false)
      .action(async (id: string, opts: { note?: string; json: boolean }) => {
        await withClient(async (client) => {
          const handle = client.schedule.getHandle(id);
          if (name === 'pause') await handle.pause(opts.note ?? 'paused from the retriever CLI');
          else if (name === 'unpause') await handle.unpause(opts.note ?? 'unpaused from the retriever CLI');
          else if (name === 'trigger') await handle.trigger();
          else await handle.delete();
          print(opts.json, { scheduleId: id, done: name }, `${name}: ${id}`);
        });
      });
  }

  schedule
    .command('backfill <scheduleId>')
    .description('Run the schedule for the times it would have run in [from, to); each run reads up to its scheduled time')
    .requiredOption('--from <date>', 'ISO-8601 start')
    .requiredOption('--to <date>', 'ISO-8601 end')
    .option('--json', 'machine-readable output', false)
    .action(async (id: string, opts: { from: string; to: string; json: boolean }) => {
      const start = new Date(opts.from);
      const end = new Date(opts.to);
      const problems = [
        Number.isNaN(start.getTime()) && `--from: "${opts.from}" is not an ISO-8601 date`,
        Number.isNaN(end.getTime()) && `--to: "${opts.to}" is not an ISO-8601 date`,
        end <= start && '--to must be after --from',
      ].filter((p): p is string => Boolean(p));
      if (problems.length > 0) throw new InvalidConfigError(problems, 'backfill');
      await withClient(async (client) => {
        // Runs one after another: each continues from the bookmark the previous one committed.
        await client.schedule.getHandle(id).backfill({ start, end, overlap: ScheduleOverlapPolicy.BUFFER_ALL });
        print(opts.json, { scheduleId: id, from: start, to: end }, `backfill of ${id} requested for ${start.toISOString()} → ${end.toISOString()}`);
      });
    });
}
