import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { codecKeysFromEnv, EncryptionCodec } from '../src/codec/encryption';
import { startCodecServer } from '../src/codec/server';

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
    await expect(codec.decode([encrypted])).rejects.toThrow();
  });

  it('reads its keys from the environment', () => {
    const keys = codecKeysFromEnv({ RETRIEVER_CODEC_KEYS: `a:${key1.toString('base64')},b:${key2.toString('base64')}`, RETRIEVER_CODEC_KEY_ID: 'b' });
    expect(keys?.currentKeyId).toBe('b');
    expect(keys?.keys.get('a')).toEqual(key1);
    expect(codecKeysFromEnv({})).toBeUndefined();
  });
});

describe('codec server', () => {
  it('decodes for the Web UI, with CORS for its origin only', async () => {
    const codec = new EncryptionCodec({ currentKeyId: 'k1', keys: new Map([['k1', key1]]) });
    const server = await startCodecServer(codec, { port: 0, origins: ['http://localhost:8233'] });
    try {
      const [encrypted] = await codec.encode([payload]);
      const body = {
        payloads: [{ metadata: Object.fromEntries(Object.entries(encrypted.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])), data: Buffer.from(encrypted.data!).toString('base64') }],
      };
      const response = await fetch(`${server.url}/decode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'http://localhost:8233', 'x-namespace': 'default' },
        body: JSON.stringify(body),
      });
      expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
      const decoded = (await response.json()) as { payloads: { data: string }[] };
      expect(JSON.parse(Buffer.from(decoded.payloads[0].data, 'base64').toString())).toEqual({ streams: ['logs'], start_date: '2026-01-01' });

      const preflight = await fetch(`${server.url}/decode`, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await server.close();
    }
  });
});
