import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { chromium, type Browser } from 'playwright-core';
import { parseSyncRequest } from '../src/config/request';
import { startSync } from '../src/cli/run-sync';
import { readEnv } from '../src/config/env';
import { harness, type Harness } from './helpers/retriever';
import { freePort, startDevServer } from './helpers/temporal';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', 'test-results');
const DAY = 86_400_000;

// Chromium comes from Debian's packages (scripts/install-chromium.sh, run by pretest). Without it
// this test is reported as skipped, never passed.
const describeWithChromium = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM)) console.warn(`Web UI browser test skipped: no Chromium at ${CHROMIUM} (run scripts/install-chromium.sh)`);

describeWithChromium('the Temporal Web UI shows a finished sync', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let browser: Browser;
  let uiPort: number;

  beforeAll(async () => {
    uiPort = await freePort();
    env = await startDevServer([], { uiPort });
    const now = Date.now();
    h = await harness(env, { seed: 9, dashboards: 12, logs: { count: 800, from: now - DAY, to: now - 60_000 } });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    await env?.teardown();
  });

  it('with its summary and one child per stream', async () => {
    const workflowId = `ui-${Date.now()}`;
    const request = parseSyncRequest({ name: 'ui', streams: ['dashboards', 'logs'], start_date: new Date(Date.now() - DAY).toISOString(), lag: '0s' }, Date.now());
    const { worker, close } = await h.worker();
    const runEnv = { ...readEnv({}), TEMPORAL_ADDRESS: env.address, RETRIEVER_TASK_QUEUE: h.taskQueue };
    try {
      await worker.runUntil(async () => {
        const handle = await startSync(env.client, runEnv, request, workflowId);
        await handle.result();
      });
    } finally {
      await close();
    }

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`http://127.0.0.1:${uiPort}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`);
    await page.getByText('Datadog sync · 2 streams').first().waitFor({ timeout: 30_000 });
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'web-ui-sync.png'), fullPage: true });

    // The children, by their IDs, in the parent's Relationships tab.
    await page.getByText('Relationships', { exact: false }).first().click();
    for (const stream of ['dashboards', 'logs']) {
      await page.getByText(`${workflowId}/${stream}`).first().waitFor({ timeout: 30_000 });
    }
    await page.screenshot({ path: join(ARTIFACTS, 'web-ui-children.png'), fullPage: true });
  });
});
