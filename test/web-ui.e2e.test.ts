import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { codecAuthenticator } from '../src/codec/auth';
import { EncryptionCodec } from '../src/codec/encryption';
import { startCodecServer } from '../src/codec/server';
import { codecServerSettings } from '../src/config/codec-server';
import { parseSyncRequest } from '../src/config/request';
import { startSync } from '../src/cli/run-sync';
import { readEnv } from '../src/config/env';
import { identityProvider, type IdentityProvider } from './helpers/identity-provider';
import { harness, tempDir, type Harness } from './helpers/retriever';
import { freePort, startDevServer, temporalCli } from './helpers/temporal';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', 'test-results');
const DAY = 86_400_000;

// Chromium comes from Debian's packages (scripts/install-chromium.sh, run by pretest). Without it
// this test is reported as skipped, never passed.
const describeWithChromium = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM)) console.warn(`Web UI browser test skipped: no Chromium at ${CHROMIUM} (run scripts/install-chromium.sh)`);

describeWithChromium('the Temporal Web UI shows a finished, encrypted sync', () => {
  const codec = new EncryptionCodec({ currentKeyId: 'k1', keys: new Map([['k1', randomBytes(32)]]) });
  const staticToken = randomBytes(32).toString('base64');
  let env: TestWorkflowEnvironment;
  let client: Client;
  let h: Harness;
  let idp: IdentityProvider;
  let codecServer: { url: string; close: () => Promise<void> };
  let codecLog: string[] = [];
  let certificate: string;
  let browser: Browser;
  let uiUrl: string;
  let workflowId: string;

  beforeAll(async () => {
    const uiPort = await freePort();
    uiUrl = `http://127.0.0.1:${uiPort}`;
    env = await startDevServer([], { uiPort });
    const now = Date.now();
    h = await harness(env, { seed: 9, dashboards: 12, logs: { count: 800, from: now - DAY, to: now - 60_000 } }, { dataConverter: { payloadCodecs: [codec] } });
    client = new Client({ connection: env.connection, dataConverter: { payloadCodecs: [codec] } });

    // The Web UI passes a user's token only to an HTTPS codec endpoint: a self-signed certificate for 127.0.0.1.
    const dir = tempDir();
    certificate = join(dir, 'codec.pem');
    const subject = ['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', ...subject, '-keyout', join(dir, 'codec.key'), '-out', certificate], {
      stdio: 'ignore',
    });
    idp = await identityProvider();
    // Configured as `retriever codec-server` configures itself, from its environment.
    const settings = codecServerSettings(
      readEnv({
        RETRIEVER_CODEC_JWKS_URL: idp.jwksUrl,
        RETRIEVER_CODEC_JWT_ISSUER: idp.issuer,
        RETRIEVER_CODEC_JWT_AUDIENCE: idp.audience,
        RETRIEVER_CODEC_AUTH_TOKEN: staticToken,
        RETRIEVER_CODEC_TLS_CERT: certificate,
        RETRIEVER_CODEC_TLS_KEY: join(dir, 'codec.key'),
      }),
    );
    codecServer = await startCodecServer(codec, {
      port: 0,
      origins: [uiUrl],
      authenticate: codecAuthenticator(settings.auth),
      namespaces: settings.namespaces,
      maxBodyBytes: settings.maxBodyBytes,
      tls: settings.tls,
      log: (line) => codecLog.push(line),
    });

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });

    workflowId = `ui-${Date.now()}`;
    const request = parseSyncRequest({ name: 'ui', streams: ['dashboards', 'logs'], start_date: new Date(Date.now() - DAY).toISOString(), lag: '0s' }, Date.now());
    const { worker, close } = await h.worker();
    const runEnv = { ...readEnv({}), TEMPORAL_ADDRESS: env.address, RETRIEVER_TASK_QUEUE: h.taskQueue };
    try {
      await worker.runUntil(async () => {
        const handle = await startSync(client, runEnv, request, workflowId);
        await handle.result();
      });
    } finally {
      await close();
    }
  });
  afterAll(async () => {
    await browser?.close();
    await codecServer?.close();
    await idp?.close();
    await h?.close();
    await env?.teardown();
  });

  /**
   * A user's browser, with the codec server set in the UI's Codec Server settings and "Pass the user
   * access token" on. The dev server's UI runs without sign-on and drops any signed-in user at each
   * load, so the user's access token reaches it through the UI's own `globalThis.AccessToken` hook
   * (the function it asks for the token it forwards), as a page embedding the UI provides it.
   */
  async function userBrowser(accessToken?: string): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, ignoreHTTPSErrors: true }); // the self-signed certificate
    if (accessToken) await context.addInitScript((token) => Object.assign(globalThis, { AccessToken: async () => token }), accessToken);
    const page = await context.newPage();
    await page.goto(`${uiUrl}/namespaces/default/workflows`);
    await page.getByTestId('data-encoder-status').click();
    await page.getByTestId('data-encoder-endpoint-input').fill(codecServer.url);
    await page.getByTestId('data-encoder-pass-access-token').click();
    await page.getByTestId('confirm-data-encoder-button').click();
    await page.close();
    return context;
  }

  it('history holds ciphertext only', async () => {
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    const [started] = history.events!;
    const encoding = (payload?: { metadata?: { [k: string]: Uint8Array | null } | null } | null) => Buffer.from(payload?.metadata?.encoding ?? []).toString();
    expect(encoding(started.workflowExecutionStartedEventAttributes!.input!.payloads![0])).toBe('binary/encrypted');
    expect(encoding(started.userMetadata!.summary)).toBe('binary/encrypted'); // "Datadog sync · 2 streams"
    expect(Buffer.from(started.userMetadata!.summary!.data!).toString('latin1')).not.toContain('Datadog');
  });

  it('with its summary and one child per stream, decoded for the signed-in user', async () => {
    codecLog = [];
    const context = await userBrowser(await idp.sign());
    const page = await context.newPage();
    await page.goto(`${uiUrl}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`);
    await page.getByText('Datadog sync · 2 streams').first().waitFor({ timeout: 30_000 });
    await page.getByText('"start_date"').first().waitFor({ timeout: 30_000 }); // the decoded input
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'web-ui-sync.png'), fullPage: true });

    // The children, by their IDs, in the parent's Relationships tab.
    await page.getByText('Relationships', { exact: false }).first().click();
    for (const stream of ['dashboards', 'logs']) {
      await page.getByText(`${workflowId}/${stream}`).first().waitFor({ timeout: 30_000 });
    }
    await page.screenshot({ path: join(ARTIFACTS, 'web-ui-children.png'), fullPage: true });
    await context.close();
    expect(codecLog.join('\n')).toMatch(/200 POST \/decode from \S+: \d+ payload\(s\), namespace "default", caller ana@example.test/);
  });

  it('shows ciphertext only to a user who is not signed in', async () => {
    codecLog = [];
    const context = await userBrowser();
    const page = await context.newPage();
    await page.goto(`${uiUrl}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`);
    await page.getByText('Codec Server could not connect').filter({ visible: true }).first().waitFor({ timeout: 30_000 });
    await page.getByText('"encryption-key-id"').first().waitFor({ timeout: 30_000 }); // the input, still ciphertext
    await page.screenshot({ path: join(ARTIFACTS, 'web-ui-not-signed-in.png'), fullPage: true });
    expect(await page.getByText('Datadog sync · 2 streams').count()).toBe(0);
    await context.close();
    expect(codecLog.join('\n')).toMatch(/401 POST \/decode from \S+: (wrong token, and )?not a valid JWT/);
    expect(codecLog.join('\n')).not.toMatch(/^codec server: 200/m);
  });

  it('the Temporal CLI reads the same history through the codec server with the static token', async () => {
    const show = async (auth: string[]) => {
      const args = ['workflow', 'show', '--address', env.address, '--namespace', 'default', '-w', workflowId, '--output', 'json', '--codec-endpoint', codecServer.url, ...auth];
      const { stdout } = await promisify(execFile)(temporalCli(), args, { env: { ...process.env, SSL_CERT_FILE: certificate } }); // trusts the self-signed certificate
      const input = JSON.parse(stdout).events[0].workflowExecutionStartedEventAttributes.input.payloads[0] as { metadata: { encoding: string }; data: string };
      return { encoding: Buffer.from(input.metadata.encoding, 'base64').toString(), data: Buffer.from(input.data, 'base64') };
    };
    const decoded = await show(['--codec-auth', `Bearer ${staticToken}`]);
    expect(decoded.encoding).toBe('json/plain');
    expect(JSON.parse(decoded.data.toString())).toMatchObject({ name: 'ui', streams: ['dashboards', 'logs'] });
    expect(codecLog.join('\n')).toContain('caller static token');
  });
});
