import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { generateKeyPair } from 'jose';
import { codecAuthenticator, type CodecAuthSettings } from '../src/codec/auth';
import { codecKeysFromEnv, EncryptionCodec } from '../src/codec/encryption';
import { startCodecServer, type CodecServerOptions } from '../src/codec/server';
import { codecServerSettings } from '../src/config/codec-server';
import { readEnv } from '../src/config/env';
import { identityProvider, type IdentityProvider } from './helpers/identity-provider';

const key1 = randomBytes(32);
const key2 = randomBytes(32);
const payload = defaultPayloadConverter.toPayload({ streams: ['logs'], start_date: '2026-01-01' })!;

describe('payload encryption', () => {
  it('turns payloads into ciphertext and back', async () => {
    const codec = new EncryptionCodec({ currentKeyId: 'k1', keys: new Map([['k1', key1]]) });
    const [encrypted] = await codec.encode([payload]);
    expect(Buffer.from(encrypted.metadata!.encoding!).toString()).toBe('binary/encrypted');
    expect(Buffer.from(encrypted.metadata!['encryption-key-id']!).toString()).toBe('k1');
    expect(Buffer.from(encrypted.data!).toString('latin1')).not.toContain('logs');
    const [decrypted] = await codec.decode([encrypted]);
    expect(defaultPayloadConverter.fromPayload(decrypted)).toEqual({ streams: ['logs'], start_date: '2026-01-01' });
  });

  it('reads payloads of an older key after rotation, and says which key is missing otherwise', async () => {
    const old = new EncryptionCodec({ currentKeyId: 'k1', keys: new Map([['k1', key1]]) });
    const rotated = new EncryptionCodec({ currentKeyId: 'k2', keys: new Map([['k1', key1], ['k2', key2]]) });
    const [before] = await old.encode([payload]);
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([before]))[0])).toEqual({ streams: ['logs'], start_date: '2026-01-01' });
    const [after] = await rotated.encode([payload]);
    await expect(old.decode([after])).rejects.toThrow('key id "k2", which this process does not have');
  });

  it('refuses a key that is not 32 bytes, and tampered ciphertext', async () => {
    expect(() => new EncryptionCodec({ currentKeyId: 'k', keys: new Map([['k', randomBytes(16)]]) })).toThrow('must be 32 bytes');
    const codec = new EncryptionCodec({ currentKeyId: 'k1', keys: new Map([['k1', key1]]) });
    const [encrypted] = await codec.encode([payload]);
    encrypted.data![20] ^= 1;
    await expect(codec.decode([encrypted])).rejects.toThrow('payload with key id "k1" does not decrypt');
  });

  it('reads its keys from the environment', () => {
    const keys = codecKeysFromEnv({ RETRIEVER_CODEC_KEYS: `a:${key1.toString('base64')},b:${key2.toString('base64')}`, RETRIEVER_CODEC_KEY_ID: 'b' });
    expect(keys?.currentKeyId).toBe('b');
    expect(keys?.keys.get('a')).toEqual(key1);
    expect(codecKeysFromEnv({})).toBeUndefined();
  });
});

const REQUEST = { streams: ['logs'], start_date: '2026-01-01' };
const STATIC_TOKEN = randomBytes(32).toString('base64');
const ISSUER = 'https://idp.example.test/';

const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])),
  data: Buffer.from(p.data!).toString('base64'),
});
const fromJson = (p: { metadata: Record<string, string>; data: string }): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data, 'base64'),
});

describe('codec server', () => {
  const codec = new EncryptionCodec({ currentKeyId: 'k1', keys: new Map([['k1', key1]]) });
  let idp: IdentityProvider;
  let server: { url: string; close: () => Promise<void> };
  let logged: string[];
  const auth = (): CodecAuthSettings => ({ token: STATIC_TOKEN, jwt: { jwksUrl: idp.jwksUrl, issuer: idp.issuer, audience: [idp.audience], algorithms: ['RS256'] } });
  const start = (options: Partial<CodecServerOptions> = {}) =>
    startCodecServer(codec, { port: 0, origins: ['http://localhost:8233'], authenticate: codecAuthenticator(auth()), namespaces: ['default'], maxBodyBytes: 4 * 1024 * 1024, log: (l) => logged.push(l), ...options });

  async function post(action: string, body: unknown, headers: Record<string, string> = {}, url = server.url) {
    const response = await fetch(`${url}/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, json: (await response.json()) as { error?: string; payloads?: { metadata: Record<string, string>; data: string }[] } };
  }
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const plainBody = { payloads: [toJson(defaultPayloadConverter.toPayload(REQUEST)!)] };

  beforeAll(async () => {
    idp = await identityProvider();
  });
  beforeEach(async () => {
    logged = [];
    server = await start();
  });
  afterEach(() => server.close());
  afterAll(() => idp.close());

  it('answers 401 on encode and decode without a token', async () => {
    for (const action of ['encode', 'decode']) {
      const response = await post(action, plainBody);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(response.json.payloads).toBeUndefined();
    }
    expect(logged.join('\n')).toContain('401 POST /decode from 127.0.0.1: no Authorization header');
  });

  it('answers 401 to a wrong static token and to JWTs that are forged, expired, or for another audience or issuer', async () => {
    const { privateKey: stranger } = await generateKeyPair('RS256');
    const rejected = {
      'wrong static token': 'x'.repeat(44),
      'signed by another key': await idp.sign({}, stranger),
      expired: await idp.sign({ exp: Math.floor(Date.now() / 1000) - 60 }),
      'another audience': await idp.sign({ aud: 'some-other-service' }),
      'another issuer': await idp.sign({ iss: 'https://evil.example.test/' }),
    };
    for (const [what, token] of Object.entries(rejected)) {
      const response = await post('decode', { payloads: await codec.encode([defaultPayloadConverter.toPayload(REQUEST)!]).then((p) => p.map(toJson)) }, bearer(token));
      expect([what, response.status, response.json.payloads]).toEqual([what, 401, undefined]);
    }
    expect(logged.join('\n')).toMatch(/ERR_JWT_EXPIRED/);
    expect(logged.join('\n')).not.toContain(rejected.expired); // tokens are never logged
  });

  it('round-trips a payload for a valid JWT and for the static token', async () => {
    for (const token of [await idp.sign(), STATIC_TOKEN]) {
      const encoded = await post('encode', plainBody, bearer(token));
      expect(encoded.status).toBe(200);
      const ciphertext = fromJson(encoded.json.payloads![0]);
      expect(Buffer.from(ciphertext.metadata!.encoding!).toString()).toBe('binary/encrypted');
      expect(defaultPayloadConverter.fromPayload((await codec.decode([ciphertext]))[0])).toEqual(REQUEST);

      const decoded = await post('decode', encoded.json, bearer(token));
      expect(decoded.status).toBe(200);
      expect(defaultPayloadConverter.fromPayload(fromJson(decoded.json.payloads![0]))).toEqual(REQUEST);
    }
    expect(logged.join('\n')).toContain('200 POST /decode from 127.0.0.1: 1 payload(s), namespace "default", caller ana@example.test');
  });

  it('decodes only for the namespaces it serves', async () => {
    const token = await idp.sign();
    const body = { payloads: (await codec.encode([defaultPayloadConverter.toPayload(REQUEST)!])).map(toJson) };
    const other = await post('decode', body, { ...bearer(token), 'x-namespace': 'payments' });
    expect(other).toMatchObject({ status: 403, json: { error: 'namespace "payments" is not served here' } });
    const none = await post('decode', body, { ...bearer(token), 'x-namespace': '' });
    expect(none.status).toBe(403);
    expect(none.json.error).toContain('X-Namespace header missing');

    await server.close();
    server = await start({ namespaces: ['default', 'payments'] });
    expect((await post('decode', body, { ...bearer(token), 'x-namespace': 'payments' })).status).toBe(200);
  });

  it('answers 413 to a 10 MiB body, with or without a declared length, and keeps serving', async () => {
    const token = await idp.sign();
    const huge = JSON.stringify({ payloads: [{ metadata: {}, data: 'A'.repeat(10 * 1024 * 1024) }] });
    const declared = await post('decode', huge, bearer(token));
    expect(declared).toMatchObject({ status: 413, json: { error: 'request body over 4194304 bytes' } });

    // Chunked, so the limit is found while reading, not from Content-Length.
    const chunked = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${server.url}/decode`);
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'x-namespace': 'default', ...bearer(token) } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      const piece = 'A'.repeat(1024 * 1024);
      for (let i = 0; i < 10; i++) req.write(piece);
      req.end();
    });
    expect(chunked).toBe(413);

    expect((await post('decode', plainBody, bearer(token))).status).toBe(200);
    expect(logged.join('\n')).not.toContain('AAAA');
  });

  it('answers 400 to malformed JSON and to a wrong shape, without logging or echoing the body', async () => {
    const token = await idp.sign();
    const malformed = await post('decode', '{"payloads": [{"data": "secret-sync-request"', bearer(token));
    expect(malformed).toMatchObject({ status: 400, json: { error: 'request body is not valid JSON' } });
    const wrong = await post('decode', { payloads: [{ data: 42 }] }, bearer(token));
    expect(wrong.status).toBe(400);
    expect(wrong.json.error).toContain('payloads.0.data');
    expect(logged.join('\n')).not.toContain('secret-sync-request');
    expect(logged.join('\n')).toContain('400 POST /decode from 127.0.0.1: request body is not valid JSON');
  });

  it('names the key id it lacks, without a stack trace', async () => {
    const other = new EncryptionCodec({ currentKeyId: 'k9', keys: new Map([['k9', key2]]) });
    const body = { payloads: (await other.encode([defaultPayloadConverter.toPayload(REQUEST)!])).map(toJson) };
    const response = await post('decode', body, bearer(STATIC_TOKEN));
    expect(response.status).toBe(422);
    expect(response.json.error).toBe('payload was encrypted with key id "k9", which this process does not have (set it in RETRIEVER_CODEC_KEYS)');
    expect(JSON.stringify(response.json)).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });

  it('answers 503 when the identity provider cannot be reached, and 401 still to callers without a token', async () => {
    const unreachable = { jwt: { jwksUrl: 'http://127.0.0.1:9/jwks.json', issuer: idp.issuer, audience: [idp.audience], algorithms: ['RS256'] } };
    const offline = await start({ authenticate: codecAuthenticator(unreachable) });
    try {
      expect((await post('decode', plainBody, bearer(await idp.sign()), offline.url)).status).toBe(503);
      expect((await post('decode', plainBody, {}, offline.url)).status).toBe(401);
    } finally {
      await offline.close();
    }
  });

  it('refuses to listen beyond loopback without authentication, and serves loopback callers with CORS for the UI only', async () => {
    await expect(start({ host: '0.0.0.0', authenticate: undefined })).rejects.toThrow('refusing to listen on 0.0.0.0 without authentication');
    const open = await start({ host: '0.0.0.0' });
    await open.close();

    const local = await start({ authenticate: undefined });
    try {
      const body = { payloads: (await codec.encode([defaultPayloadConverter.toPayload(REQUEST)!])).map(toJson) };
      const response = await post('decode', body, { origin: 'http://localhost:8233' }, local.url);
      expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
      expect(defaultPayloadConverter.fromPayload(fromJson(response.json.payloads![0]))).toEqual(REQUEST);
      const preflight = await fetch(`${local.url}/decode`, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await local.close();
    }
  });
});

describe('codec server settings', () => {
  it('come from the environment with defaults, and every impossible combination is named', () => {
    expect(codecServerSettings(readEnv({}))).toEqual({ auth: {}, namespaces: ['default'], maxBodyBytes: 4 * 1024 * 1024 });
    const env = readEnv({
      RETRIEVER_CODEC_AUTH_TOKEN: STATIC_TOKEN,
      RETRIEVER_CODEC_JWKS_URL: 'https://idp.example.test/jwks.json',
      RETRIEVER_CODEC_JWT_ISSUER: ISSUER,
      RETRIEVER_CODEC_JWT_AUDIENCE: 'a, b',
      RETRIEVER_CODEC_JWT_ALGORITHMS: 'ES256,RS256',
      RETRIEVER_CODEC_MAX_BODY: '512KiB',
      RETRIEVER_CODEC_NAMESPACES: 'default,payments',
    });
    expect(codecServerSettings(env)).toEqual({
      auth: { token: STATIC_TOKEN, jwt: { jwksUrl: 'https://idp.example.test/jwks.json', issuer: ISSUER, audience: ['a', 'b'], algorithms: ['ES256', 'RS256'] } },
      namespaces: ['default', 'payments'],
      maxBodyBytes: 512 * 1024,
    });

    expect(() => readEnv({ RETRIEVER_CODEC_AUTH_TOKEN: 'hunter2', RETRIEVER_CODEC_JWT_ALGORITHMS: 'HS256,RS256', RETRIEVER_CODEC_MAX_BODY: 'lots', RETRIEVER_CODEC_JWKS_URL: 'file:///jwks' })).toThrow(
      [
        'invalid environment:',
        '  - RETRIEVER_CODEC_AUTH_TOKEN: at least 32 characters, e.g. the output of `openssl rand -base64 32`',
        "  - RETRIEVER_CODEC_JWKS_URL: an http(s) URL of the identity provider's JWKS document",
        '  - RETRIEVER_CODEC_JWT_ALGORITHMS: HS256: not accepted; use a comma-separated list of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA',
        '  - RETRIEVER_CODEC_MAX_BODY: a size such as 4MiB, 512KiB or a number of bytes',
      ].join('\n'),
    );
    expect(() => codecServerSettings(readEnv({ RETRIEVER_CODEC_JWKS_URL: 'https://idp.example.test/jwks.json', RETRIEVER_CODEC_TLS_CERT: '/nonexistent/codec.pem' }))).toThrow(
      /JWT_ISSUER: required with RETRIEVER_CODEC_JWKS_URL[\s\S]*JWT_AUDIENCE: required[\s\S]*TLS_CERT: cannot read \/nonexistent\/codec.pem \(ENOENT\)[\s\S]*go together/,
    );
    expect(() => codecServerSettings(readEnv({ RETRIEVER_CODEC_JWT_ISSUER: ISSUER }))).toThrow('RETRIEVER_CODEC_JWKS_URL: not set, but RETRIEVER_CODEC_JWT_ISSUER/AUDIENCE are');
  });

  it('`retriever codec-server` will not start on 0.0.0.0 without authentication, and says why', async () => {
    const bin = join(__dirname, '..', 'bin', 'retriever.js');
    const env = { ...process.env, RETRIEVER_CODEC_KEYS: `k1:${key1.toString('base64')}`, RETRIEVER_CODEC_AUTH_TOKEN: '', RETRIEVER_CODEC_JWKS_URL: '' };
    const failure = await promisify(execFile)('node', [bin, 'codec-server', '--host', '0.0.0.0', '--port', '0'], { env, timeout: 60_000 }).catch((err: { code: number; stderr: string }) => err);
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain('refusing to listen on 0.0.0.0 without authentication: anyone who can reach it could decrypt every payload');
  });
});
