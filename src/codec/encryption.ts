import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

const ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
const ProtoPayload = temporal.api.common.v1.Payload;

export interface CodecKeys {
  /** The key new payloads are encrypted with. */
  currentKeyId: string;
  /** Every key that may have encrypted a stored payload, by id: rotation keeps old ids readable. */
  keys: Map<string, Buffer>;
}

/**
 * AES-256-GCM encryption of every payload (inputs, results, details), so workflow history holds
 * ciphertext. The whole original payload (metadata included) is encrypted; the key id travels in the
 * clear so keys can rotate.
 */
export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly config: CodecKeys) {
    for (const [id, key] of config.keys) {
      if (key.length !== 32) throw new Error(`codec key "${id}" must be 32 bytes (AES-256), got ${key.length}`);
    }
    if (!config.keys.has(config.currentKeyId)) throw new Error(`codec key id "${config.currentKeyId}" has no key`);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.config.keys.get(this.config.currentKeyId)!;
    return payloads.map((payload) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const plain = ProtoPayload.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: Buffer.from(ENCODING), [KEY_ID]: Buffer.from(this.config.currentKeyId) },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (Buffer.from(payload.metadata?.encoding ?? []).toString() !== ENCODING) return payload;
      const id = Buffer.from(payload.metadata?.[KEY_ID] ?? []).toString();
      const key = this.config.keys.get(id);
      if (!key) throw new Error(`payload was encrypted with key id "${id}", which this process does not have (set it in RETRIEVER_CODEC_KEYS)`);
      const data = Buffer.from(payload.data ?? []);
      if (data.length < 12 + 16) throw new Error(`payload with key id "${id}" is too short to be AES-256-GCM ciphertext`);
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(data.length - 16));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
      } catch {
        // GCM's authentication failed: OpenSSL says only "unable to authenticate data".
        throw new Error(`payload with key id "${id}" does not decrypt: the key under that id is not the one it was encrypted with, or the data was altered`);
      }
      return ProtoPayload.decode(plain) as Payload;
    });
  }
}

/**
 * Keys from the environment: RETRIEVER_CODEC_KEY_ID picks the current key among
 * RETRIEVER_CODEC_KEYS ("id:base64key,id2:base64key"). Unset: no encryption.
 */
export function codecKeysFromEnv(env: NodeJS.ProcessEnv = process.env): CodecKeys | undefined {
  const list = env.RETRIEVER_CODEC_KEYS;
  if (!list) return undefined;
  const keys = new Map<string, Buffer>();
  for (const entry of list.split(',').map((e) => e.trim()).filter(Boolean)) {
    const at = entry.indexOf(':');
    if (at <= 0) throw new Error('RETRIEVER_CODEC_KEYS: expected "id:base64key[,id:base64key]"');
    keys.set(entry.slice(0, at), Buffer.from(entry.slice(at + 1), 'base64'));
  }
  const currentKeyId = env.RETRIEVER_CODEC_KEY_ID ?? [...keys.keys()][0];
  return { currentKeyId, keys };
}

/** The data converter for client and worker alike: encryption when keys are configured. */
export function dataConverterFromEnv(env: NodeJS.ProcessEnv = process.env): { payloadCodecs: PayloadCodec[] } | undefined {
  const keys = codecKeysFromEnv(env);
  return keys ? { payloadCodecs: [new EncryptionCodec(keys)] } : undefined;
}
