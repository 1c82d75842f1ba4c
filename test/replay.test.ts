import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from './helpers/temporal';

const DIR = join(__dirname, 'histories');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));

/**
 * Replays histories of real syncs (recorded by scripts/record-histories.ts) against today's workflow
 * code. A change that would break syncs already running fails here, in CI, before it ships.
 */
describe('recorded sync histories replay against the current workflow code', () => {
  it('has recordings of the parent, of children that continued as new, and of a paced child', () => {
    expect(files.some((f) => f.startsWith('replay-full__'))).toBe(true);
    expect(files.filter((f) => f.startsWith('replay-full__logs__')).length).toBeGreaterThan(1);
    // A rate-limited sync, whose history holds the pacing timers.
    const paced = files.filter((f) => f.startsWith('replay-paced__logs__')).map((f) => readFileSync(join(DIR, f), 'utf8'));
    expect(paced.some((text) => text.includes('TimerStarted') || text.includes('EVENT_TYPE_TIMER_STARTED'))).toBe(true);
  });

  it.each(files)('%s', async (file) => {
    // The replayer reads `temporal workflow show -o json` output as it is.
    const history = JSON.parse(readFileSync(join(DIR, file), 'utf8'));
    const workflowId = file.split('__').slice(0, -1).join('/');
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, workflowId);
  });
});
