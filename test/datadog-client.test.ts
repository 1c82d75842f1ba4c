import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DatadogClient } from '../src/datadog/client';
import { DatadogApiError } from '../src/datadog/errors';
import { extractRecords } from '../src/datadog/page';
import { getStream } from '../src/datadog/streams/table';

/** A server that answers each path with a canned status, headers and body. */
const answers: Record<string, { status: number; body: string | Buffer; headers?: Record<string, string> }> = {
  '/ok': { status: 200, body: '{"data":[]}', headers: { 'x-ratelimit-remaining': '7', 'x-ratelimit-reset': '12', 'x-ratelimit-limit': '300' } },
  '/unauthorized': { status: 401, body: '{"errors":["Unauthorized"]}' },
  '/forbidden': { status: 403, body: '{"errors":["Forbidden"]}' },
  '/missing': { status: 404, body: '{"errors":["Not found"]}' },
  '/bad': { status: 400, body: '{"errors":[{"title":"Invalid filter","detail":"filter[from] is not a date"}]}' },
  '/limited': { status: 429, body: '<html>Too many requests</html>', headers: { 'x-ratelimit-reset': '17', 'x-ratelimit-name': 'logs_list' } },
  '/broken': { status: 503, body: '{"errors":["Service unavailable"]}' },
  '/garbage': { status: 200, body: '{"data": [{"id": "a"' },
  '/accents': { status: 200, body: Buffer.from('{"data":[{"id":"café 🚀"}]}') },
  // "café" in Latin-1: not UTF-8.
  '/latin1': { status: 200, body: Buffer.from('{"data":[{"id":"caf\u00e9"}]}', 'latin1') },
};

describe('Datadog client', () => {
  let server: Server;
  let client: DatadogClient;
  const seen: Record<string, string | string[] | undefined>[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers);
      const answer = answers[req.url!.split('?')[0]];
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    client = new DatadogClient({ baseUrl: `http://127.0.0.1:${port}`, credentials: { apiKey: 'k-api', appKey: 'k-app' } });
  });
  afterAll(async () => {
    await client.close();
    await new Promise((r) => server.close(r));
  });

  const failure = (path: string) => client.send({ method: 'GET', path, query: {} }).then(() => undefined, (e: DatadogApiError) => e);

  it('sends both keys, or only the API key when asked', async () => {
    const response = await client.send({ method: 'GET', path: '/ok', query: { 'page[limit]': '5' } });
    expect(response.rateLimit).toMatchObject({ remaining: 7, reset: 12, limit: 300 });
    expect(seen.at(-1)).toMatchObject({ 'dd-api-key': 'k-api', 'dd-application-key': 'k-app' });
    await client.send({ method: 'GET', path: '/ok', query: {} }, { apiKeyOnly: true });
    expect(seen.at(-1)!['dd-application-key']).toBeUndefined();
  });

  it.each([
    ['/unauthorized', 'auth', false],
    ['/forbidden', 'forbidden', false],
    ['/missing', 'not_found', false],
    ['/bad', 'bad_request', false],
    ['/limited', 'rate_limited', true],
    ['/broken', 'server', true],
    ['/garbage', 'malformed', true],
  ])('classifies %s as %s', async (path, kind, retryable) => {
    const error = await failure(path);
    expect(error).toBeInstanceOf(DatadogApiError);
    expect(error).toMatchObject({ kind, retryable });
  });

  it('keeps the bytes of a body that is UTF-8 beside its text, and only the text of one that is not', async () => {
    const accents = await client.send({ method: 'GET', path: '/accents', query: {} });
    expect(accents.text).toBe('{"data":[{"id":"café 🚀"}]}');
    expect(accents.utf8).toEqual(Buffer.from(accents.text!));
    expect(accents.bytes).toBe(accents.utf8!.length);
    const latin1 = await client.send({ method: 'GET', path: '/latin1', query: {} });
    // Decoded as JavaScript decodes it, so a store reading the text lands what the parsed records hold.
    expect(latin1.body).toEqual({ data: [{ id: 'caf\ufffd' }] });
    expect(latin1.utf8).toBeUndefined();
    expect(latin1.bytes).toBe(24);
  });

  it("keeps Datadog's own words and the rate-limit reset", async () => {
    expect((await failure('/bad'))!.message).toContain('Invalid filter: filter[from] is not a date');
    const limited = (await failure('/limited'))!;
    expect(limited.details.rateLimit).toMatchObject({ reset: 17, name: 'logs_list' });
    expect(limited.message).toContain('Too many requests');
  });

  it('reports a refused connection as a network error', async () => {
    const dead = new DatadogClient({ baseUrl: 'http://127.0.0.1:1', credentials: { apiKey: 'a', appKey: 'b' } });
    await expect(dead.send({ method: 'GET', path: '/x', query: {} })).rejects.toMatchObject({ kind: 'network', retryable: true });
    await dead.close();
  });
});

describe('reading a page', () => {
  const logs = getStream('logs');

  it('refuses partial results instead of keeping half a page', () => {
    const body = { data: [{ id: 'a' }], meta: { status: 'timeout' } };
    expect(() => extractRecords(logs, body)).toThrow(/partial results/);
    const warned = { data: [{ id: 'a' }], meta: { status: 'done', warnings: [{ code: 'unknown_index', title: 'Unknown index' }] } };
    expect(() => extractRecords(logs, warned)).toThrow(/unknown_index/);
  });

  it('refuses records without their primary key, and bodies of the wrong shape', () => {
    expect(() => extractRecords(logs, { data: [{ id: 'a' }, { type: 'log' }] })).toThrow('record 1 has no "id"');
    expect(() => extractRecords(logs, { data: 'nope' })).toThrow('expected an array at "data", got a string');
    expect(extractRecords(logs, { data: [{ id: 'a' }], meta: { status: 'done' } })).toHaveLength(1);
  });
});
